"""The Code of Conduct complaint pages (D4): the list, recording a complaint, and one complaint with the
moves the viewer may make on it (consult an Independent Person, give a view, decide, tell the member,
record training needs and actions, close, record a withdrawal).

Thin: each page loads through a selector scoped to the viewer and changes things only through one
service. What a person may not see is "page not found"; what they may not do is explained.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render

from register import policies, selectors, workflow
from register.errors import RuleViolation
from register.forms_complaints import ActionsForm, ComplaintForm, ConsultForm, DecisionForm, ViewForm, WithdrawalForm
from register.models.conduct import Complaint
from register.selectors import complaints as reads
from register.services.audit.access_log import record_read
from register.services.conduct import complaints as services
from register.views.context import standing
from register.views.domain_errors import form_page, require_move

COMPLAINT = workflow.COMPLAINT
ROWS_PER_PAGE = 50

# The action pages, by move: the address name and the words of the link or button.
ACTIONS = {
    workflow.CONSULT: ("complaints:consult", "Consult an Independent Person"),
    workflow.GIVE_VIEW: ("complaints:give-view", "Give your view"),
    workflow.DECIDE_COMPLAINT: ("complaints:decide", "Record the decision"),
    workflow.TELL_MEMBER: ("complaints:tell-member", "Tell the councillor"),
    workflow.RECORD_ACTIONS: ("complaints:actions", "Record training needs and actions"),
    workflow.CLOSE_COMPLAINT: ("complaints:close", "Close the complaint"),
    workflow.WITHDRAW_COMPLAINT: ("complaints:withdraw", "Record that it was withdrawn"),
}


def _oversees(request) -> bool:
    return policies.oversees_complaints(standing(request))


@login_required
def complaint_list(request):
    """The complaints the viewer may see: all for the Monitoring Officer, deputy and auditors; an
    Independent Person's those they are consulted on; a councillor's those they have been told of."""
    rows = reads.complaints_visible_to(request.user, standing=standing(request))
    page = Paginator(rows, ROWS_PER_PAGE).get_page(request.GET.get("page"))
    if not page.object_list and not _oversees(request) and not request.user.is_independent_person:
        raise Http404("There are no complaints for you to see.")
    return render(
        request,
        "register/complaints/list.html",
        {
            "page": page,
            "may_record": policies.records_complaints(standing(request)),
            "sees_handling": _oversees(request) or request.user.is_independent_person,
            "sees_links": _oversees(request),
        },
    )


@login_required
def record(request):
    """The Monitoring Officer (or deputy) records a complaint (D4)."""
    require_move(request, COMPLAINT, workflow.RECORD_COMPLAINT, None)
    on = selectors.today()
    form = ComplaintForm(
        request.POST or None, councillors=reads.councillors_on(on), local_councils=reads.local_councils()
    )
    if request.method == "POST" and form.is_valid():
        try:
            complaint = services.complaint_record(
                actor=request.user, reason="Complaint recorded in the register", **form.service_arguments()
            )
        except RuleViolation as error:
            form.refuse(error)
        else:
            messages.success(request, f"Complaint {complaint.reference} is recorded.")
            return redirect("complaints:detail", complaint.pk)
    return form_page(request, "register/complaints/record.html", {}, form=form)


def _seen(request, complaint_id: int) -> Complaint:
    return reads.complaint_for(request.user, complaint_id, standing=standing(request))


def _gate(request, complaint_id: int, move: str) -> Complaint:
    complaint = _seen(request, complaint_id)
    require_move(request, COMPLAINT, move, complaint)
    return complaint


@login_required
def detail(request, complaint_id: int):
    """One complaint: in full for the Monitoring Officer, deputy, the Independent Person consulted and
    auditors (the complainant's contact for the Monitoring Officer alone); for the councillor told, the
    complaint and its decision, not its handling."""
    complaint = _seen(request, complaint_id)
    record_read(reader=request.user, record_kind="complaint", record_id=complaint.pk, via="page complaints:detail")
    viewer = standing(request)
    moves = workflow.allowed_moves(COMPLAINT, complaint, viewer)
    return render(
        request,
        "register/complaints/detail.html",
        {
            "complaint": complaint,
            "sees_handling": policies.sees_complaint_handling(viewer, complaint),
            "sees_contact": policies.sees_complainant_contact(viewer, complaint),
            "consultations": list(complaint.consultations.all()),
            # Linked cases are named only to those who see every complaint: an Independent Person may not be
            # consulted on the others, whose existence the register does not reveal.
            "sees_links": _oversees(request),
            "linked": list(complaint.linked_cases.all()) if _oversees(request) else [],
            "actions": [
                {"url": ACTIONS[move][0], "label": ACTIONS[move][1], "move": move} for move in moves if move in ACTIONS
            ],
        },
    )


def _made(request, complaint, form, make, success):
    """Make the move through its service with the form's input, if posted and valid: the detail page
    with ``success`` said (words, or words from the input), or None (the form shows the service's
    refusal on its field)."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        make(form.cleaned_data)
    except RuleViolation as error:
        form.refuse(error)
        return None
    messages.success(request, success(form.cleaned_data) if callable(success) else success)
    return redirect("complaints:detail", complaint.pk)


def _action_page(request, complaint, template, form, title, **context):
    return form_page(
        request,
        "register/complaints/action.html",
        {"complaint": complaint, "title": title, "template": template, **context},
        form=form,
    )


@login_required
def consult(request, complaint_id: int):
    """Ask an Independent Person in post for their view (D4)."""
    complaint = _gate(request, complaint_id, workflow.CONSULT)
    form = ConsultForm(request.POST or None, independent_persons=reads.independent_persons_on(selectors.today()))
    done = _made(
        request,
        complaint,
        form,
        lambda given: services.complaint_consult(
            actor=request.user, reason="Independent Person consulted in the register", complaint=complaint, **given
        ),
        lambda given: f"{given['independent_person']} is asked for their view.",
    )
    return done or _action_page(request, complaint, "consult", form, "Consult an Independent Person")


@login_required
def give_view(request, complaint_id: int):
    """The Independent Person asked records their view (D4)."""
    complaint = _gate(request, complaint_id, workflow.GIVE_VIEW)
    form = ViewForm(request.POST or None)
    done = _made(
        request,
        complaint,
        form,
        lambda given: services.consultation_give_view(
            actor=request.user, reason="View given in the register", complaint=complaint, **given
        ),
        "Your view is recorded and the Monitoring Officer is told.",
    )
    return done or _action_page(request, complaint, "view", form, "Give your view")


@login_required
def decide(request, complaint_id: int):
    """The Monitoring Officer's decision and its date (D4), once the Independent Person's view is given."""
    complaint = _gate(request, complaint_id, workflow.DECIDE_COMPLAINT)
    form = DecisionForm(request.POST or None)
    done = _made(
        request,
        complaint,
        form,
        lambda given: services.complaint_decide(
            actor=request.user, reason="Decision recorded in the register", complaint=complaint, **given
        ),
        f"The decision on complaint {complaint.reference} is recorded.",
    )
    return done or _action_page(request, complaint, "decide", form, "Record the decision")


@login_required
def actions(request, complaint_id: int):
    """Training or education needs identified, and actions outstanding (D5)."""
    complaint = _gate(request, complaint_id, workflow.RECORD_ACTIONS)
    initial = {"training_needs": complaint.training_needs, "actions_outstanding": complaint.actions_outstanding}
    form = ActionsForm(request.POST or None, initial=initial)
    done = _made(
        request,
        complaint,
        form,
        lambda given: services.complaint_record_actions(
            actor=request.user, reason="Training needs and actions recorded", complaint=complaint, **given
        ),
        "Training needs and actions are saved.",
    )
    return done or _action_page(request, complaint, "actions", form, "Record training needs and actions")


@login_required
def withdraw(request, complaint_id: int):
    """Record that the complainant withdrew the complaint: it stays on the register, withdrawn (C3)."""
    complaint = _gate(request, complaint_id, workflow.WITHDRAW_COMPLAINT)
    form = WithdrawalForm(request.POST or None)
    done = _made(
        request,
        complaint,
        form,
        lambda given: services.complaint_withdraw(actor=request.user, reason=given["reason"], complaint=complaint),
        f"Complaint {complaint.reference} is recorded as withdrawn.",
    )
    return done or _action_page(request, complaint, "withdraw", form, "Record that the complaint was withdrawn")


@login_required
def tell_member(request, complaint_id: int):
    """Tell the councillor complained about, after a confirmation page (D4)."""
    complaint = _gate(request, complaint_id, workflow.TELL_MEMBER)
    if request.method == "POST":
        services.complaint_tell_member(
            actor=request.user, reason="Councillor told in the register", complaint=complaint
        )
        messages.success(request, f"{complaint.member} is told of the complaint.")
        return redirect("complaints:detail", complaint.pk)
    return render(
        request,
        "register/complaints/confirm.html",
        {
            "complaint": complaint,
            "title": "Tell the councillor about the complaint",
            "button": "Tell the councillor",
            "warning": f"{complaint.member} will see the complaint, its nature and its decision, but not who made "
            "it, its handling or the Independent Person's view.",
        },
    )


@login_required
def close(request, complaint_id: int):
    """Close a determined complaint with no actions outstanding (D4, D5), after a confirmation page."""
    complaint = _gate(request, complaint_id, workflow.CLOSE_COMPLAINT)
    if request.method == "POST":
        services.complaint_close(actor=request.user, reason="Complaint closed in the register", complaint=complaint)
        messages.success(request, f"Complaint {complaint.reference} is closed.")
        return redirect("complaints:detail", complaint.pk)
    return render(
        request,
        "register/complaints/confirm.html",
        {
            "complaint": complaint,
            "title": "Close the complaint",
            "button": "Close the complaint",
            "warning": "Nothing is deleted: the complaint stays on the register, closed.",
        },
    )
