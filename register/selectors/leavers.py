"""What recording a leaver does, worked out before anything is saved: the page shows it, and the
service (``register.services.people.leavers``) carries out exactly this, under its locks.

A person leaves on ``left_on``, their last day: their posts and memberships end that day; their
open invitations to briefings after that day lapse (A4); declarations naming them end that day (B1);
declarations routed to them for review go to whoever holds the reviewing post after they leave
(B3, B4); requests they made for a group stay with the group (A1). Each person affected is told.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone

from register import selectors, states
from register.errors import RuleViolation
from register.models import AttendanceInvitation, AttendanceRequest, Declaration, Membership, Person, Post
from register.selectors.declarations.routing import Route, route_for

# How far ahead a leaving date may be recorded: notice periods run to months, and a councillor's
# term's end is known ahead; further ahead is more likely a mistyped year than a plan.
LEAVING_DATE_HORIZON = datetime.timedelta(days=366)

# Invitations that still expect an answer or attendance, on requests still going ahead.
OPEN_INVITATION_STATES = (states.INVITED, states.ACCEPTED)
GOING_AHEAD_REQUEST_STATES = (states.SUBMITTED, states.APPROVED)


@dataclass(frozen=True)
class Rerouting:
    """A declaration the leaver reviews, and where it goes instead (None: nobody can review it)."""

    declaration: Declaration
    route: Route | None
    problem: str = ""


@dataclass
class LeavingPlan:
    """Everything that recording ``person`` as leaving on ``left_on`` changes, and who is told."""

    person: Person
    left_on: datetime.date
    holdings: list[Membership] = field(default_factory=list)
    invitations: list[AttendanceInvitation] = field(default_factory=list)
    declarations_ending: list[Declaration] = field(default_factory=list)
    reroutings: list[Rerouting] = field(default_factory=list)
    requests_staying: list[AttendanceRequest] = field(default_factory=list)
    # Who is told of each invitation lapsing, by invitation id (the group's contacts, the acting Chief Executive).
    invitation_recipients: dict[int, list[Person]] = field(default_factory=dict)

    @property
    def problems(self) -> list[str]:
        return [rerouting.problem for rerouting in self.reroutings if rerouting.problem]

    def people_told_by_name(self) -> list[Person]:
        """Those told whom Democratic Services may see named: the group contacts and Chief Executive
        told of lapsed invitations, and the new reviewers. Who is named in a declaration is for its
        declarant, reviewer, the Monitoring Officer and auditors, so the others are only counted."""
        named: dict[int, Person] = {}
        for recipients in self.invitation_recipients.values():
            named.update((person.pk, person) for person in recipients)
        for rerouting in self.reroutings:
            if rerouting.route is not None:
                named[rerouting.route.person.pk] = rerouting.route.person
        named.pop(self.person.pk, None)
        return sorted(named.values(), key=lambda person: (person.last_name, person.first_name, person.pk))

    def people_told(self) -> list[Person]:
        """Everyone who hears of this leaver, each once, by name."""
        told: dict[int, Person] = {}
        for recipients in self.invitation_recipients.values():
            told.update((person.pk, person) for person in recipients)
        for declaration in self.declarations_ending:
            told.update((person.pk, person) for person in declaration_ending_recipients(declaration, self.person))
        for rerouting in self.reroutings:
            if rerouting.route is not None:
                told[rerouting.route.person.pk] = rerouting.route.person
                told[rerouting.declaration.declarant_id] = rerouting.declaration.declarant
        told.pop(self.person.pk, None)
        return sorted(told.values(), key=lambda person: (person.last_name, person.first_name, person.pk))


def check_leaving_date(person: Person, left_on: datetime.date | None, today: datetime.date) -> None:
    """Refuse a leaving date that is missing, before the person's first post or membership began, before
    a later appointment of theirs begins, or more than a year ahead (the field named: ``left_on``)."""
    if left_on is None:
        raise RuleViolation("Enter the date they left (their last day).", field="left_on")
    if left_on > today + LEAVING_DATE_HORIZON:
        raise RuleViolation(
            f"The leaving date can be at most a year ahead ({today + LEAVING_DATE_HORIZON:%d %B %Y}).", field="left_on"
        )
    starts = Membership.objects.filter(person=person).select_related("post", "organization").order_by("start_date")
    first = starts.first()
    if first is not None and left_on < first.start_date:
        raise RuleViolation(
            f"{person} started on {first.start_date:%d %B %Y} ({_what(first)}), "
            f"so they cannot have left on {left_on:%d %B %Y}.",
            field="left_on",
        )
    later = starts.filter(start_date__gt=left_on).first()
    if later is not None:
        raise RuleViolation(
            f"{person} is recorded as starting {_what(later)} on {later.start_date:%d %B %Y}, after "
            f"{left_on:%d %B %Y}: correct that appointment first.",
            field="left_on",
        )


def leaving_plan(person: Person, left_on: datetime.date) -> LeavingPlan:
    """What recording ``person`` as leaving on ``left_on`` does (``check_leaving_date`` first)."""
    today = selectors.today()
    plan = LeavingPlan(person=person, left_on=left_on)
    plan.holdings = list(
        Membership.objects.filter(person=person)
        .filter(Q(end_date__isnull=True) | Q(end_date__gt=left_on))
        .select_related("post", "organization")
        .order_by("start_date", "id")
    )
    plan.invitations = [
        invitation
        for invitation in AttendanceInvitation.objects.filter(
            officer=person, state__in=OPEN_INVITATION_STATES, request__state__in=GOING_AHEAD_REQUEST_STATES
        )
        .select_related("request__group", "request__meeting", "request__requested_by")
        .order_by("request__meeting__starts_at", "id")
        if timezone.localdate(invitation.request.meeting.starts_at) > left_on
    ]
    acting = selectors.acting_chief_executive(today).person
    for invitation in plan.invitations:
        request = invitation.request
        recipients = [request.requested_by, *_group_leadership(request.group_id, today)]
        if acting is not None:
            recipients.append(acting)
        plan.invitation_recipients[invitation.pk] = _current_others(recipients, person, today)
    open_declarations = Declaration.objects.filter(state__in=Declaration.OPEN_STATES).select_related(
        "declarant", "other_person", "reviewer"
    )
    plan.declarations_ending = list(
        open_declarations.filter(Q(declarant=person) | Q(other_person=person)).order_by("declared_at", "id")
    )
    # After their last day they hold nothing: the reviewer then is whoever holds the post.
    routed_on = max(today, left_on + datetime.timedelta(days=1))
    for declaration in (
        open_declarations.filter(reviewer=person).exclude(declarant=person).exclude(other_person=person).order_by("id")
    ):
        try:
            route = route_for(
                declaration.declarant, declaration.other_person, routed_on, excluding=frozenset({person.pk})
            )
        except RuleViolation as nobody:
            plan.reroutings.append(Rerouting(declaration, None, nobody.message))
        else:
            plan.reroutings.append(Rerouting(declaration, route))
    plan.requests_staying = list(
        AttendanceRequest.objects.filter(requested_by=person, state__in=states.OPEN_REQUEST_STATES)
        .select_related("group", "meeting")
        .order_by("meeting__starts_at", "id")
    )
    return plan


def declaration_ending_recipients(declaration: Declaration, leaver: Person) -> list[Person]:
    """Who hears that a declaration naming a leaver has ended: its other party and its reviewer."""
    people = [declaration.declarant, declaration.other_person, declaration.reviewer]
    return [person for person in dict.fromkeys(people) if person.pk != leaver.pk]


def _group_leadership(group_id: int, on: datetime.date) -> list[Person]:
    holdings = (
        Membership.objects.on(on)
        .filter(organization_id=group_id, post__role__in=[Post.Role.GROUP_LEADER, Post.Role.DEPUTY_GROUP_LEADER])
        .select_related("person")
    )
    return [holding.person for holding in holdings]


def _current_others(people: list[Person], leaver: Person, on: datetime.date) -> list[Person]:
    unique = {person.pk: person for person in people if person is not None}
    return [person for pk, person in unique.items() if pk != leaver.pk and person.is_current_on(on)]


def _what(membership: Membership) -> str:
    return f"as {membership.post.label}" if membership.post_id else f"in {membership.organization.name}"
