"""The officers' pages (A1, A4, A6, A10, A13): their invitations, accepting or declining, recording
attendance with an attestation or a report after the meeting, recording information given (later
marked likely to be cited), and referring a request a councillor made to them directly.

What each page offers is exactly what the workflow allows the officer now (``allowed_moves``); a
refusal by the service reaches ``DomainErrorMiddleware``, except bad input, shown on the form.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone

from register import policies, selectors, workflow
from register.errors import RuleViolation
from register.forms_attendance import AttendanceForm, CitedAtForm, InformationForm, ReferralForm, ResponseForm
from register.selectors import attendance as reads
from register.services import attendance as services
from register.views.attendance.common import A5_REMINDER, INVITATION, REQUEST, actions_on, own_invitation, posted, seen
from register.views.context import standing
from register.views.domain_errors import form_page, require_move, require_one_of


def _briefing_officer(request) -> None:
    """The invitations pages are for officers who may be asked to brief groups (A4)."""
    if not policies.is_briefing_officer(standing(request)):
        raise Http404("Only officers are invited to brief groups.")


@login_required
def invitations(request):
    """The officer's invitations: to answer, upcoming, and past meetings; each with what the
    officer may do now (answer, record attendance, record information given)."""
    _briefing_officer(request)
    viewer, now = standing(request), selectors.now()
    to_answer, upcoming, past = [], [], []
    for invitation in selectors.officer_attendance_invitations(viewer=viewer):
        row = (invitation, actions_on(request, invitation.request, invitation))
        live = invitation.request.state in {workflow.SUBMITTED, workflow.APPROVED}
        future = invitation.request.meeting.starts_at > now
        if future and live:
            (to_answer if invitation.state == workflow.INVITED else upcoming).append(row)
        elif not future and invitation.request.state in workflow.AGREED_REQUEST_STATES:
            past.append(row)
    return render(
        request,
        "register/attendance/invitations.html",
        {
            "to_answer": to_answer,
            "upcoming": upcoming,
            "past": list(reversed(past)),
            "a5_reminder": A5_REMINDER,
        },
    )


@login_required
def respond(request, request_id: int):
    """Accept or decline, before or after approval; no reason is needed to decline (A4)."""
    found = seen(request, request_id)
    mine = own_invitation(request, found)
    require_one_of(request, INVITATION, (workflow.ACCEPT, workflow.DECLINE), mine)
    form = ResponseForm(posted(request))
    if request.method == "POST" and form.is_valid():
        accept = form.cleaned_data["answer"] == ResponseForm.ACCEPT
        try:
            services.attendance_invitation_respond(
                request=found, actor=request.user, accept=accept, reason=form.cleaned_data["reason"]
            )
        except RuleViolation as error:
            form.refuse(error)
        else:
            messages.success(
                request, "You have accepted the invitation." if accept else "You have declined the invitation."
            )
            return redirect("attendance:invitations")
    return form_page(
        request,
        "register/attendance/respond.html",
        {"attendance_request": found, "mine": mine, "a5_reminder": A5_REMINDER},
        form=form,
    )


@login_required
def record_attendance(request, request_id: int):
    """After the meeting: arrival, departure and the attestation, or a report of what happened (A6, A13)."""
    found = seen(request, request_id)
    require_move(request, REQUEST, workflow.RECORD_ATTENDANCE, found)
    meeting_day = timezone.localtime(found.meeting.starts_at).date()
    form = AttendanceForm(posted(request), meeting_day=meeting_day)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            record = services.attendance_record_attendance(
                request=found,
                actor=request.user,
                arrived_at=data["arrived_at"],
                left_at=data["left_at"],
                attested=data["attested"],
                concerns=data["concerns"],
                report=data["report"],
            )
        except RuleViolation as error:
            form.refuse(error)
        else:
            messages.success(
                request,
                "Your attendance is recorded"
                + (
                    ", and your report has gone to the Chief Executive and the Monitoring Officer, and to "
                    f"{record.concern.handler} as a concern under the protocol ({record.concern.reference})."
                    if record.is_report
                    else ", with your attestation."
                ),
            )
            return redirect("attendance:detail", request_id)
    return form_page(
        request,
        "register/attendance/record_attendance.html",
        {"attendance_request": found, "meeting_day": meeting_day},
        form=form,
    )


@login_required
def record_information(request, request_id: int):
    """Information the officer gave the group; if likely to be cited, every group gets a copy (A10)."""
    found = seen(request, request_id)
    require_move(request, REQUEST, workflow.RECORD_INFORMATION, found)
    form = InformationForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            information = services.attendance_information_record(request=found, actor=request.user, **form.cleaned_data)
        except RuleViolation as error:
            form.refuse(error)
        else:
            messages.success(
                request,
                "The information is recorded"
                + (", and a copy has gone to every group's leader." if information.likely_to_be_cited else "."),
            )
            return redirect("attendance:detail", request_id)
    return form_page(request, "register/attendance/record_information.html", {"attendance_request": found}, form=form)


@login_required
def mark_likely_to_be_cited(request, request_id: int, information_id: int):
    """Information recorded earlier is now likely to be cited: every group gets a copy (A10). For the
    officer who gave it, the acting Chief Executive and the Monitoring Officer."""
    found = seen(request, request_id)
    information = found.information.select_related("provided_by").filter(pk=information_id).first()
    if information is None:
        raise Http404("There is no such information.")
    information.request = found
    require_move(request, workflow.INFORMATION, workflow.MARK_LIKELY_TO_BE_CITED, information)
    form = CitedAtForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.attendance_information_mark_likely_to_be_cited(
                information=information,
                actor=request.user,
                cited_at=form.cleaned_data["cited_at"],
                reason=form.cleaned_data["reason"],
            )
        except RuleViolation as error:
            form.refuse(error)
        else:
            messages.success(
                request,
                f"“{information.title}” is marked as likely to be cited, and a copy has gone "
                "to every group's leader (A10).",
            )
            return redirect("attendance:detail", request_id)
    return form_page(
        request,
        "register/attendance/likely_to_be_cited.html",
        {"attendance_request": found, "information": information},
        form=form,
    )


@login_required
def refer(request):
    """An officer asked directly by a councillor records the request as referred to the Chief
    Executive, who decides it; the officer does not answer it themself (A1)."""
    require_move(request, REQUEST, workflow.REFER, None)
    on = selectors.today()
    form = ReferralForm(
        posted(request),
        councillors=reads.councillors_to_name(on),
        officers=reads.officer_choices(on),
        referring_officer=request.user,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            created = services.attendance_request_refer(
                actor=request.user,
                reason="Referred in the register",
                asked_by=data["asked_by"],
                meeting=data["meeting"],
                officers=list(data["officers"]),
                subject=data["subject"],
                scope=data["scope"],
                needs_confidential_information=data["needs_confidential_information"],
            )
        except RuleViolation as error:
            form.refuse(error)
        else:
            messages.success(
                request,
                f"The request is referred to the Chief Executive, who decides it (A1). The "
                f"{created.group}'s leader sees it; a decision is due by {created.due_on:%-d %B %Y}.",
            )
            return redirect("attendance:detail", created.pk)
    return form_page(request, "register/attendance/refer.html", {}, form=form)
