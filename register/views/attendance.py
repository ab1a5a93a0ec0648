"""The attendance pages (A1-A13): group leaders ask for officer briefings, amend the brief (A5) and
take up other groups' (A3); the Chief Executive (or Deputy) decides, cancels an agreed briefing (A2),
records an absence and reads the parity report (A11); officers refer a request made to them directly
(A1), answer, attend, attest or report (A4, A6, A13) and record information, later marked likely to
be cited (A10); the Chief Executive or the group closes the record; and the public read the
published register (A8).

Thin: each page loads through a selector scoped to the viewer and changes things only through one
service. What a person may not see is "page not found"; what they may not do is explained.
"""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone

from register import conflicts, policies, selectors, workflow, working_days
from register.errors import DomainError, NotFound
from register.forms_attendance import (
    AbsenceForm,
    AmendBriefForm,
    AttendanceForm,
    CitedAtForm,
    DecisionForm,
    InformationForm,
    ParityPeriodForm,
    ReasonForm,
    ReferralForm,
    RequestForm,
    ResponseForm,
    TakeUpForm,
)
from register.models import Absence, AttendanceRequest, Person
from register.selectors import attendance as reads
from register.services import attendance as services
from register.services import people as people_services
from register.views.context import standing
from register.views.domain_errors import not_found, require_move

REQUEST = workflow.ATTENDANCE_REQUEST

ROWS_PER_PAGE = 50
# The reminder every officer is given with an invitation (A5), shown wherever they answer one.
A5_REMINDER = (
    "Attending is voluntary. You brief the group on the subject and scope agreed in advance, and do not comment "
    "beyond it. Leave before the group forms its view, and if party business is discussed in front of you. You may "
    "leave at any time if you feel vulnerable or your integrity is put in question (A4, A5, A6)."
)


def _posted(request):
    """The form's data when sent, even if empty (an empty form must show its errors)."""
    return request.POST if request.method == "POST" else None


def _page(request, rows):
    return Paginator(rows, ROWS_PER_PAGE).get_page(request.GET.get("page"))


def _seen(request, request_id: int) -> AttendanceRequest:
    try:
        return selectors.attendance_request_for(viewer=standing(request), pk=request_id)
    except NotFound as error:
        raise not_found(error) from None


def _leader(request) -> tuple:
    led = selectors.groups_led_by(request.user, selectors.today())
    if not led:
        raise Http404("You lead no political group.")
    return led[0]


def _reads(call, **kwargs):
    """A selector's answer, or "page not found" where it says the viewer has no such list."""
    try:
        return call(**kwargs)
    except NotFound as error:
        raise not_found(error) from None


# --- Group leaders (A1, A3, A10) ------------------------------------------------------------------


@login_required
def group_requests(request):
    """The group's requests, the latest meeting first, with status tags and deadlines."""
    group, capacity = _leader(request)
    rows = _reads(selectors.group_attendance_requests, viewer=standing(request))
    return render(
        request,
        "register/attendance/group.html",
        {
            "group": group,
            "capacity": capacity,
            "page": _page(request, rows),
            "today": selectors.today(),
        },
    )


@login_required
def new_request(request):
    """Ask for officers to brief a group meeting (A1), with the A5-A7 guidance on the form."""
    group, capacity = _leader(request)
    form = RequestForm(_posted(request), officers=reads.officers_to_ask(selectors.today()))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            created = services.attendance_request_submit(
                actor=request.user,
                reason="Requested in the register",
                meeting=data["meeting"],
                officers=list(data["officers"]),
                subject=data["subject"],
                scope=data["scope"],
                needs_confidential_information=data["needs_confidential_information"],
            )
        except DomainError as error:
            form.refuse(error)
        else:
            messages.success(
                request,
                f"Your request has gone to the Chief Executive. A decision is due by {created.due_on:%-d %B %Y}.",
            )
            return redirect("attendance:detail", created.pk)
    return render(request, "register/attendance/new.html", {"form": form, "group": group, "capacity": capacity})


@login_required
def withdraw(request, request_id: int):
    """The group withdraws its request, with a reason, before the meeting."""
    found = _seen(request, request_id)
    require_move(request, REQUEST, workflow.WITHDRAW, found)
    form = ReasonForm(
        _posted(request),
        label="Why is the group withdrawing the request?",
        submit_label="Withdraw the request",
        required_message="Give a reason for withdrawing the request",
        help_text="The Chief Executive and any officers invited are told.",
        warning=True,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.attendance_request_withdraw(request=found, actor=request.user, reason=form.cleaned_data["reason"])
        except DomainError as error:
            form.refuse(error)
        else:
            messages.success(request, "The request is withdrawn. It stays in the register, marked as withdrawn.")
            return redirect("attendance:detail", request_id)
    return render(request, "register/attendance/withdraw.html", {"form": form, "attendance_request": found})


@login_required
def amend(request, request_id: int):
    """The group amends its brief or its meeting, pre-filled with the current ones. Once approved the
    brief is fixed, so an amendment goes back to the Chief Executive for a decision (A5)."""
    found = _seen(request, request_id)
    require_move(request, REQUEST, workflow.AMEND_BRIEF, found)
    was_approved = found.state == workflow.APPROVED
    form = AmendBriefForm(_posted(request), attendance_request=found)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            amended = services.attendance_request_amend_brief(
                request=found,
                actor=request.user,
                reason=data["reason"],
                subject=data["subject"],
                scope=data["scope"],
                needs_confidential_information=data["needs_confidential_information"],
                meeting=data["meeting"],
            )
        except NotFound as error:
            raise not_found(error) from None
        except DomainError as error:
            form.refuse(error)
        else:
            messages.success(
                request,
                "The brief is amended and has gone to the Chief Executive for a decision, due by "
                f"{amended.due_on:%-d %B %Y}."
                + (" Officers who had accepted are asked again." if was_approved else ""),
            )
            return redirect("attendance:detail", request_id)
    return render(
        request,
        "register/attendance/amend.html",
        {
            "form": form,
            "attendance_request": found,
            "was_approved": was_approved,
        },
    )


@login_required
def other_groups(request):
    """Briefings agreed for other groups (group, officers, date, subject only: A8, A9), each with a
    one-step "request the same briefing" while the viewer's group has not yet (A3)."""
    group, _capacity = _leader(request)
    facts = _reads(selectors.briefing_facts_for_other_groups, viewer=standing(request))
    offers = {
        _key(offer.fact): offer.original_id
        for offer in _reads(selectors.equivalent_offers_for, viewer=standing(request))
    }
    rows = [(fact, offers.get(_key(fact))) for fact in reversed(facts)]
    return render(request, "register/attendance/other_groups.html", {"group": group, "rows": rows})


def _key(fact) -> tuple:
    return (fact.group, fact.date, fact.subject, fact.officers)


@login_required
def take_up(request, original_id: int):
    """Request the same briefing for a meeting of the viewer's group (A3): only the meeting is asked."""
    group, _capacity = _leader(request)
    offers = {offer.original_id: offer for offer in _reads(selectors.equivalent_offers_for, viewer=standing(request))}
    offer = offers.get(original_id)
    if offer is None:
        raise Http404("There is no such briefing for your group to take up.")
    form = TakeUpForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            created = services.attendance_request_take_up_equivalent(
                # The service locks the original by its id; the viewer may know only its facts (A9).
                actor=request.user,
                original=AttendanceRequest(pk=original_id),
                meeting=data["meeting"],
                scope=data["scope"],
                needs_confidential_information=data["needs_confidential_information"],
            )
        except NotFound as error:
            raise not_found(error) from None
        except DomainError as error:
            form.refuse(error)
        else:
            messages.success(request, "Your request for the same briefing has gone to the Chief Executive.")
            return redirect("attendance:detail", created.pk)
    return render(request, "register/attendance/take_up.html", {"form": form, "offer": offer, "group": group})


@login_required
def shared_information(request):
    """Information given to any group that is likely to be cited, copied to every group (A10)."""
    rows = _reads(selectors.information_shared_with, viewer=standing(request))
    return render(request, "register/attendance/shared.html", {"page": _page(request, rows)})


# --- One request, for whoever may see it ----------------------------------------------------------


@login_required
def detail(request, request_id: int):
    """A request in full, for the group, the officers named and the overseers; with the actions the
    viewer may take."""
    viewer, on = request.user, selectors.today()
    found = _seen(request, request_id)
    invitations = list(found.invitations.all())
    mine = next((i for i in invitations if i.officer_id == viewer.pk), None)
    moves = set(workflow.allowed_moves(REQUEST, found, standing(request)))
    answers = set(workflow.allowed_moves(workflow.ATTENDANCE_INVITATION, _with_request(mine, found), standing(request)))
    information = list(found.information.select_related("provided_by"))
    return render(
        request,
        "register/attendance/detail.html",
        {
            "attendance_request": found,
            "invitations": invitations,
            "mine": mine,
            "information": information,
            "may_mark": _information_viewer_may_mark(request, found, information),
            "warnings": _warnings(found, request),
            "may_withdraw": workflow.WITHDRAW in moves,
            "may_amend": workflow.AMEND_BRIEF in moves,
            "may_cancel": workflow.CANCEL in moves,
            "may_close": workflow.CLOSE in moves,
            "may_decide": bool(moves & {workflow.APPROVE, workflow.REFUSE}),
            "may_respond": bool(answers & {workflow.ACCEPT, workflow.DECLINE}),
            "may_record_attendance": workflow.RECORD_ATTENDANCE in moves,
            "may_record_information": workflow.RECORD_INFORMATION in moves,
            "a5_reminder": A5_REMINDER,
            "today": on,
        },
    )


def _with_request(invitation, found: AttendanceRequest):
    """The invitation with its request as the page loaded it (the workflow reads the meeting's time)."""
    if invitation is not None:
        invitation.request = found
    return invitation


def _information_viewer_may_mark(request, found: AttendanceRequest, information: list) -> set[int]:
    """The ids of the information the viewer may mark as likely to be cited now (A10)."""
    for item in information:
        item.request = found
    return {
        item.pk
        for item in information
        if workflow.is_allowed(workflow.INFORMATION, workflow.MARK_LIKELY_TO_BE_CITED, item, standing(request))
    }


def _warnings(found: AttendanceRequest, request) -> list:
    """The conflict warnings on one request that the viewer sees (B7)."""
    return conflicts.warnings_seen_by(standing(request), [found])[found.pk]


# --- The Chief Executive and Deputy (A2, A3, A11, A12) -------------------------------------------


@login_required
def queue(request):
    """Requests awaiting a decision, the one due soonest first, with working days left (A12), the
    conflict warnings (B7) and the precedent for equivalent requests (A3)."""
    on = selectors.today()
    if not reads.is_attendance_overseer(standing(request)):
        raise Http404("There is no such list.")
    page = _page(request, _reads(selectors.attendance_decision_queue, viewer=standing(request)))
    warnings = conflicts.warnings_seen_by(standing(request), page)
    rows = [(item, _days_left(on, item.due_on), warnings.get(item.pk, [])) for item in page]
    return render(
        request,
        "register/attendance/queue.html",
        {
            "page": page,
            "rows": rows,
            "acting": selectors.acting_chief_executive(on),
            "may_decide": policies.decides_attendance(standing(request)),
            "records_absence": workflow.is_allowed(workflow.ABSENCE, workflow.RECORD_ABSENCE, None, standing(request)),
        },
    )


def _days_left(on: datetime.date, due_on: datetime.date) -> int:
    """Working days left to decide: negative once overdue."""
    if due_on >= on:
        return working_days.working_days_between(on, due_on)
    return -working_days.working_days_between(due_on, on)


@login_required
def decide(request, request_id: int):
    """Approve, or refuse with a reason (A2). Refusing an equivalent of an approved briefing shows on
    the parity report (A3, A11)."""
    viewer, on = request.user, selectors.today()
    found = _seen(request, request_id)
    # Approving needs the meeting still to come and refusing does not: the page is for either.
    require_move(request, REQUEST, workflow.REFUSE, found)
    form = DecisionForm(_posted(request), initial={"round": found.round})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        found.round = data["round"]  # the brief the decision-maker read; the service checks it is current
        decide_with = (
            services.attendance_request_approve
            if data["decision"] == DecisionForm.APPROVE
            else services.attendance_request_refuse
        )
        try:
            decide_with(request=found, actor=viewer, reason=data["reason"])
        except NotFound as error:
            raise not_found(error) from None
        except DomainError as error:
            form.refuse(error)
        else:
            done = "approved: the officers are invited" if data["decision"] == DecisionForm.APPROVE else "refused"
            messages.success(request, f"The request from the {found.group} is {done}.")
            return redirect("attendance:queue")
    return render(
        request,
        "register/attendance/decide.html",
        {
            "form": form,
            "attendance_request": found,
            "invitations": list(found.invitations.all()),
            "warnings": _warnings(found, request),
            "days_left": _days_left(on, found.due_on),
        },
    )


@login_required
def cancel(request, request_id: int):
    """The acting Chief Executive calls off an agreed briefing before its meeting, with a reason (A2)."""
    found = _seen(request, request_id)
    require_move(request, REQUEST, workflow.CANCEL, found)
    form = ReasonForm(
        _posted(request),
        label="Why are you cancelling the briefing?",
        submit_label="Cancel the briefing",
        required_message="Give a reason for cancelling the briefing",
        help_text="The group and the officers see your reason. The other groups' leaders are told only "
        "that the briefing will not take place (A9).",
        warning=True,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.attendance_request_cancel(request=found, actor=request.user, reason=form.cleaned_data["reason"])
        except NotFound as error:
            raise not_found(error) from None
        except DomainError as error:
            form.refuse(error)
        else:
            messages.success(
                request,
                "The briefing is cancelled. The group, the officers and the other groups' "
                "leaders are told. It stays in the register, marked as cancelled.",
            )
            return redirect("attendance:detail", request_id)
    return render(request, "register/attendance/cancel.html", {"form": form, "attendance_request": found})


@login_required
def close(request, request_id: int):
    """After the meeting, the acting Chief Executive or the requesting group closes the record."""
    found = _seen(request, request_id)
    require_move(request, REQUEST, workflow.CLOSE, found)
    form = ReasonForm(
        _posted(request),
        label="Why are you closing the record?",
        submit_label="Close the record",
        required_message="Give a reason for closing the record",
        help_text="For example: the briefing took place and the officers have recorded their attendance; "
        "or the meeting took place without them.",
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.attendance_request_close(request=found, actor=request.user, reason=form.cleaned_data["reason"])
        except NotFound as error:
            raise not_found(error) from None
        except DomainError as error:
            form.refuse(error)
        else:
            messages.success(
                request,
                "The record of the briefing is closed. Information given can still be recorded "
                "and marked as likely to be cited (A10).",
            )
            return redirect("attendance:detail", request_id)
    return render(request, "register/attendance/close.html", {"form": form, "attendance_request": found})


@login_required
def absence(request):
    """Record the Chief Executive's absence, and see who decides meanwhile (A2)."""
    on = selectors.today()
    if not workflow.is_allowed(workflow.ABSENCE, workflow.RECORD_ABSENCE, None, standing(request)):
        raise Http404("Only the Chief Executive and the Deputy record an absence.")
    form = AbsenceForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            recorded = people_services.absence_record(actor=request.user, **form.cleaned_data)
        except NotFound as error:
            raise not_found(error) from None
        except DomainError as error:
            form.refuse(error)
        else:
            messages.success(
                request,
                f"The absence from {recorded.start_date:%-d %B %Y} to "
                f"{recorded.end_date:%-d %B %Y} is recorded; the Deputy decides meanwhile.",
            )
            return redirect("attendance:absence")
    absences = (
        Absence.objects.filter(state=Absence.State.RECORDED, end_date__gte=on)
        .select_related("person", "recorded_by")
        .order_by("start_date")
    )
    return render(
        request,
        "register/attendance/absence.html",
        {
            "form": form,
            "acting": selectors.acting_chief_executive(on),
            "absences": absences,
            "today": on,
        },
    )


@login_required
def parity(request):
    """Per group: requests made and what became of them in a period (A3, A11), as a table and bars."""
    on = selectors.today()
    if not reads.is_attendance_overseer(standing(request)):
        raise Http404("There is no such report.")
    try:
        start, end = ParityPeriodForm(request.GET).period(on)
    except ValidationError:
        start, end = on - datetime.timedelta(days=365), on
    rows = _reads(selectors.attendance_parity_report, viewer=standing(request), start=start, end=end)
    most = max([row.made for row in rows] + [1])
    charts = [
        ("Requests made", [(row.group, row.made, _width(row.made, most)) for row in rows]),
        ("Requests approved", [(row.group, row.approved, _width(row.approved, most)) for row in rows]),
    ]
    return render(
        request,
        "register/attendance/parity.html",
        {
            "rows": rows,
            "start": start,
            "end": end,
            "charts": charts,
        },
    )


def _width(value: int, most: int) -> int:
    """The bar's width as a multiple of 5 per cent (the stylesheet has a class for each)."""
    return int(round(20 * value / most)) * 5 if most else 0


# --- Officers (A4, A6, A10, A13) -------------------------------------------------------------------


def _officer(request) -> Person:
    if not request.user.is_officer:
        raise Http404("Only officers are invited to brief groups.")
    return request.user


@login_required
def invitations(request):
    """The officer's invitations: to answer, upcoming, and past meetings to record."""
    viewer = _officer(request)
    now = selectors.now()
    to_answer, upcoming, past = [], [], []
    for invitation in selectors.officer_attendance_invitations(viewer=viewer):
        live = invitation.request.state in {workflow.SUBMITTED, workflow.APPROVED}
        future = invitation.request.meeting.starts_at > now
        if future and live and invitation.state == workflow.INVITED:
            to_answer.append(invitation)
        elif future and live:
            upcoming.append(invitation)
        elif not future and invitation.request.state in workflow.AGREED_REQUEST_STATES:
            past.append((invitation, invitation.has_attendance))
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


def _named(request, request_id: int):
    """The request and the viewer's own invitation to it; an officer not named may not act on it."""
    found = _seen(request, request_id)
    mine = next((i for i in found.invitations.all() if i.officer_id == request.user.pk), None)
    if mine is None:
        raise PermissionDenied(
            "Only the officers named in the request answer it, attend and record what they gave (A4)."
        )
    return found, mine


@login_required
def respond(request, request_id: int):
    """Accept or decline, before or after approval; no reason is needed to decline (A4)."""
    found, mine = _named(request, request_id)
    form = ResponseForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        accept = form.cleaned_data["answer"] == ResponseForm.ACCEPT
        try:
            services.attendance_invitation_respond(
                request=found, actor=request.user, accept=accept, reason=form.cleaned_data["reason"]
            )
        except DomainError as error:
            form.refuse(error)
        else:
            messages.success(
                request, "You have accepted the invitation." if accept else "You have declined the invitation."
            )
            return redirect("attendance:invitations")
    return render(
        request,
        "register/attendance/respond.html",
        {
            "form": form,
            "attendance_request": found,
            "mine": mine,
            "a5_reminder": A5_REMINDER,
        },
    )


@login_required
def record_attendance(request, request_id: int):
    """After the meeting: arrival, departure and the attestation, or a report of what happened (A6, A13)."""
    found = _seen(request, request_id)
    require_move(request, REQUEST, workflow.RECORD_ATTENDANCE, found)
    meeting_day = timezone.localtime(found.meeting.starts_at).date()
    form = AttendanceForm(_posted(request), meeting_day=meeting_day)
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
        except DomainError as error:
            form.refuse(error)
        else:
            messages.success(
                request,
                "Your attendance is recorded"
                + (
                    ", and your report has gone to the Chief Executive and the Monitoring Officer."
                    if record.is_report
                    else ", with your attestation."
                ),
            )
            return redirect("attendance:detail", request_id)
    return render(
        request,
        "register/attendance/record_attendance.html",
        {
            "form": form,
            "attendance_request": found,
            "meeting_day": meeting_day,
        },
    )


@login_required
def record_information(request, request_id: int):
    """Information the officer gave the group; if likely to be cited, every group gets a copy (A10)."""
    found = _seen(request, request_id)
    require_move(request, REQUEST, workflow.RECORD_INFORMATION, found)
    form = InformationForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            information = services.attendance_information_record(request=found, actor=request.user, **form.cleaned_data)
        except DomainError as error:
            form.refuse(error)
        else:
            messages.success(
                request,
                "The information is recorded"
                + (", and a copy has gone to every group's leader." if information.likely_to_be_cited else "."),
            )
            return redirect("attendance:detail", request_id)
    return render(
        request,
        "register/attendance/record_information.html",
        {
            "form": form,
            "attendance_request": found,
        },
    )


@login_required
def mark_likely_to_be_cited(request, request_id: int, information_id: int):
    """Information recorded earlier is now likely to be cited: every group gets a copy (A10). For the
    officer who gave it, the acting Chief Executive and the Monitoring Officer."""
    viewer = request.user
    found = _seen(request, request_id)
    information = found.information.select_related("provided_by").filter(pk=information_id).first()
    if information is None:
        raise Http404("There is no such information.")
    information.request = found
    require_move(request, workflow.INFORMATION, workflow.MARK_LIKELY_TO_BE_CITED, information)
    form = CitedAtForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.attendance_information_mark_likely_to_be_cited(
                information=information,
                actor=viewer,
                cited_at=form.cleaned_data["cited_at"],
                reason=form.cleaned_data["reason"],
            )
        except NotFound as error:
            raise not_found(error) from None
        except DomainError as error:
            form.refuse(error)
        else:
            messages.success(
                request,
                f"“{information.title}” is marked as likely to be cited, and a copy has gone "
                "to every group's leader (A10).",
            )
            return redirect("attendance:detail", request_id)
    return render(
        request,
        "register/attendance/likely_to_be_cited.html",
        {
            "form": form,
            "attendance_request": found,
            "information": information,
        },
    )


@login_required
def refer(request):
    """An officer asked directly by a councillor records the request as referred to the Chief
    Executive, who decides it; the officer does not answer it themself (A1)."""
    viewer, on = _officer(request), selectors.today()
    form = ReferralForm(
        _posted(request),
        councillors=reads.councillors_to_name(on),
        officers=reads.officers_to_ask(on),
        referring_officer=viewer,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            created = services.attendance_request_refer(
                actor=viewer,
                reason="Referred in the register",
                asked_by=data["asked_by"],
                meeting=data["meeting"],
                officers=list(data["officers"]),
                subject=data["subject"],
                scope=data["scope"],
                needs_confidential_information=data["needs_confidential_information"],
            )
        except DomainError as error:
            form.refuse(error)
        else:
            messages.success(
                request,
                f"The request is referred to the Chief Executive, who decides it (A1). The "
                f"{created.group}'s leader sees it; a decision is due by {created.due_on:%-d %B %Y}.",
            )
            return redirect("attendance:detail", created.pk)
    return render(request, "register/attendance/refer.html", {"form": form})


# --- The public -----------------------------------------------------------------------------------


def published(request):
    """The published register of officer attendance at group meetings: group, officer's post, date
    and subject, nothing more (A8). No sign-in."""
    return render(request, "register/attendance/published.html", {"briefings": selectors.published_register()})
