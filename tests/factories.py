"""Test data, made through the services so that it obeys the same rules as real data."""

import datetime
import itertools
from dataclasses import dataclass, field

import factory

from register.models import Organization, Person, Post
from register.services import people
from register.services.system import system_user

TERM_START = datetime.date(2025, 5, 5)
_sequence = itertools.count(1)


class PersonFactory(factory.django.DjangoModelFactory):
    """A person with no posts; use ``Council`` below for people who hold them."""

    class Meta:
        model = Person
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"person-{n}")
    first_name = factory.Sequence(lambda n: f"First{n}")
    last_name = factory.Sequence(lambda n: f"Last{n}")
    email = factory.LazyAttribute(lambda p: f"{p.username}@council.example")
    kind = Person.Kind.OFFICER


def make_person(kind: str, *, username: str | None = None, member_type: str = "") -> Person:
    if kind == Person.Kind.MEMBER and not member_type:
        member_type = Person.MemberType.ELECTED
    number = next(_sequence)
    return people.person_create(
        actor=system_user(),
        reason="Test data",
        username=username or f"{kind}-{number}",
        first_name=f"{kind.title()}{number}",
        last_name="Testperson",
        email=f"{kind}-{number}@council.example",
        kind=kind,
        member_type=member_type,
    )


@dataclass
class Group:
    organization: Organization
    leader: Person
    deputy: Person
    members: list[Person] = field(default_factory=list)


@dataclass
class Directorate:
    organization: Organization
    director: Person
    assistant_director: Person
    officers: list[Person] = field(default_factory=list)


class Council:
    """A small council: the statutory posts, two groups and two directorates, all from TERM_START."""

    def __init__(self):
        self.system = system_user()
        self.organization = self.organization_of("Testshire Council", Organization.Classification.COUNCIL)
        Role = Post.Role
        self.chief_executive = self.officer_in_post(self.organization, Role.CHIEF_EXECUTIVE, "Chief Executive")
        self.deputy_chief_executive = self.officer_in_post(
            self.organization, Role.DEPUTY_CHIEF_EXECUTIVE, "Deputy Chief Executive"
        )
        self.monitoring_officer = self.officer_in_post(self.organization, Role.MONITORING_OFFICER, "Monitoring Officer")
        self.deputy_monitoring_officer = self.officer_in_post(
            self.organization, Role.DEPUTY_MONITORING_OFFICER, "Deputy Monitoring Officer"
        )
        self.auditor = self.officer_in_post(self.organization, Role.AUDITOR, "Auditor", single_holder=False)
        self.groups = [self.group("Red Group", administration=True), self.group("Blue Group")]
        self.directorates = [self.directorate("Place"), self.directorate("Resources")]
        self.democratic_services = self.officer_in_post(
            self.organization, Role.DEMOCRATIC_SERVICES, "Democratic Services Officer", single_holder=False
        )
        # Code of Conduct complaints (D4): the Independent Person, and a parish and a town council in the area.
        self.independent_person = make_person(Person.Kind.INDEPENDENT)
        self.appoint(self.independent_person, self.organization, Role.INDEPENDENT_PERSON, "Independent Person")
        self.parish_council = self.organization_of("Newton Parish Council", Organization.Classification.PARISH)
        self.town_council = self.organization_of("Bingham Town Council", Organization.Classification.TOWN)

    def organization_of(self, name, classification, administration=False):
        return people.organization_create(
            actor=self.system,
            reason="Test data",
            name=name,
            classification=classification,
            is_administration=administration,
        )

    def officer_in_post(self, organization, role, label, **options):
        officer = make_person(Person.Kind.OFFICER)
        self.appoint(officer, organization, role, label, **options)
        return officer

    def appoint(self, person, organization, role, label, start_date=TERM_START, **options):
        post = people.post_create(
            actor=self.system, reason="Test data", organization=organization, role=role, label=label, **options
        )
        people.post_appoint(actor=self.system, reason="Test data", person=person, post=post, start_date=start_date)
        return post

    def join(self, person, organization, start_date=TERM_START):
        return people.membership_start(
            actor=self.system, reason="Test data", person=person, organization=organization, start_date=start_date
        )

    def group(self, name, administration=False, size=3) -> Group:
        organization = self.organization_of(name, Organization.Classification.PARTY, administration)
        leader, deputy = make_person(Person.Kind.MEMBER), make_person(Person.Kind.MEMBER)
        members = [make_person(Person.Kind.MEMBER) for _ in range(size)]
        for person in [leader, deputy, *members]:
            self.join(person, organization)
        self.appoint(leader, organization, Post.Role.GROUP_LEADER, f"Leader of the {name}")
        self.appoint(deputy, organization, Post.Role.DEPUTY_GROUP_LEADER, f"Deputy Leader of the {name}")
        return Group(organization, leader, deputy, members)

    def directorate(self, name, size=3) -> Directorate:
        organization = self.organization_of(name, Organization.Classification.DIRECTORATE)
        director, assistant = make_person(Person.Kind.OFFICER), make_person(Person.Kind.OFFICER)
        officers = [make_person(Person.Kind.OFFICER) for _ in range(size)]
        for person in [director, assistant, *officers]:
            self.join(person, organization)
        self.appoint(director, organization, Post.Role.DIRECTOR, f"Director of {name}")
        self.appoint(assistant, organization, Post.Role.ASSISTANT_DIRECTOR, f"Assistant Director of {name}")
        return Directorate(organization, director, assistant, officers)


# --- Officer attendance at group meetings ------------------------------------------------------

from zoneinfo import ZoneInfo  # noqa: E402

from django.apps import apps  # noqa: E402

from register import selectors  # noqa: E402
from register.services import attendance  # noqa: E402

LONDON = ZoneInfo("Europe/London")


def meeting(starts_at: datetime.datetime | None = None, **options) -> attendance.MeetingDetails:
    """A group meeting a week from the register's clock at 6 pm, in Committee Room 1, unless told."""
    if starts_at is None:
        day = selectors.today() + datetime.timedelta(days=7)
        starts_at = datetime.datetime.combine(day, datetime.time(18, 0), tzinfo=LONDON)
    options.setdefault("place", "Committee Room 1")
    if options.get("others_present"):
        options.setdefault("others_present_description", "A member of the public, invited by the group")
    return attendance.MeetingDetails(starts_at=starts_at, **options)


def submit_request(
    council: "Council",
    *,
    group: int = 0,
    actor: Person | None = None,
    officers=None,
    starts_at: datetime.datetime | None = None,
    meeting_options: dict | None = None,
    **brief,
):
    """A request submitted by a group's leader through the service, with a plausible brief."""
    number = next(_sequence)
    brief.setdefault("subject", f"Budget consultation {number}")
    brief.setdefault("scope", f"The draft budget's options for libraries, scope {number}")
    return attendance.attendance_request_submit(
        actor=actor or council.groups[group].leader,
        reason=brief.pop("reason", "Briefing wanted before the budget meeting"),
        meeting=meeting(starts_at, **(meeting_options or {})),
        officers=officers if officers is not None else [council.directorates[0].officers[0]],
        **brief,
    )


def approved_request(council: "Council", **options):
    request = submit_request(council, **options)
    return attendance.attendance_request_approve(request=request, actor=council.chief_executive, reason="Agreed")


def attended(request, officers, clock) -> None:
    """``officers`` accept ``request``'s invitations and, two hours after its meeting began, record that
    they attended for 40 minutes and attest it: what puts a briefing on the published register (A8)."""
    for officer in officers:
        attendance.attendance_invitation_respond(request=request, actor=officer, accept=True)
    starts = request.meeting.starts_at
    clock.set(starts + datetime.timedelta(hours=2))
    for officer in officers:
        attendance.attendance_record_attendance(
            request=request,
            actor=officer,
            arrived_at=starts,
            left_at=starts + datetime.timedelta(minutes=40),
            attested=True,
        )


def row_counts() -> dict[str, int]:
    """How many rows each register table holds (records and their history), to show that a refused
    change saved nothing. One read, whatever the number of tables."""
    from django.db import connection

    tables = sorted(model._meta.db_table for model in apps.get_app_config("register").get_models())
    counts = " UNION ALL ".join(
        f"SELECT '{table}', count(*) FROM {connection.ops.quote_name(table)}" for table in tables
    )
    with connection.cursor() as cursor:
        cursor.execute(counts)
        return dict(cursor.fetchall())
