"""The notices of officer attendance: who hears of what, written in the move's own transaction
(the outbox) and delivered after it commits."""

from django.conf import settings

from register import conflicts, selectors, workflow
from register.models import AttendanceRequest, Membership, Organization, Person, Post
from register.notice_links import take_up_link
from register.services.notifications import notify

Role = Post.Role


def cause(request: AttendanceRequest, what: str) -> str:
    return f"attendance-request:{request.pk}:r{request.round}:{what}"


def request_context(request: AttendanceRequest, **extra) -> dict:
    invitations = list(request.invitations.select_related("officer"))
    return {
        "request": request,
        "meeting": request.meeting,
        "group": request.group,
        "officers": [invitation.officer for invitation in invitations],
        "invitations": invitations,
        "officer_names": ", ".join(str(invitation.officer) for invitation in invitations),
        "council_name": settings.COUNCIL_NAME,
        **extra,
    }


def group_leadership(request: AttendanceRequest) -> list[Person]:
    """The group's leader and deputy on the day."""
    holdings = (
        Membership.objects.on(selectors.today())
        .filter(organization_id=request.group_id, post__role__in=[Role.GROUP_LEADER, Role.DEPUTY_GROUP_LEADER])
        .select_related("person")
    )
    return [holding.person for holding in holdings]


def group_contacts(request: AttendanceRequest) -> list[Person]:
    """Who hears about their own group's request: whoever made it, the leader and the deputy."""
    return [request.requested_by, *group_leadership(request)]


def tell_decision_maker(request: AttendanceRequest, *, actor: Person | None, why: str, warnings: list) -> list:
    """Whoever acts as Chief Executive today hears of a request needing a decision, with its
    precedent (A3) and any conflict warnings (B7). Sent once per person per brief."""
    acting = selectors.acting_chief_executive(selectors.today())
    if acting.person is None:
        return []
    return notify(
        cause=cause(request, "decision-needed"),
        kind="attendance-decision-needed",
        recipients=[acting.person],
        about=request,
        actor=actor,
        context=request_context(request, acting=acting, why=why, warnings=warnings, precedent=request.equivalent_of),
    )


def tell_group_of_referral(request: AttendanceRequest, actor: Person) -> None:
    """A request referred by an officer belongs to the group: its leader and deputy are told (A1)."""
    notify(
        cause=cause(request, "referred"),
        kind="attendance-request-referred",
        recipients=group_leadership(request),
        about=request,
        actor=actor,
        context=request_context(request, officer=actor),
    )


def tell_group_of_decision(request: AttendanceRequest, actor: Person) -> None:
    notify(
        cause=cause(request, request.decision),
        kind="attendance-request-decided",
        recipients=group_contacts(request),
        about=request,
        actor=actor,
        context=request_context(request),
    )


def invite_officers(request: AttendanceRequest, actor: Person, warnings: list) -> None:
    """Each officer who has not declined is invited, with the reminder of A5 and A6."""
    for invitation in request.invitations.select_related("officer").exclude(
        state__in=workflow.NOT_ATTENDING_INVITATION_STATES
    ):
        notify(
            cause=cause(request, "invitation"),
            kind="attendance-invitation",
            recipients=[invitation.officer],
            about=request,
            actor=actor,
            context=request_context(
                request,
                invitation=invitation,
                warnings=[w for w in warnings if getattr(w, "officer", None) == invitation.officer],
            ),
        )


def tell_officers_brief_amended(request: AttendanceRequest, actor: Person) -> None:
    officers = [
        i.officer
        for i in request.invitations.select_related("officer").exclude(
            state__in=workflow.NOT_ATTENDING_INVITATION_STATES
        )
    ]
    notify(
        cause=cause(request, "brief-amended"),
        kind="attendance-brief-amended",
        recipients=officers,
        about=request,
        actor=actor,
        context=request_context(request),
    )


def other_group_leaders(request: AttendanceRequest) -> list[tuple[Organization, Person]]:
    return [
        (group, person) for group, person in selectors.group_leaders(selectors.today()) if group.pk != request.group_id
    ]


def tell_other_groups(request: AttendanceRequest, actor: Person) -> None:
    """A8/A9: the other groups' leaders learn the officers, the date and the subject, and nothing
    else (the notice carries only the facts, and is not linked to the request). A3: those who have
    not yet had one are offered an equivalent briefing, and their notice leads to its one-step
    take-up (which shows the facts alone); the others' to the briefings given to other groups."""
    fact = selectors.briefing_fact(request)
    original = request.equivalent_of or request
    have_one = set(
        AttendanceRequest.objects.filter(
            equivalent_of=original, state__in=workflow.OPEN_REQUEST_STATES | {workflow.CLOSED}
        ).values_list("group_id", flat=True)
    ) | {original.group_id}
    leaders = other_group_leaders(request)
    for offer in (True, False):
        recipients = [person for group, person in leaders if (group.pk not in have_one) == offer]
        notify(
            cause=cause(request, "briefing-notice"),
            kind="attendance-briefing-notice",
            recipients=recipients,
            about=None,
            actor=actor,
            context={"fact": fact, "offer": offer, "called_off": False, "council_name": settings.COUNCIL_NAME},
            link=take_up_link(original.pk) if offer else None,
        )


def tell_called_off(request: AttendanceRequest, actor: Person, *, was_agreed: bool) -> None:
    """Withdrawn or cancelled: the group, the officers and the decision-maker hear why; the other
    groups, who were told of the briefing, hear only that it will not take place (A9)."""
    insiders = [*group_contacts(request), *(i.officer for i in request.invitations.select_related("officer"))]
    acting = selectors.acting_chief_executive(selectors.today()).person
    if acting is not None:
        insiders.append(acting)
    notify(
        cause=cause(request, request.state),
        kind="attendance-request-called-off",
        recipients=[person for person in insiders if person.pk != actor.pk],
        about=request,
        actor=actor,
        context=request_context(request),
    )
    if was_agreed:
        notify(
            cause=cause(request, "briefing-called-off"),
            kind="attendance-briefing-notice",
            recipients=[person for _group, person in other_group_leaders(request)],
            about=None,
            actor=actor,
            context={
                "fact": selectors.briefing_fact(request),
                "offer": False,
                "called_off": True,
                "council_name": settings.COUNCIL_NAME,
            },
        )


def tell_lapsed(request: AttendanceRequest) -> None:
    """A request lapsed undecided when its meeting began (A12, C3): the group, the officers asked and
    whoever acts as Chief Executive today hear that no officer will attend. Nobody else knew of it."""
    acting = selectors.acting_chief_executive(selectors.today())
    officers = [invitation.officer for invitation in request.invitations.select_related("officer")]
    notify(
        cause=cause(request, "lapsed"),
        kind="attendance-request-lapsed",
        recipients=[*group_contacts(request), *officers, *([acting.person] if acting.person else [])],
        about=request,
        actor=None,
        context=request_context(request, acting=acting),
    )


def warnings_for(request: AttendanceRequest) -> list:
    return conflicts.warnings_for(request)
