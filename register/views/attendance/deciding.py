"""The pages of the Chief Executive and the Deputy (A2, A3, A11, A12): the queue of requests to
decide, the decision, cancelling an agreed briefing, the Chief Executive's absences (who decides
meanwhile) and the parity report. The Monitoring Officer and auditors read the same lists.

What each page offers is exactly what the workflow allows the viewer now (``allowed_moves``); a
refusal by the service reaches ``DomainErrorMiddleware``, except bad input, shown on the form.
"""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from register import conflicts, selectors, workflow, working_days
from register.errors import RuleViolation
from register.forms_attendance import AbsenceForm, DecisionForm, ParityPeriodForm, ReasonForm
from register.services import attendance as services
from register.services import people as people_services
from register.views.attendance.common import REQUEST, actions, page_of, posted, seen
from register.views.attendance.detail import warnings_on
from register.views.context import standing
from register.views.domain_errors import form_page, require_move, require_one_of


@login_required
def queue(request):
    """Requests awaiting a decision, urgent ones first (the meeting comes before the normal deadline),
    then the soonest meeting, with the meeting's date and working days left (A12), the
    conflict warnings (B7) and the precedent for equivalent requests (A3); "Decide" on each that
    the viewer may approve or refuse now."""
    on, viewer = selectors.today(), standing(request)
    page = page_of(request, selectors.attendance_decision_queue(viewer=viewer))
    warnings = conflicts.warnings_seen_by(viewer, page)
    rows = [
        (
            item,
            _days_left(on, item.due_on),
            warnings.get(item.pk, []),
            actions(set(workflow.allowed_moves(REQUEST, item, viewer)))["decide"],
        )
        for item in page
    ]
    return render(
        request,
        "register/attendance/queue.html",
        {"page": page, "rows": rows, "acting": selectors.acting_chief_executive(on)},
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
    found = seen(request, request_id)
    # Approving needs the meeting still to come and refusing does not: the page is for either.
    require_one_of(request, REQUEST, (workflow.APPROVE, workflow.REFUSE), found)
    form = DecisionForm(posted(request), initial={"round": found.round})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        found.round = data["round"]  # the brief the decision-maker read; the service checks it is current
        decide_with = (
            services.attendance_request_approve
            if data["decision"] == DecisionForm.APPROVE
            else services.attendance_request_refuse
        )
        try:
            decide_with(request=found, actor=request.user, reason=data["reason"])
        except RuleViolation as error:
            form.refuse(error)
        else:
            done = "approved: the officers are invited" if data["decision"] == DecisionForm.APPROVE else "refused"
            messages.success(request, f"The request from the {found.group} is {done}.")
            return redirect("attendance:queue")
    return form_page(
        request,
        "register/attendance/decide.html",
        {
            "attendance_request": found,
            "invitations": list(found.invitations.all()),
            "warnings": warnings_on(request, found),
            "days_left": _days_left(selectors.today(), found.due_on),
        },
        form=form,
    )


@login_required
def cancel(request, request_id: int):
    """The acting Chief Executive calls off an agreed briefing before its meeting, with a reason (A2)."""
    found = seen(request, request_id)
    require_move(request, REQUEST, workflow.CANCEL, found)
    form = ReasonForm(
        posted(request),
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
        except RuleViolation as error:
            form.refuse(error)
        else:
            messages.success(
                request,
                "The briefing is cancelled. The group, the officers and the other groups' "
                "leaders are told. It stays in the register, marked as cancelled.",
            )
            return redirect("attendance:detail", request_id)
    return form_page(request, "register/attendance/cancel.html", {"attendance_request": found}, form=form)


@login_required
def absence(request):
    """The Chief Executive's absences and who decides meanwhile (A2), for those who see every
    request; recording one, and cancelling one, for those the workflow lets."""
    on, viewer = selectors.today(), standing(request)
    if request.method == "POST":
        require_move(request, workflow.ABSENCE, workflow.RECORD_ABSENCE, None)
    absences = selectors.absences_ahead(viewer=viewer)
    may_record = workflow.is_allowed(workflow.ABSENCE, workflow.RECORD_ABSENCE, None, viewer)
    form = AbsenceForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            recorded = people_services.absence_record(actor=request.user, **form.cleaned_data)
        except RuleViolation as error:
            form.refuse(error)
        else:
            messages.success(
                request,
                f"The absence from {recorded.start_date:%-d %B %Y} to "
                f"{recorded.end_date:%-d %B %Y} is recorded; the Deputy decides meanwhile.",
            )
            return redirect("attendance:absence")
    rows = [(item, workflow.is_allowed(workflow.ABSENCE, workflow.CANCEL_ABSENCE, item, viewer)) for item in absences]
    return form_page(
        request,
        "register/attendance/absence.html",
        {
            "may_record": may_record,
            "acting": selectors.acting_chief_executive(on),
            "rows": rows,
            "today": on,
        },
        form=form,
    )


@login_required
@require_POST
def cancel_absence(request, absence_id: int):
    """Cancel a recorded absence of the Chief Executive: one button on the absences page (A2)."""
    found = selectors.absence_for(viewer=standing(request), pk=absence_id)
    require_move(request, workflow.ABSENCE, workflow.CANCEL_ABSENCE, found)
    people_services.absence_cancel(actor=request.user, reason="Absence cancelled in the register", absence=found)
    messages.success(
        request,
        f"The absence from {found.start_date:%-d %B %Y} to {found.end_date:%-d %B %Y} is cancelled; "
        "the Chief Executive decides on those days.",
    )
    return redirect("attendance:absence")


@login_required
def parity(request):
    """Per group: requests made and what became of them in a period (A3, A11), as a table and bars.
    A period in error is named in the error summary (status 400), and the page shows no report."""
    on = selectors.today()
    given = ParityPeriodForm.is_given(request.GET)
    form = ParityPeriodForm(request.GET if given else None)
    if given and form.is_valid():
        start, end = form.period(on)
    else:
        start, end = on - datetime.timedelta(days=365), on
    if not given:
        form.initial = {"start": start, "end": end}
    # Read even for a period in error: the selector decides who may see the report at all.
    rows = selectors.attendance_parity_report(viewer=standing(request), start=start, end=end)
    most = max([row.made for row in rows] + [1])
    charts = [
        ("Requests made", [(row.group, row.made, _width(row.made, most)) for row in rows]),
        ("Requests approved", [(row.group, row.approved, _width(row.approved, most)) for row in rows]),
    ]
    return form_page(
        request,
        "register/attendance/parity.html",
        {"rows": rows, "start": start, "end": end, "charts": charts},
        form=form,
    )


def _width(value: int, most: int) -> int:
    """The bar's width as a multiple of 5 per cent (the stylesheet has a class for each)."""
    return int(round(20 * value / most)) * 5 if most else 0
