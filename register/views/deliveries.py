"""The e-mail notices that did not arrive (issue 22's follow-up), for Democratic Services and the register's
administrators who manage notices: the list, and sending one again with a reason once the address is right.

Thin: the list is read through a selector scoped to the viewer (to anyone else it does not exist), and a
notice is sent again only through the service (delivery.notice_retry), which the workflow table judges."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render

from register import workflow
from register.errors import RuleViolation
from register.forms_deliveries import SendAgainForm
from register.selectors import deliveries as reads
from register.services import delivery
from register.views.context import standing
from register.views.domain_errors import form_page, require_move

ROWS_PER_PAGE = 50


@login_required
def undelivered(request):
    viewer = standing(request)
    page = Paginator(reads.undelivered(viewer=viewer), ROWS_PER_PAGE).get_page(request.GET.get("page"))
    may_send_again = {
        notice.pk for notice in page if workflow.SEND_AGAIN in workflow.allowed_moves(workflow.NOTICE, notice, viewer)
    }
    return render(request, "register/deliveries/undelivered.html", {"page": page, "may_send_again": may_send_again})


@login_required
def send_again(request, notice_id: int):
    notice = reads.undelivered_notice(viewer=standing(request), notice_id=notice_id)
    require_move(request, workflow.NOTICE, workflow.SEND_AGAIN, notice)
    form = SendAgainForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            delivery.notice_retry(notice=notice, actor=request.user, reason=form.cleaned_data["reason"])
        except RuleViolation as error:
            form.refuse(error)
        else:
            messages.success(request, f"The e-mail to {notice.recipient} is queued to be sent again.")
            return redirect("notices-undelivered")
    return form_page(request, "register/deliveries/send_again.html", {"notice": notice}, form=form)
