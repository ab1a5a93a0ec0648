"""The concern pages (D1-D3, D6): the lists the viewer has, raising a concern (with the whistleblowing
policy always beside the form), its confirmation, and one concern with what the viewer may see and do.

Thin: each page reads through ``register.selectors.concerns`` (scoped to the viewer) and changes
things only through ``register.services.conduct.concerns``. What a person may not see is "page not
found"; what they may not do is explained (``DomainErrorMiddleware``).
"""

from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from register import policies, selectors, workflow
from register.errors import RuleViolation
from register.forms_concerns import (
    CHIEF_OFFICER,
    CloseForm,
    ConcernForm,
    NoteForm,
    RaisedWithForm,
    ReferOnForm,
)
from register.models import Concern, Person
from register.selectors import concerns as reads
from register.selectors import declarations as declaration_reads
from register.services.audit.access_log import record_read
from register.services.conduct import concerns as services
from register.views.context import standing
from register.views.domain_errors import form_page, require_move

CONCERN = workflow.CONCERN
ROWS_PER_PAGE = 50
# The protocol's own words, beside every concern form (004, "In terms of complaints").
WHISTLEBLOWING_WORDS = {
    Person.Kind.MEMBER: "Under the protocol a councillor may bring any knowledge or reasonable suspicion that the "
    "protocol has not been followed to the Monitoring Officer or their deputy or, in the absence of both, the Head "
    "of Paid Service, or follow the Council's whistleblowing policy and procedure.",
    Person.Kind.OFFICER: "Under the protocol an officer may bring any knowledge or reasonable suspicion that the "
    "protocol has not been followed to their line manager, or follow the Council's whistleblowing policy and "
    "procedure.",
}


@dataclass(frozen=True)
class Action:
    """One of the handler's or raiser's moves, as the detail page offers it."""

    move: str
    slug: str
    title: str
    make_form: object  # (data, prefix) -> form, or None for a single button
    button: str = ""


def _note(label: str, submit: str, required: bool = True):
    return lambda data, prefix: NoteForm(data, prefix=prefix, label=label, submit=submit, required=required)


ACTIONS = [
    Action(workflow.ACKNOWLEDGE_CONCERN, "acknowledge", "Acknowledge it", None, "Acknowledge the concern"),
    Action(workflow.LOOK_INTO, "look-into", "Look into it", None, "Start looking into it"),
    Action(
        workflow.TELL_CONCERNED_PERSON,
        "tell",
        "Tell the person concerned",
        _note("Why tell them now?", "Tell them of this concern"),
    ),
    Action(
        workflow.RAISE_WITH_MEMBER,
        "raise-with-member",
        "Raise it with the member or group leader",
        lambda data, prefix: RaisedWithForm(data, prefix=prefix),
    ),
    Action(
        workflow.RESOLVE_INFORMALLY,
        "resolve",
        "Resolve it informally",
        _note("How was it resolved?", "Record the informal resolution"),
    ),
    Action(workflow.REFER_ON, "refer-on", "Refer it on", lambda data, prefix: ReferOnForm(data, prefix=prefix)),
    Action(
        workflow.CLOSE_CONCERN, "close", "Close it with an outcome", lambda data, prefix: CloseForm(data, prefix=prefix)
    ),
    Action(
        workflow.WITHDRAW_CONCERN,
        "withdraw",
        "Withdraw your concern",
        _note("Why are you withdrawing it? (optional)", "Withdraw the concern", required=False),
    ),
]
BY_SLUG = {action.slug: action for action in ACTIONS}


def _page(request, rows, name="page"):
    return Paginator(rows, ROWS_PER_PAGE).get_page(request.GET.get(name))


@login_required
def index(request):
    """The sections the viewer has: concerns they raised, those to handle, those about them once told,
    and every concern for the Monitoring Officer and auditors (D6's for the Chief Executive)."""
    viewer = standing(request)
    raised = list(reads.concerns_raised_by(viewer)[:ROWS_PER_PAGE])
    to_handle = list(reads.concerns_to_handle(viewer)[:ROWS_PER_PAGE])
    about_me = list(reads.concerns_about(viewer)[:ROWS_PER_PAGE])
    oversees = policies.oversees_concerns(viewer)
    overseen = _page(request, reads.concerns_overseen(viewer)) if oversees else None
    return render(
        request,
        "register/concerns/index.html",
        {
            "may_raise": policies.raises_concern(viewer),
            "raised": raised,
            "to_handle": to_handle,
            "about_me": [(concern, policies.sees_who_raised_concern(viewer, concern)) for concern in about_me],
            "oversees": oversees,
            "overseen": overseen,
            "overseen_title": "All concerns"
            if viewer.holds(*policies.CONCERN_OVERSIGHT_ROLES)
            else "Concerns from officers' reports after briefings",
            "today": viewer.on,
            "acknowledge_days": settings.CONCERN_ACKNOWLEDGE_WORKING_DAYS,
        },
    )


def _route_words(viewer: Person) -> tuple[str, bool]:
    """Where the viewer's concern will go, in words, and whether the protocol lets them choose."""
    protocol = reads.protocol()
    on = selectors.today()
    if viewer.is_member:
        monitoring = reads.concern_routes(viewer, None, Concern.Kind.INFORMATION, on)
        to_monitoring = f"{monitoring[0].person} ({monitoring[0].capacity})" if monitoring else "the Monitoring Officer"
        if protocol == reads.REDRESS:
            return (
                "A concern about an officer goes to the officer's line manager or, if you choose, their Chief "
                f"Officer (002 section 8.1). Difficulty obtaining information goes to {to_monitoring} (8.3).",
                True,
            )
        return f"Your concern goes to {to_monitoring}.", False
    routes = reads.concern_routes(viewer, None, Concern.Kind.ABOUT_MEMBER, on)
    if not routes:
        return (
            "Nobody holds a post that can take your concern today: please tell the Monitoring Officer's office.",
            False,
        )
    return f"Your concern goes to {routes[0].person} ({routes[0].capacity}).", False


@login_required
def raise_concern(request):
    """Raise a concern, with where it will go, and the whistleblowing policy always beside the form."""
    require_move(request, CONCERN, workflow.RAISE_CONCERN, None)
    viewer = request.user
    view = standing(request)
    on = view.on
    other_people = (
        selectors.people_search(kind=Person.Kind.OFFICER if viewer.is_member else Person.Kind.MEMBER, on=on)
        .exclude(pk=viewer.pk)
        .order_by("last_name", "first_name", "pk")
    )
    briefings = selectors.attendance_requests_visible_to(view).order_by("-meeting__starts_at", "-id")
    declarations = declaration_reads.declarations_made_by(viewer)
    route_words, offers_choice = _route_words(viewer)
    initial = {}
    wanted = request.GET.get("briefing", "")
    if wanted.isdigit() and len(wanted) <= 18 and briefings.filter(pk=int(wanted)).exists():
        initial["briefing"] = int(wanted)
    form = ConcernForm(
        request.POST or None,
        raiser=viewer,
        other_people=other_people,
        briefings=briefings[:100],
        declarations=declarations[:100],
        offers_choice=offers_choice,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            concern = services.concern_raise(
                actor=viewer,
                reason="Raised in the register",
                what_happened=data["what_happened"],
                happened_on=data["happened_on"],
                concerned_person=data["concerned_person"],
                information=form.information,
                briefing=data["briefing"],
                declaration=data["declaration"],
                raiser_withheld=data["raiser_withheld"],
                handler=_chosen_handler(viewer, data, form.information),
            )
        except RuleViolation as error:
            form.refuse(error)
        else:
            return redirect("concerns:raised", concern.pk)
    return form_page(
        request,
        "register/concerns/raise.html",
        {
            "route_words": route_words,
            "whistleblowing_url": settings.WHISTLEBLOWING_POLICY_URL,
            "whistleblowing_words": WHISTLEBLOWING_WORDS.get(viewer.kind, ""),
        },
        form=form,
    )


def _chosen_handler(viewer: Person, data: dict, information: bool) -> Person | None:
    """The Chief Officer, when a councillor chose that route under 002 (D1); else the default route."""
    if information or data.get("route") != CHIEF_OFFICER or data.get("concerned_person") is None:
        return None
    routes = reads.concern_routes(viewer, data["concerned_person"], Concern.Kind.ABOUT_OFFICER, selectors.today())
    return routes[-1].person if routes else None


@login_required
def raised(request, concern_id: int):
    """The confirmation: the concern's reference, to whom it went and when it is to be acknowledged."""
    concern = reads.concern_for(standing(request), concern_id)
    if concern.raised_by_id != request.user.pk:
        raise Http404("There is no such concern.")
    return render(
        request,
        "register/concerns/raised.html",
        {"concern": concern, "whistleblowing_url": settings.WHISTLEBLOWING_POLICY_URL},
    )


def _actions(request, concern: Concern, bound: dict | None = None) -> list[dict]:
    """The moves the viewer may make now (``workflow.allowed_moves``), each with its form."""
    allowed = set(workflow.allowed_moves(CONCERN, concern, standing(request)))
    offered = []
    for action in ACTIONS:
        if action.move not in allowed:
            continue
        form = None
        if action.make_form is not None:
            form = (bound or {}).get(action.slug) or action.make_form(None, action.slug)
            form.helper.form_action = reverse("concerns:act", args=[concern.pk, action.slug])
        offered.append(
            {
                "slug": action.slug,
                "title": action.title,
                "form": form,
                "button": action.button,
                "url": reverse("concerns:act", args=[concern.pk, action.slug]),
            }
        )
    return offered


def _detail(request, concern: Concern, *, bound: dict | None = None, status: int = 200):
    viewer = standing(request)
    return render(
        request,
        "register/concerns/detail.html",
        {
            "concern": concern,
            "sees_raiser": policies.sees_who_raised_concern(viewer, concern),
            "sees_handling": policies.sees_concern_handling(viewer, concern),
            "actions": _actions(request, concern, bound),
        },
        status=status,
    )


@login_required
def detail(request, concern_id: int):
    """One concern, as the viewer may see it: the person concerned reads what happened and its outcome,
    never who raised it if the raiser asked for that, and not its handling."""
    concern = reads.concern_for(standing(request), concern_id)
    record_read(reader=request.user, record_kind="concern", record_id=concern.pk, via="page concerns:detail")
    return _detail(request, concern)


@login_required
@require_POST
def act(request, concern_id: int, action: str):
    """One move on a concern, from its small form on the concern's page."""
    chosen = BY_SLUG.get(action)
    if chosen is None:
        raise Http404("There is no such action.")
    concern = reads.concern_for(standing(request), concern_id)
    require_move(request, CONCERN, chosen.move, concern)
    form = chosen.make_form(request.POST, chosen.slug) if chosen.make_form is not None else None
    if form is not None and not form.is_valid():
        return _detail(request, concern, bound={chosen.slug: form}, status=400)
    data = form.cleaned_data if form is not None else {}
    try:
        _make(chosen.move, concern, request.user, data)
    except RuleViolation as error:
        if form is None:
            raise
        form.refuse(error)
        return _detail(request, concern, bound={chosen.slug: form}, status=400)
    messages.success(request, DONE[chosen.move])
    return redirect("concerns:detail", concern_id)


DONE = {
    workflow.ACKNOWLEDGE_CONCERN: "The concern is acknowledged, and the person who raised it has been told.",
    workflow.LOOK_INTO: "The concern is being looked at.",
    workflow.TELL_CONCERNED_PERSON: "The person concerned has been told of this concern.",
    workflow.RAISE_WITH_MEMBER: "Recorded that you raised it with the member or group leader.",
    workflow.RESOLVE_INFORMALLY: "The concern is resolved informally. Close it with its outcome when you are ready.",
    workflow.REFER_ON: "The concern is referred on.",
    workflow.CLOSE_CONCERN: "The concern is closed, and the person who raised it has been told the outcome.",
    workflow.WITHDRAW_CONCERN: "Your concern is withdrawn. It stays on the register, marked as withdrawn.",
}


def _make(move: str, concern: Concern, actor: Person, data: dict) -> Concern:
    reason = data.get("reason", "")
    if move == workflow.ACKNOWLEDGE_CONCERN:
        return services.concern_acknowledge(concern=concern, actor=actor, reason="Acknowledged in the register")
    if move == workflow.LOOK_INTO:
        return services.concern_look_into(concern=concern, actor=actor, reason="Being looked at, in the register")
    if move == workflow.TELL_CONCERNED_PERSON:
        return services.concern_tell_concerned_person(concern=concern, actor=actor, reason=reason)
    if move == workflow.RAISE_WITH_MEMBER:
        return services.concern_raise_with_member(concern=concern, actor=actor, raised_with=data["raised_with"])
    if move == workflow.RESOLVE_INFORMALLY:
        return services.concern_resolve_informally(concern=concern, actor=actor, reason=reason)
    if move == workflow.REFER_ON:
        return services.concern_refer_on(concern=concern, actor=actor, referred_to=data["referred_to"])
    if move == workflow.CLOSE_CONCERN:
        return services.concern_close(
            concern=concern, actor=actor, outcome=data["outcome"], outcome_detail=data["outcome_detail"]
        )
    return services.concern_withdraw(concern=concern, actor=actor, reason=reason)
