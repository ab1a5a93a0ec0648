"""The in-app inbox: a person's notices, how many are unread, and marking one as read. A notice that
is not the viewer's is "not found" (``DomainErrorMiddleware``)."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from register import selectors
from register.services import notifications

NOTICES_PER_PAGE = 50


@login_required
def inbox(request):
    page = Paginator(selectors.inbox(request.user), NOTICES_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "register/notices.html", {"page": page, "unread": selectors.unread_count(request.user)})


@login_required
@require_POST
def mark_read(request, notice_id: int):
    notice = selectors.notice_in_inbox(request.user, notice_id)
    notifications.notice_mark_read(notice=notice, actor=request.user, reason="Read in the register")
    return redirect(_back_to_inbox(request))


def _back_to_inbox(request) -> str:
    """Back to the page of the inbox the person was reading."""
    page = request.POST.get("page", "")
    url = reverse("notices")
    return f"{url}?page={page}" if page.isdigit() else url
