"""One request, for whoever may see it in full (the group, the officers named, the overseers): the
page itself with the actions the viewer may take, and closing the record after the meeting, which
the acting Chief Executive or the group does.

What the page offers is exactly what the workflow allows the viewer now (``allowed_moves``).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from register import conflicts, policies, selectors, workflow
from register.errors import RuleViolation
from register.forms_attendance import ReasonForm
from register.models import AttendanceRequest
from register.selectors import concerns as concern_reads
from register.services import attendance as services
from register.views.attendance.common import A5_REMINDER, REQUEST, actions_on, own_invitation, posted, seen
from register.views.context import standing
from register.views.domain_errors import form_page, require_move


@login_required
def detail(request, request_id: int):
    """A request in full, for the group, the officers named and the overseers; with the actions the
    viewer may take."""
    found = seen(request, request_id)
    mine = own_invitation(request, found)
    information = list(found.information.select_related("provided_by"))
    return render(
        request,
        "register/attendance/detail.html",
        {
            "attendance_request": found,
            "invitations": list(found.invitations.all()),
            "mine": mine,
            "information": information,
            "actions": actions_on(request, found, mine),
            "may_mark": _information_viewer_may_mark(request, found, information),
            "warnings": warnings_on(request, found),
            "a5_reminder": A5_REMINDER,
            "today": selectors.today(),
            # D1, D2, D6: concerns about this briefing that the viewer may see, and raising one.
            "concerns": list(concern_reads.concerns_visible_to(standing(request)).filter(briefing=found)),
            "may_raise_concern": policies.raises_concern(standing(request)),
        },
    )


def _information_viewer_may_mark(request, found: AttendanceRequest, information: list) -> set[int]:
    """The ids of the information the viewer may mark as likely to be cited now (A10)."""
    for item in information:
        item.request = found
    return {
        item.pk
        for item in information
        if workflow.is_allowed(workflow.INFORMATION, workflow.MARK_LIKELY_TO_BE_CITED, item, standing(request))
    }


def warnings_on(request, found: AttendanceRequest) -> list:
    """The conflict warnings on one request that the viewer sees (B7)."""
    return conflicts.warnings_seen_by(standing(request), [found])[found.pk]


@login_required
def close(request, request_id: int):
    """After the meeting, the acting Chief Executive or the requesting group closes the record."""
    found = seen(request, request_id)
    require_move(request, REQUEST, workflow.CLOSE, found)
    form = ReasonForm(
        posted(request),
        label="Why are you closing the record?",
        submit_label="Close the record",
        required_message="Give a reason for closing the record",
        help_text="For example: the briefing took place and the officers have recorded their attendance; "
        "or the meeting took place without them.",
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.attendance_request_close(request=found, actor=request.user, reason=form.cleaned_data["reason"])
        except RuleViolation as error:
            form.refuse(error)
        else:
            messages.success(
                request,
                "The record of the briefing is closed. Information given can still be recorded "
                "and marked as likely to be cited (A10).",
            )
            return redirect("attendance:detail", request_id)
    return form_page(request, "register/attendance/close.html", {"attendance_request": found}, form=form)
