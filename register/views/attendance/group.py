"""The group's pages (A1, A3, A5, A10): its leader or deputy asks for officer briefings, amends the
brief, withdraws a request, takes up another group's briefing in one step, and reads the
information copied to every group.

Thin: each page loads through a selector scoped to the viewer and changes things only through one
service. The actions each row offers are the workflow's ``allowed_moves`` for the viewer.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone

from register import selectors, workflow
from register.errors import RuleViolation
from register.forms_attendance import AmendBriefForm, ReasonForm, RequestForm, TakeUpForm
from register.selectors import attendance as reads
from register.services import attendance as services
from register.views.attendance.common import REQUEST, actions, leader, page_of, posted, seen
from register.views.context import standing
from register.views.domain_errors import form_page, require_move


@login_required
def group_requests(request):
    """The group's requests, the latest meeting first, with status tags, deadlines and what the
    viewer may do with each (amend the brief, withdraw, close the record)."""
    group, capacity = leader(request)
    viewer = standing(request)
    page = page_of(request, selectors.group_attendance_requests(viewer=viewer))
    return render(
        request,
        "register/attendance/group.html",
        {
            "group": group,
            "capacity": capacity,
            "page": page,
            "rows": [(item, actions(set(workflow.allowed_moves(REQUEST, item, viewer)))) for item in page],
            "may_submit": workflow.is_allowed(REQUEST, workflow.SUBMIT, None, viewer),
            "today": selectors.today(),
        },
    )


@login_required
def new_request(request):
    """Ask for officers to brief a group meeting (A1), with the A5-A7 guidance on the form. A meeting
    sooner than the normal deadline makes the request urgent: the page says so, and when the decision
    is due, before the leader sends it (A12)."""
    require_move(request, REQUEST, workflow.SUBMIT, None)
    group, capacity = leader(request)
    form = RequestForm(posted(request), officers=reads.officer_choices(selectors.today()))
    urgent = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        due = decision_due_for(data["meeting"])
        if due is not None and form.unconfirmed_urgency(due):
            urgent = due
        else:
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
            except RuleViolation as error:
                form.refuse(error)
            else:
                return redirect("attendance:sent", created.pk)
    return form_page(
        request, "register/attendance/new.html", {"group": group, "capacity": capacity, "urgent": urgent}, form=form
    )


def decision_due_for(meeting) -> "selectors.DecisionDue | None":
    """When the decision would be due if the request were sent now, and whether it is urgent (A12):
    what the request form (and a check-answers page) tells the leader before they send it. None for
    a meeting already begun, which the service refuses."""
    if meeting.starts_at <= selectors.now():
        return None
    return selectors.decision_due(selectors.today(), timezone.localtime(meeting.starts_at).date())


@login_required
def sent(request, request_id: int):
    """The confirmation after asking (GOV.UK confirmation page): the request has gone to the Chief
    Executive, what happens next, and when the decision is due (A1, A2, A4, A8, A12)."""
    found = seen(request, request_id)
    return render(
        request,
        "register/attendance/sent.html",
        {"attendance_request": found},
    )


@login_required
def withdraw(request, request_id: int):
    """The group withdraws its request, with a reason, before the meeting."""
    found = seen(request, request_id)
    require_move(request, REQUEST, workflow.WITHDRAW, found)
    form = ReasonForm(
        posted(request),
        label="Why is the group withdrawing the request?",
        submit_label="Withdraw the request",
        required_message="Give a reason for withdrawing the request",
        help_text="The Chief Executive and any officers invited are told.",
        warning=True,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.attendance_request_withdraw(request=found, actor=request.user, reason=form.cleaned_data["reason"])
        except RuleViolation as error:
            form.refuse(error)
        else:
            messages.success(request, "The request is withdrawn. It stays in the register, marked as withdrawn.")
            return redirect("attendance:detail", request_id)
    return form_page(request, "register/attendance/withdraw.html", {"attendance_request": found}, form=form)


@login_required
def amend(request, request_id: int):
    """The group amends its brief or its meeting, pre-filled with the current ones. Once approved the
    brief is fixed, so an amendment goes back to the Chief Executive for a decision (A5)."""
    found = seen(request, request_id)
    require_move(request, REQUEST, workflow.AMEND_BRIEF, found)
    was_approved = found.state == workflow.APPROVED
    form = AmendBriefForm(posted(request), attendance_request=found)
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
        except RuleViolation as error:
            form.refuse(error)
        else:
            messages.success(
                request,
                "The brief is amended and has gone to the Chief Executive for a decision, due by "
                f"{amended.due_on:%-d %B %Y}."
                + (" Officers who had accepted are asked again." if was_approved else ""),
            )
            return redirect("attendance:detail", request_id)
    return form_page(
        request,
        "register/attendance/amend.html",
        {"attendance_request": found, "was_approved": was_approved},
        form=form,
    )


@login_required
def other_groups(request):
    """Briefings agreed for other groups (group, officers, date, subject only: A8, A9), each with a
    one-step "request the same briefing" while the viewer's group has not yet (A3)."""
    group, _capacity = leader(request)
    facts = selectors.briefing_facts_for_other_groups(viewer=standing(request))
    offers = {
        _key(offer.fact): offer.original_id for offer in selectors.equivalent_offers_for(viewer=standing(request))
    }
    rows = [(fact, offers.get(_key(fact))) for fact in reversed(facts)]
    return render(request, "register/attendance/other_groups.html", {"group": group, "rows": rows})


def _key(fact) -> tuple:
    return (fact.group, fact.date, fact.subject, fact.officers)


@login_required
def take_up(request, original_id: int):
    """Request the same briefing for a meeting of the viewer's group (A3): only the meeting is asked."""
    # As far as the viewer may know the briefing (else not found, as in the API); then who may take
    # one up is the workflow's (A1, A3), judged against the original as the service does.
    original = selectors.briefing_to_take_up(viewer=standing(request), pk=original_id)
    require_move(request, REQUEST, workflow.TAKE_UP_EQUIVALENT, original, state=workflow.NEW)
    group, _capacity = leader(request)
    offers = {offer.original_id: offer for offer in selectors.equivalent_offers_for(viewer=standing(request))}
    offer = offers.get(original_id)
    if offer is None:
        raise Http404("There is no such briefing for your group to take up.")
    form = TakeUpForm(posted(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            created = services.attendance_request_take_up_equivalent(
                # The service locks the original by its id; the viewer may know only its facts (A9).
                actor=request.user,
                original=original,
                meeting=data["meeting"],
                scope=data["scope"],
                needs_confidential_information=data["needs_confidential_information"],
            )
        except RuleViolation as error:
            form.refuse(error)
        else:
            messages.success(request, "Your request for the same briefing has gone to the Chief Executive.")
            return redirect("attendance:detail", created.pk)
    return form_page(request, "register/attendance/take_up.html", {"offer": offer, "group": group}, form=form)


@login_required
def shared_information(request):
    """Information given to any group that is likely to be cited, copied to every group (A10)."""
    rows = selectors.information_shared_with(viewer=standing(request))
    return render(request, "register/attendance/shared.html", {"page": page_of(request, rows)})
