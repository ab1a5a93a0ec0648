"""The same move gives the same answer on a page and in the API (issue 15).

Every move of every workflow that a person can make both through a page and through the API is
made by every role of the demo council (and a superuser, who has no rule of their own), on a
record the role may see and on one they may not: once through the page (POST with the form's
fields) and once through the API, each on its own fresh, identical record. The outcome classes
must agree -- success (page 302, API 2xx), 400, 403, 404 or 409 -- and both must succeed exactly
when the workflow's table lists the move for that person (``workflow.allowed_moves``): a person
shown the action may make it, and one not shown it gets the mapped error.

Records are made through the services (``tests.factories``), not through HTTP. A refused move
must save nothing (checked: the history's hash chain does not move on), so the next role's attempt
may use the same record; a record a move succeeded on is made anew. Where the pages do not yet
follow the convention, ``KNOWN_DISAGREEMENTS`` says so, case by case, and ``outcome_of_page`` is the
one place that reads a page's answer as an outcome class. SHOW_PAGES_AND_API_MATRIX=1 prints every
attempt.
"""

import datetime
import itertools
import os
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.contrib.messages import constants as message_levels
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from register import selectors, workflow
from register.errors import InvalidTransition, NotFound, NotPermitted, RuleViolation
from register.models import (
    Absence,
    AttendanceRequest,
    Concern,
    Declaration,
    HistoryLink,
    InformationProvided,
    Notification,
    Person,
)
from register.models.conduct import Complaint
from register.services import attendance, people
from register.services.conduct import complaints
from register.services.conduct import concerns as concern_services
from tests.factories import LONDON, Council, approved_request, make_person, submit_request
from tests.integration import complaint_helpers
from tests.integration.declaration_helpers import declare, review
from tests.integration.notice_helpers import failed

# The roles of the demo council (register/management/commands/seed_demo.py), and a superuser who
# holds no post, as seed_demo's administrator.
ROLES = (
    "group leader",
    "deputy leader",
    "member",
    "co-opted member",
    "officer",
    "director",
    "assistant director",
    "chief executive",
    "deputy chief executive",
    "monitoring officer",
    "auditor",
    "independent person",
    "superuser",
)
OFFICERS_WHO_BRIEF = ("officer", "director", "assistant director")
SUCCESS = "success"


# --- The council, and one person per role -----------------------------------------------------


class World:
    def __init__(self, council: Council, clock):
        self.council, self.clock, self.start = council, clock, clock.at
        red, place = council.groups[0], council.directorates[0]
        co_opted = make_person(Person.Kind.MEMBER, member_type=Person.MemberType.CO_OPTED)
        administrator = people.person_update(
            actor=council.system,
            reason="Test data: the register's administrator",
            person=make_person(Person.Kind.SYSTEM),
            changes={"is_staff": True, "is_superuser": True},
        )
        self.people = {
            "group leader": red.leader,
            "deputy leader": red.deputy,
            "member": red.members[0],
            "co-opted member": co_opted,
            "officer": place.officers[0],
            "director": place.director,
            "assistant director": place.assistant_director,
            "chief executive": council.chief_executive,
            "deputy chief executive": council.deputy_chief_executive,
            "monitoring officer": council.monitoring_officer,
            "auditor": council.auditor,
            "independent person": council.independent_person,
            "superuser": administrator,
        }
        self.absences = 0
        self.notices = 0  # e-mails made to be sent again, each with a cause of its own
        self.clients: dict[tuple[str, str], Client] = {}

    def page_client(self, role: str) -> Client:
        """The role's browser, signed in once (the CSRF check is off in the test client)."""
        if ("page", role) not in self.clients:
            self.clients["page", role] = Client()
            self.clients["page", role].force_login(self.people[role])
        return self.clients["page", role]

    def api_client(self, role: str) -> APIClient:
        if ("api", role) not in self.clients:
            self.clients["api", role] = APIClient()
            self.clients["api", role].force_authenticate(self.people[role])
        return self.clients["api", role]

    def next_absence_start(self) -> datetime.date:
        """Days far ahead, different for every absence, so that no two overlap."""
        self.absences += 1
        return datetime.date(2031, 1, 6) + datetime.timedelta(weeks=self.absences)


# --- What each case makes, and how each interface makes the move ----------------------------------


@dataclass
class Made:
    """The records of one attempt: a request (the original, for taking up an equivalent) and the
    information given at it, or a declaration, or an absence, or the days of one to record."""

    request: AttendanceRequest | None = None
    information: InformationProvided | None = None
    declaration: Declaration | None = None
    absence: Absence | None = None
    absence_start: datetime.date | None = None
    other_person: Person | None = None
    concern: Concern | None = None
    complaint: Complaint | None = None
    notice: Notification | None = None


def named_officers(world: World, target: str) -> list[Person]:
    """The officers a request names: on the roles' own group's request (own), the officer, the
    Director and the Assistant Director of the first directorate, so that each of those roles is
    named in it; on another group's (other), an officer of the second directorate."""
    if target == "own":
        return [world.people[role] for role in OFFICERS_WHO_BRIEF]
    return [world.council.directorates[1].officers[0]]


def declarant(world: World, role: str, target: str) -> Person:
    """Who makes the declaration: the role itself (own), or a councillor of the second group, whose
    declaration (about an officer) goes to the Monitoring Officer (other).
    The superuser declares nothing (neither a councillor nor an officer): their own is the other."""
    person = world.people[role]
    if target == "own" and person.kind in (Person.Kind.MEMBER, Person.Kind.OFFICER):
        return person
    return world.council.groups[1].members[0]


@dataclass(frozen=True)
class Builder:
    """Makes the records of one attempt. Attempts whose records have the same ``key`` may share
    them until a move succeeds on them: a refused move changes nothing (the test checks it)."""

    make: Callable[[World, str, str], Made]
    key: Callable[[World, str, str], tuple] = lambda world, role, target: (target,)


def _a_request(stage: str, world: World, role: str, target: str) -> Made:
    options = {"group": 0 if target == "own" else 1, "officers": named_officers(world, target)}
    if stage == "approved":
        return Made(request=approved_request(world.council, **options))
    return Made(request=submit_request(world.council, **options))


def a_request(stage: str) -> Builder:
    """A request of the first group (own) or the second (other), submitted or approved."""
    return Builder(make=lambda world, role, target: _a_request(stage, world, role, target))


def _with_information(world: World, role: str, target: str) -> Made:
    made = _a_request("approved", world, role, target)
    made.information = attendance.attendance_information_record(
        request=made.request,
        actor=named_officers(world, target)[0],
        title="Library footfall",
        summary="Visits fell by a tenth.",
    )
    return made


WITH_INFORMATION = Builder(make=_with_information)
NOTHING = Builder(make=lambda world, role, target: Made())


def _a_declaration(reviewed: bool, world: World, role: str, target: str) -> Made:
    person = declarant(world, role, target)
    made = declare(person, make_person(Person.Kind.OFFICER if person.is_member else Person.Kind.MEMBER))
    return Made(declaration=review(made) if reviewed else made)


def a_declaration(*, reviewed: bool) -> Builder:
    return Builder(
        make=lambda world, role, target: _a_declaration(reviewed, world, role, target),
        key=lambda world, role, target: (target, declarant(world, role, target).pk),
    )


def _someone_to_declare(world: World, role: str, target: str) -> Made:
    """Someone the role has not declared a relationship with, on the other side: an officer for a
    councillor, a councillor for anyone else."""
    return Made(other_person=make_person(Person.Kind.OFFICER if world.people[role].is_member else Person.Kind.MEMBER))


SOMEONE_TO_DECLARE = Builder(
    make=_someone_to_declare, key=lambda world, role, target: (target, world.people[role].is_member)
)


# Days for a new absence, on which no other attempt records one.
ABSENCE_DAYS = Builder(make=lambda world, role, target: Made(absence_start=world.next_absence_start()))


def _an_absence(world: World, role: str, target: str) -> Made:
    start = world.next_absence_start()
    return Made(
        absence=people.absence_record(
            actor=world.council.chief_executive, start_date=start, end_date=start, reason="Annual leave"
        )
    )


AN_ABSENCE = Builder(make=_an_absence)


def _an_absence_of_two_days(world: World, role: str, target: str) -> Made:
    start = world.next_absence_start()
    return Made(
        absence=people.absence_record(
            actor=world.council.chief_executive,
            start_date=start,
            end_date=start + datetime.timedelta(days=1),
            reason="Annual leave",
        )
    )


# An absence that can end early: on its first day, the day before its last.
AN_ABSENCE_OF_TWO_DAYS = Builder(make=_an_absence_of_two_days)


def _raise_concern(raiser: Person, concerned: Person | None, *, information: bool = False) -> Concern:
    return concern_services.concern_raise(
        actor=raiser,
        reason=REASON,
        concerned_person=concerned,
        information=information,
        what_happened="Said something against the protocol.",
        happened_on=selectors.today() - datetime.timedelta(days=1),
    )


def _a_concern(stage: str, about_member: bool, world: World, role: str, target: str) -> Made:
    """A concern (D1-D3) under 002's routes, the council's default: the role's own (own; a councillor of
    the second group's for the superuser), about someone on the other side; or (other) a councillor's
    difficulty obtaining information from an officer, which the Monitoring Officer handles, or, for
    raising with the member, an officer's concern about a councillor, which the first directorate's
    Director handles (D2)."""
    council, person = world.council, world.people[role]
    if target == "own":
        raiser = person if person.kind in (Person.Kind.MEMBER, Person.Kind.OFFICER) else council.groups[1].members[0]
        concern = _raise_concern(raiser, make_person(Person.Kind.OFFICER if raiser.is_member else Person.Kind.MEMBER))
    elif about_member:
        concern = _raise_concern(council.directorates[0].officers[1], council.groups[1].members[1])
    else:
        concern = _raise_concern(council.groups[1].members[0], council.directorates[1].officers[1], information=True)
    if stage in ("acknowledged", "looking"):
        concern = concern_services.concern_acknowledge(concern=concern, actor=concern.handler)
    if stage == "looking":
        concern = concern_services.concern_look_into(concern=concern, actor=concern.handler)
    return Made(concern=concern)


def a_concern(stage: str = "received", *, about_member: bool = False) -> Builder:
    return Builder(
        make=lambda world, role, target: _a_concern(stage, about_member, world, role, target),
        key=lambda world, role, target: (target, role if target == "own" else ""),
    )


def _someone_to_raise_a_concern_about(world: World, role: str, target: str) -> Made:
    return Made(other_person=make_person(Person.Kind.OFFICER if world.people[role].is_member else Person.Kind.MEMBER))


SOMEONE_CONCERNED = Builder(
    make=_someone_to_raise_a_concern_about, key=lambda world, role, target: (target, world.people[role].is_member)
)


def _an_email_that_failed(world: World, role: str, target: str) -> Made:
    """A failed e-mail: to the role's own person ("own"), or to the Deputy Monitoring Officer ("other")."""
    recipient = world.people[role] if target == "own" else world.council.deputy_monitoring_officer
    world.notices += 1
    return Made(notice=failed(recipient, number=world.notices))


AN_EMAIL_THAT_FAILED = Builder(
    make=_an_email_that_failed, key=lambda world, role, target: (target, role if target == "own" else "")
)


def meeting_day(world: World) -> datetime.date:
    return selectors.today() + datetime.timedelta(days=7)


def page_meeting(day: datetime.date) -> dict:
    return {
        "meeting_date_0": str(day.day),
        "meeting_date_1": str(day.month),
        "meeting_date_2": str(day.year),
        "starts_at": "18:00",
        "ends_at": "20:00",
        "place": "Committee Room 1",
        "others_present": "no",
    }


def api_meeting(day: datetime.date) -> dict:
    at = datetime.datetime.combine(day, datetime.time(18, 0), tzinfo=LONDON)
    return {
        "starts_at": at.isoformat(),
        "ends_at": (at + datetime.timedelta(hours=2)).isoformat(),
        "place": "Committee Room 1",
    }


def page_date(prefix: str, day: datetime.date) -> dict:
    return {f"{prefix}_0": str(day.day), f"{prefix}_1": str(day.month), f"{prefix}_2": str(day.year)}


BRIEF = {"subject": "The draft budget", "scope": "The options for libraries in the draft budget."}
REASON = "Recorded by the comparison of pages and API."


REQUEST, INVITATION, INFORMATION = workflow.ATTENDANCE_REQUEST, workflow.ATTENDANCE_INVITATION, workflow.INFORMATION
DECLARATION, ABSENCE, CONCERN, COMPLAINT = workflow.DECLARATION, workflow.ABSENCE, workflow.CONCERN, workflow.COMPLAINT


def _complaint_record(world: World) -> dict:
    return {
        "reference": str(next(_complaint_references)),
        "complainant_type": "member-of-the-public",
        "complainant_name": "Pat Complainant",
        "nature_kind": "meeting",
        "nature": "Behaviour at a meeting",
    }


def _complaint_path(made: Made, action: str = "") -> str:
    return f"/complaints/{made.complaint.pk}/{action}"


def _complaint_api(made: Made, action: str = "") -> str:
    return f"/api/complaints/{made.complaint.pk}/{action}"


_complaint_references = itertools.count(5000)


def _a_complaint(stage: str, world: World, role: str, target: str) -> Made:
    """A complaint about the first group's councillor (own: the "member" role, told of it) or the second
    group's (other: not told), at ``stage``: received, consulting (the Independent Person asked),
    consulted (their view given) or decided."""
    council = world.council
    about = council.groups[0].members[0] if target == "own" else council.groups[1].members[0]
    complaint = complaint_helpers.record(council, reference=str(next(_complaint_references)), member=about)
    if target == "own":
        complaints.complaint_tell_member(actor=council.monitoring_officer, reason="Test data", complaint=complaint)
    if stage != "received":
        complaint_helpers.consult(council, complaint)
    if stage in ("consulted", "decided"):
        complaint_helpers.give_view(council, complaint)
    if stage == "decided":
        complaint_helpers.decide(council, complaint)
    return Made(complaint=complaint)


def a_complaint(stage: str) -> Builder:
    return Builder(make=lambda world, role, target: _a_complaint(stage, world, role, target))


# Each interface, for each move of each workflow: (world, made, person) -> (address, data).
Request = Callable[[World, Made, Person], tuple[str, dict]]


def _request_pk(made: Made) -> int:
    return made.request.pk


PAGES: dict[tuple[str, str], Request] = {
    (REQUEST.name, workflow.SUBMIT): lambda w, m, p: (
        "/attendance/new/",
        {
            **page_meeting(meeting_day(w)),
            "officers": [w.council.directorates[0].officers[0].pk],
            **BRIEF,
            "needs_confidential_information": "no",
        },
    ),
    (REQUEST.name, workflow.REFER): lambda w, m, p: (
        "/attendance/refer/",
        {
            "asked_by": w.council.groups[0].members[0].pk,
            **page_meeting(meeting_day(w)),
            "officers": [_referring(w, p).pk],
            **BRIEF,
            "needs_confidential_information": "no",
        },
    ),
    (REQUEST.name, workflow.TAKE_UP_EQUIVALENT): lambda w, m, p: (
        f"/attendance/same/{_request_pk(m)}/",
        {**page_meeting(meeting_day(w) + datetime.timedelta(days=1)), "needs_confidential_information": "no"},
    ),
    (REQUEST.name, workflow.APPROVE): lambda w, m, p: (
        f"/attendance/{_request_pk(m)}/decide/",
        {"decision": "approve", "reason": REASON, "round": m.request.round},
    ),
    (REQUEST.name, workflow.REFUSE): lambda w, m, p: (
        f"/attendance/{_request_pk(m)}/decide/",
        {"decision": "refuse", "reason": REASON, "round": m.request.round},
    ),
    (REQUEST.name, workflow.WITHDRAW): lambda w, m, p: (f"/attendance/{_request_pk(m)}/withdraw/", {"reason": REASON}),
    (REQUEST.name, workflow.CANCEL): lambda w, m, p: (f"/attendance/{_request_pk(m)}/cancel/", {"reason": REASON}),
    (REQUEST.name, workflow.AMEND_BRIEF): lambda w, m, p: (
        f"/attendance/{_request_pk(m)}/amend/",
        {
            **page_meeting(timezone.localtime(m.request.meeting.starts_at).date()),
            "subject": m.request.subject,
            "scope": "The options for libraries and museums.",
            "needs_confidential_information": "no",
            "reason": REASON,
        },
    ),
    (REQUEST.name, workflow.RECORD_ATTENDANCE): lambda w, m, p: (
        f"/attendance/{_request_pk(m)}/attendance/",
        {"arrived_at": "18:00", "left_at": "18:40", "attested": "on"},
    ),
    (REQUEST.name, workflow.RECORD_INFORMATION): lambda w, m, p: (
        f"/attendance/{_request_pk(m)}/information/",
        {
            "title": "Library footfall",
            "summary": "Visits fell by a tenth.",
            "classification": "open",
            "likely_to_be_cited": "no",
        },
    ),
    (REQUEST.name, workflow.CLOSE): lambda w, m, p: (f"/attendance/{_request_pk(m)}/close/", {"reason": REASON}),
    (INVITATION.name, workflow.ACCEPT): lambda w, m, p: (
        f"/attendance/{_request_pk(m)}/respond/",
        {"answer": "accept"},
    ),
    (INVITATION.name, workflow.DECLINE): lambda w, m, p: (
        f"/attendance/{_request_pk(m)}/respond/",
        {"answer": "decline"},
    ),
    (INFORMATION.name, workflow.MARK_LIKELY_TO_BE_CITED): lambda w, m, p: (
        f"/attendance/{_request_pk(m)}/information/{m.information.pk}/likely-to-be-cited/",
        {"cited_at": "council"},
    ),
    (DECLARATION.name, workflow.DECLARE): lambda w, m, p: (
        "/declarations/new/",
        {
            "other_person": m.other_person.pk,
            "kind": "friendship",
            **page_date("began_on", datetime.date(2024, 6, 1)),
            "description": "We go hill walking most weekends.",
        },
    ),
    (DECLARATION.name, workflow.REVIEW): lambda w, m, p: (
        f"/declarations/{m.declaration.pk}/review/",
        {"advice": "Declare it at meetings.", "action_agreed": "declare-at-meetings"},
    ),
    (DECLARATION.name, workflow.ACKNOWLEDGE): lambda w, m, p: (f"/declarations/{m.declaration.pk}/acknowledge/", {}),
    (DECLARATION.name, workflow.END): lambda w, m, p: (
        f"/declarations/{m.declaration.pk}/end/",
        page_date("ended_on", selectors.today()),
    ),
    (DECLARATION.name, workflow.WITHDRAW_DECLARATION): lambda w, m, p: (
        f"/declarations/{m.declaration.pk}/withdraw/",
        {},
    ),
    (ABSENCE.name, workflow.RECORD_ABSENCE): lambda w, m, p: (
        "/attendance/absence/",
        {**page_date("start_date", m.absence_start), **page_date("end_date", m.absence_start), "reason": "Leave"},
    ),
    (ABSENCE.name, workflow.CANCEL_ABSENCE): lambda w, m, p: (f"/attendance/absence/{m.absence.pk}/cancel/", {}),
    (ABSENCE.name, workflow.END_ABSENCE): lambda w, m, p: (
        f"/people/absences/{m.absence.pk}/end/",
        {**page_date("end_date", m.absence.start_date), "reason": "Back early"},
    ),
    (CONCERN.name, workflow.RAISE_CONCERN): lambda w, m, p: (
        "/concerns/raise/",
        {
            "about": "conduct",
            "concerned_person": m.other_person.pk,
            "what_happened": "Said something against the protocol.",
            **page_date("happened_on", selectors.today() - datetime.timedelta(days=1)),
        },
    ),
    (CONCERN.name, workflow.ACKNOWLEDGE_CONCERN): lambda w, m, p: (f"/concerns/{m.concern.pk}/acknowledge/", {}),
    (CONCERN.name, workflow.LOOK_INTO): lambda w, m, p: (f"/concerns/{m.concern.pk}/look-into/", {}),
    (CONCERN.name, workflow.TELL_CONCERNED_PERSON): lambda w, m, p: (
        f"/concerns/{m.concern.pk}/tell/",
        {"tell-reason": REASON},
    ),
    (CONCERN.name, workflow.RAISE_WITH_MEMBER): lambda w, m, p: (
        f"/concerns/{m.concern.pk}/raise-with-member/",
        {"raise-with-member-raised_with": "The member and their group leader"},
    ),
    (CONCERN.name, workflow.RESOLVE_INFORMALLY): lambda w, m, p: (
        f"/concerns/{m.concern.pk}/resolve/",
        {"resolve-reason": REASON},
    ),
    (CONCERN.name, workflow.REFER_ON): lambda w, m, p: (
        f"/concerns/{m.concern.pk}/refer-on/",
        {"refer-on-referred_to": "Human Resources"},
    ),
    (CONCERN.name, workflow.CLOSE_CONCERN): lambda w, m, p: (
        f"/concerns/{m.concern.pk}/close/",
        {"close-outcome": "no-action"},
    ),
    (CONCERN.name, workflow.WITHDRAW_CONCERN): lambda w, m, p: (
        f"/concerns/{m.concern.pk}/withdraw/",
        {"withdraw-reason": REASON},
    ),
    (COMPLAINT.name, workflow.RECORD_COMPLAINT): lambda w, m, p: (
        "/complaints/new/",
        {
            **_complaint_record(w),
            **page_date("received_on", datetime.date(2026, 1, 12)),
            "council": "borough",
            "member": w.council.groups[1].members[0].pk,
        },
    ),
    (COMPLAINT.name, workflow.CONSULT): lambda w, m, p: (
        _complaint_path(m, "consult/"),
        {"independent_person": w.council.independent_person.pk},
    ),
    (COMPLAINT.name, workflow.GIVE_VIEW): lambda w, m, p: (_complaint_path(m, "view/"), {"view": "Within the Code."}),
    (COMPLAINT.name, workflow.DECIDE_COMPLAINT): lambda w, m, p: (
        _complaint_path(m, "decide/"),
        {"decision": "no-further-action", **page_date("decided_on", selectors.today())},
    ),
    (COMPLAINT.name, workflow.TELL_MEMBER): lambda w, m, p: (_complaint_path(m, "tell-member/"), {}),
    (COMPLAINT.name, workflow.RECORD_ACTIONS): lambda w, m, p: (
        _complaint_path(m, "actions/"),
        {"training_needs": "Social media training", "actions_outstanding": ""},
    ),
    (COMPLAINT.name, workflow.CLOSE_COMPLAINT): lambda w, m, p: (_complaint_path(m, "close/"), {}),
    (COMPLAINT.name, workflow.WITHDRAW_COMPLAINT): lambda w, m, p: (
        _complaint_path(m, "withdraw/"),
        {"reason": "Withdrawn by the complainant"},
    ),
    (workflow.NOTICE.name, workflow.SEND_AGAIN): lambda w, m, p: (
        f"/notices/undelivered/{m.notice.pk}/send-again/",
        {"reason": REASON},
    ),
}

REQUESTS = "/api/attendance-requests/"

APIS: dict[tuple[str, str], Request] = {
    (REQUEST.name, workflow.SUBMIT): lambda w, m, p: (
        REQUESTS,
        {"meeting": api_meeting(meeting_day(w)), "officers": [w.council.directorates[0].officers[0].pk], **BRIEF},
    ),
    (REQUEST.name, workflow.REFER): lambda w, m, p: (
        REQUESTS + "refer/",
        {
            "asked_by": w.council.groups[0].members[0].pk,
            "meeting": api_meeting(meeting_day(w)),
            "officers": [_referring(w, p).pk],
            **BRIEF,
        },
    ),
    (REQUEST.name, workflow.TAKE_UP_EQUIVALENT): lambda w, m, p: (
        f"{REQUESTS}{_request_pk(m)}/take-up-equivalent/",
        {"meeting": api_meeting(meeting_day(w) + datetime.timedelta(days=1))},
    ),
    (REQUEST.name, workflow.APPROVE): lambda w, m, p: (f"{REQUESTS}{_request_pk(m)}/approve/", {"reason": REASON}),
    (REQUEST.name, workflow.REFUSE): lambda w, m, p: (f"{REQUESTS}{_request_pk(m)}/refuse/", {"reason": REASON}),
    (REQUEST.name, workflow.WITHDRAW): lambda w, m, p: (f"{REQUESTS}{_request_pk(m)}/withdraw/", {"reason": REASON}),
    (REQUEST.name, workflow.CANCEL): lambda w, m, p: (f"{REQUESTS}{_request_pk(m)}/cancel/", {"reason": REASON}),
    (REQUEST.name, workflow.AMEND_BRIEF): lambda w, m, p: (
        f"{REQUESTS}{_request_pk(m)}/amend-brief/",
        {"reason": REASON, "scope": "The options for libraries and museums."},
    ),
    (REQUEST.name, workflow.RECORD_ATTENDANCE): lambda w, m, p: (
        f"{REQUESTS}{_request_pk(m)}/attendance/",
        {
            "arrived_at": m.request.meeting.starts_at.isoformat(),
            "left_at": (m.request.meeting.starts_at + datetime.timedelta(minutes=40)).isoformat(),
            "attested": True,
        },
    ),
    (REQUEST.name, workflow.RECORD_INFORMATION): lambda w, m, p: (
        f"{REQUESTS}{_request_pk(m)}/information/",
        {"title": "Library footfall", "summary": "Visits fell by a tenth."},
    ),
    (REQUEST.name, workflow.CLOSE): lambda w, m, p: (f"{REQUESTS}{_request_pk(m)}/close/", {"reason": REASON}),
    (INVITATION.name, workflow.ACCEPT): lambda w, m, p: (f"{REQUESTS}{_request_pk(m)}/respond/", {"accept": True}),
    (INVITATION.name, workflow.DECLINE): lambda w, m, p: (f"{REQUESTS}{_request_pk(m)}/respond/", {"accept": False}),
    (INFORMATION.name, workflow.MARK_LIKELY_TO_BE_CITED): lambda w, m, p: (
        f"/api/attendance-information/{m.information.pk}/likely-to-be-cited/",
        {"cited_at": "council"},
    ),
    (DECLARATION.name, workflow.DECLARE): lambda w, m, p: (
        "/api/declarations/",
        {
            "other_person": m.other_person.pk,
            "kind": "friendship",
            "began_on": "2024-06-01",
            "description": "We go hill walking most weekends.",
        },
    ),
    (DECLARATION.name, workflow.REVIEW): lambda w, m, p: (
        f"/api/declarations/{m.declaration.pk}/review/",
        {"advice": "Declare it at meetings.", "action_agreed": "declare-at-meetings"},
    ),
    (DECLARATION.name, workflow.ACKNOWLEDGE): lambda w, m, p: (
        f"/api/declarations/{m.declaration.pk}/acknowledge/",
        {},
    ),
    (DECLARATION.name, workflow.END): lambda w, m, p: (
        f"/api/declarations/{m.declaration.pk}/end/",
        {"ended_on": selectors.today().isoformat()},
    ),
    (DECLARATION.name, workflow.WITHDRAW_DECLARATION): lambda w, m, p: (
        f"/api/declarations/{m.declaration.pk}/withdraw/",
        {},
    ),
    (ABSENCE.name, workflow.RECORD_ABSENCE): lambda w, m, p: (
        "/api/absences/",
        {"start_date": m.absence_start.isoformat(), "end_date": m.absence_start.isoformat(), "reason": "Leave"},
    ),
    (ABSENCE.name, workflow.CANCEL_ABSENCE): lambda w, m, p: (f"/api/absences/{m.absence.pk}/cancel/", {}),
    (ABSENCE.name, workflow.END_ABSENCE): lambda w, m, p: (
        f"/api/absences/{m.absence.pk}/end/",
        {"end_date": m.absence.start_date.isoformat(), "reason": "Back early"},
    ),
    (CONCERN.name, workflow.RAISE_CONCERN): lambda w, m, p: (
        "/api/concerns/",
        {
            "concerned_person": m.other_person.pk,
            "what_happened": "Said something against the protocol.",
            "happened_on": (selectors.today() - datetime.timedelta(days=1)).isoformat(),
        },
    ),
    (CONCERN.name, workflow.ACKNOWLEDGE_CONCERN): lambda w, m, p: (f"/api/concerns/{m.concern.pk}/acknowledge/", {}),
    (CONCERN.name, workflow.LOOK_INTO): lambda w, m, p: (f"/api/concerns/{m.concern.pk}/look-into/", {}),
    (CONCERN.name, workflow.TELL_CONCERNED_PERSON): lambda w, m, p: (
        f"/api/concerns/{m.concern.pk}/tell/",
        {"reason": REASON},
    ),
    (CONCERN.name, workflow.RAISE_WITH_MEMBER): lambda w, m, p: (
        f"/api/concerns/{m.concern.pk}/raise-with-member/",
        {"raised_with": "The member and their group leader"},
    ),
    (CONCERN.name, workflow.RESOLVE_INFORMALLY): lambda w, m, p: (
        f"/api/concerns/{m.concern.pk}/resolve/",
        {"reason": REASON},
    ),
    (CONCERN.name, workflow.REFER_ON): lambda w, m, p: (
        f"/api/concerns/{m.concern.pk}/refer-on/",
        {"referred_to": "Human Resources"},
    ),
    (CONCERN.name, workflow.CLOSE_CONCERN): lambda w, m, p: (
        f"/api/concerns/{m.concern.pk}/close/",
        {"outcome": "no-action"},
    ),
    (CONCERN.name, workflow.WITHDRAW_CONCERN): lambda w, m, p: (
        f"/api/concerns/{m.concern.pk}/withdraw/",
        {"reason": REASON},
    ),
    (COMPLAINT.name, workflow.RECORD_COMPLAINT): lambda w, m, p: (
        "/api/complaints/",
        {**_complaint_record(w), "received_on": "2026-01-12", "member": w.council.groups[1].members[0].pk},
    ),
    (COMPLAINT.name, workflow.CONSULT): lambda w, m, p: (
        _complaint_api(m, "consult/"),
        {"independent_person": w.council.independent_person.pk},
    ),
    (COMPLAINT.name, workflow.GIVE_VIEW): lambda w, m, p: (_complaint_api(m, "view/"), {"view": "Within the Code."}),
    (COMPLAINT.name, workflow.DECIDE_COMPLAINT): lambda w, m, p: (
        _complaint_api(m, "decide/"),
        {"decision": "no-further-action", "decided_on": selectors.today().isoformat()},
    ),
    (COMPLAINT.name, workflow.TELL_MEMBER): lambda w, m, p: (_complaint_api(m, "tell-member/"), {}),
    (COMPLAINT.name, workflow.RECORD_ACTIONS): lambda w, m, p: (
        _complaint_api(m, "training-and-actions/"),
        {"training_needs": "Social media training", "actions_outstanding": ""},
    ),
    (COMPLAINT.name, workflow.CLOSE_COMPLAINT): lambda w, m, p: (_complaint_api(m, "close/"), {}),
    (COMPLAINT.name, workflow.WITHDRAW_COMPLAINT): lambda w, m, p: (
        _complaint_api(m, "withdraw/"),
        {"reason": "Withdrawn by the complainant"},
    ),
    (workflow.NOTICE.name, workflow.SEND_AGAIN): lambda w, m, p: (
        f"/api/notices/undelivered/{m.notice.pk}/send-again/",
        {"reason": REASON},
    ),
}


def _referring(world: World, person: Person) -> Person:
    """The officers a referral names include the officer who refers it (A1); anyone else names an officer."""
    return person if person.is_officer else world.council.directorates[0].officers[0]


# --- Is the move the person's to make, by the workflow's table? -----------------------------------


def loaded(made: Made) -> Made:
    """The records as a selector loads them, for the workflow to judge (the invitations with their
    attendance, the meeting's time)."""
    if made.request is not None:
        made.request = (
            AttendanceRequest.objects.select_related("meeting", "group")
            .prefetch_related("invitations__attendance")
            .get(pk=made.request.pk)
        )
    if made.information is not None:
        made.information = InformationProvided.objects.get(pk=made.information.pk)
        made.information.request = made.request
    if made.declaration is not None:
        made.declaration = Declaration.objects.select_related("declarant", "reviewer").get(pk=made.declaration.pk)
    if made.absence is not None:
        made.absence = Absence.objects.get(pk=made.absence.pk)
    if made.concern is not None:
        made.concern = Concern.objects.select_related("raised_by", "concerned_person", "handler").get(
            pk=made.concern.pk
        )
    if made.complaint is not None:
        made.complaint = Complaint.objects.prefetch_related("consultations").get(pk=made.complaint.pk)
    if made.notice is not None:
        made.notice = Notification.objects.select_related("recipient").get(pk=made.notice.pk)
    return made


def the_invitation(made: Made, person: Person):
    """The person's own invitation to the request, or (for anyone not named) the named officer's."""
    invitations = list(made.request.invitations.all())
    mine = next((i for i in invitations if i.officer_id == person.pk), invitations[0])
    mine.request = made.request
    return mine


def allowed(flow: workflow.Workflow, move: str, made: Made, person: Person) -> bool:
    """Whether the workflow lists ``move`` for ``person`` on the record now: ``allowed_moves`` on a
    record; for a move that creates one, ``is_allowed`` (taking up an equivalent is judged against
    the original as a new request, as its service does)."""
    standing = selectors.standing_of(person)
    made = loaded(made)
    if move in (
        workflow.SUBMIT,
        workflow.REFER,
        workflow.DECLARE,
        workflow.RECORD_ABSENCE,
        workflow.RAISE_CONCERN,
        workflow.RECORD_COMPLAINT,
    ):
        return workflow.is_allowed(flow, move, None, standing)
    if move == workflow.TAKE_UP_EQUIVALENT:
        try:
            workflow.require(flow, move, made.request, standing, state=workflow.NEW)
        except (NotFound, NotPermitted, InvalidTransition, RuleViolation):
            return False
        return True
    record = {
        workflow.ATTENDANCE_REQUEST.name: lambda: made.request,
        workflow.ATTENDANCE_INVITATION.name: lambda: the_invitation(made, person),
        workflow.INFORMATION.name: lambda: made.information,
        workflow.DECLARATION.name: lambda: made.declaration,
        workflow.ABSENCE.name: lambda: made.absence,
        workflow.CONCERN.name: lambda: made.concern,
        workflow.COMPLAINT.name: lambda: made.complaint,
        workflow.NOTICE.name: lambda: made.notice,
    }[flow.name]()
    return move in workflow.allowed_moves(flow, record, standing)


# --- The outcome of each interface ----------------------------------------------------------------


def outcome_of_page(response) -> str:
    """The page's answer as an outcome class. The one place where a page that does not yet follow
    the pages' convention is read as if it did: a form shown again with its error summary (status 200)
    is bad input, 400 -- a service's refusal that the form shows on a field; and a redirect that
    carries an error message (a one-button action refused after the page let it through) is not a
    success but a refusal whose class the page no longer says."""
    if response.status_code in (301, 302, 303):
        queued = getattr(getattr(response.wsgi_request, "_messages", None), "_queued_messages", [])
        if any(message.level == message_levels.ERROR for message in queued):
            return "refused, as a message after a redirect"
        return SUCCESS
    if response.status_code == 200:
        if "govuk-error-summary" in response.content.decode():
            return "400"
        return "200 without an error"
    return str(response.status_code)


def outcome_of_api(response) -> str:
    return SUCCESS if 200 <= response.status_code < 300 else str(response.status_code)


# --- The cases ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    flow: workflow.Workflow
    move: str
    build: Builder
    # "own": the record the role has most to do with (its group's request, one naming it, its own
    # declaration); "other": another group's, another directorate's, someone else's; "new": none yet.
    targets: tuple[str, ...] = ("own", "other")
    after_meeting: bool = False
    # Told apart from another case of the same move (a decision before the Independent Person's view).
    note: str = ""

    @property
    def id(self) -> str:
        return f"{self.flow.name}: {self.move}{f' ({self.note})' if self.note else ''}".replace(" ", "-")


CASES = [
    Case(REQUEST, workflow.SUBMIT, NOTHING, targets=("new",)),
    Case(REQUEST, workflow.REFER, NOTHING, targets=("new",)),
    Case(REQUEST, workflow.TAKE_UP_EQUIVALENT, a_request("approved")),
    Case(REQUEST, workflow.APPROVE, a_request("submitted")),
    Case(REQUEST, workflow.REFUSE, a_request("submitted")),
    Case(REQUEST, workflow.WITHDRAW, a_request("submitted")),
    Case(REQUEST, workflow.CANCEL, a_request("approved")),
    Case(REQUEST, workflow.AMEND_BRIEF, a_request("submitted")),
    Case(REQUEST, workflow.RECORD_ATTENDANCE, a_request("approved"), after_meeting=True),
    Case(REQUEST, workflow.RECORD_INFORMATION, a_request("approved")),
    Case(REQUEST, workflow.CLOSE, a_request("approved"), after_meeting=True),
    Case(INVITATION, workflow.ACCEPT, a_request("submitted")),
    Case(INVITATION, workflow.DECLINE, a_request("submitted")),
    Case(INFORMATION, workflow.MARK_LIKELY_TO_BE_CITED, WITH_INFORMATION),
    Case(DECLARATION, workflow.DECLARE, SOMEONE_TO_DECLARE, targets=("new",)),
    Case(DECLARATION, workflow.REVIEW, a_declaration(reviewed=False)),
    Case(DECLARATION, workflow.ACKNOWLEDGE, a_declaration(reviewed=True)),
    Case(DECLARATION, workflow.END, a_declaration(reviewed=False)),
    Case(DECLARATION, workflow.WITHDRAW_DECLARATION, a_declaration(reviewed=False)),
    Case(ABSENCE, workflow.RECORD_ABSENCE, ABSENCE_DAYS, targets=("new",)),
    Case(ABSENCE, workflow.CANCEL_ABSENCE, AN_ABSENCE, targets=("recorded",)),
    Case(ABSENCE, workflow.END_ABSENCE, AN_ABSENCE_OF_TWO_DAYS, targets=("recorded",)),
    Case(CONCERN, workflow.RAISE_CONCERN, SOMEONE_CONCERNED, targets=("new",)),
    Case(CONCERN, workflow.ACKNOWLEDGE_CONCERN, a_concern()),
    Case(CONCERN, workflow.LOOK_INTO, a_concern()),
    Case(CONCERN, workflow.TELL_CONCERNED_PERSON, a_concern("acknowledged")),
    Case(CONCERN, workflow.RAISE_WITH_MEMBER, a_concern("acknowledged", about_member=True)),
    Case(CONCERN, workflow.RESOLVE_INFORMALLY, a_concern("looking")),
    Case(CONCERN, workflow.REFER_ON, a_concern("acknowledged")),
    Case(CONCERN, workflow.CLOSE_CONCERN, a_concern("acknowledged")),
    Case(CONCERN, workflow.WITHDRAW_CONCERN, a_concern()),
    Case(COMPLAINT, workflow.RECORD_COMPLAINT, NOTHING, targets=("new",)),
    Case(COMPLAINT, workflow.CONSULT, a_complaint("received")),
    Case(COMPLAINT, workflow.GIVE_VIEW, a_complaint("consulting")),
    Case(COMPLAINT, workflow.DECIDE_COMPLAINT, a_complaint("consulted")),
    Case(COMPLAINT, workflow.DECIDE_COMPLAINT, a_complaint("received"), note="before the view, D4"),
    Case(COMPLAINT, workflow.TELL_MEMBER, a_complaint("received")),
    Case(COMPLAINT, workflow.RECORD_ACTIONS, a_complaint("decided")),
    Case(COMPLAINT, workflow.CLOSE_COMPLAINT, a_complaint("decided")),
    Case(COMPLAINT, workflow.WITHDRAW_COMPLAINT, a_complaint("received")),
    Case(workflow.NOTICE, workflow.SEND_AGAIN, AN_EMAIL_THAT_FAILED),
]


def _everyone_but(*roles: str) -> tuple[str, ...]:
    return tuple(role for role in ROLES if role not in roles)


OVERSEERS = ("chief executive", "deputy chief executive", "monitoring officer", "auditor")
LEADERS = ("group leader", "deputy leader")

# Where today's pages and the API disagree: (move, target, role) -> (page, API). Each is checked to
# happen exactly so, so that its entry goes once the page (or the API) is put right. In each, the
# API gives the workflow's answer (``workflow.require``): 403 naming the rule to a person who may
# not make a move that creates a record (there is no record to hide), 404 only for a record they
# may not see.
# Cases where the page and the API answer differently, each with why; none today.
KNOWN_DISAGREEMENTS: dict[tuple[str, str, str], tuple[str, str]] = {}


@dataclass
class Result:
    target: str
    role: str
    page: str
    api: str
    allowed: bool


def last_history_link() -> int:
    """The position of the last link of the history's hash chain: it moves on with every change
    saved anywhere in the register (C1, C4)."""
    return HistoryLink.objects.order_by("-position").values_list("position", flat=True).first() or 0


class Attempts:
    """The records of each interface, fresh for each attempt: made anew after a move succeeded on
    them, and shared by attempts whose records would be the same while moves on them are refused."""

    def __init__(self, world: World, case: Case):
        self.world, self.case = world, case
        self.kept: dict[tuple, Made] = {}

    def records(self, side: str, role: str, target: str) -> Made:
        key = (side, *self.case.build.key(self.world, role, target))
        if key not in self.kept:
            self.kept[key] = self.case.build.make(self.world, role, target)
        return self.kept[key]

    def used(self, side: str, role: str, target: str) -> None:
        self.kept.pop((side, *self.case.build.key(self.world, role, target)))

    def attempt(self, role: str, target: str, problems: list[str]) -> Result:
        """The move made once through the page and once through the API, by ``role`` on ``target``."""
        world, case, person = self.world, self.case, self.world.people[role]
        world.clock.set(world.start)
        by_page, by_api = self.records("page", role, target), self.records("api", role, target)
        if case.after_meeting:
            world.clock.set(by_api.request.meeting.starts_at + datetime.timedelta(hours=2))
        is_allowed = allowed(case.flow, case.move, by_api, person)

        page = world.page_client(role)
        url, data = PAGES[case.flow.name, case.move](world, by_page, person)
        before = last_history_link()
        page_outcome = outcome_of_page(page.post(url, data))
        self._settle("page", role, target, page_outcome, before, problems)

        api = world.api_client(role)
        url, body = APIS[case.flow.name, case.move](world, by_api, person)
        before = last_history_link()
        api_outcome = outcome_of_api(api.post(url, body, format="json"))
        self._settle("API", role, target, api_outcome, before, problems)
        return Result(target, role, page_outcome, api_outcome, is_allowed)

    def _settle(self, side: str, role: str, target: str, outcome: str, before: int, problems: list[str]) -> None:
        if outcome == SUCCESS:
            self.used(side.lower(), role, target)
        elif last_history_link() != before:
            problems.append(f"{target}, {role}: the {side} refused the move ({outcome}) but saved a change")


def check(case: Case, result: Result) -> list[str]:
    """Page and API agree (or disagree exactly as known), and both succeed exactly when the
    workflow lists the move for the person."""
    problems, where = [], f"{result.target}, {result.role}"
    known = KNOWN_DISAGREEMENTS.get((case.move, result.target, result.role))
    if known is not None and (result.page, result.api) != known:
        problems.append(f"{where}: page {result.page}, API {result.api}; the known disagreement was {known}")
    elif known is None and result.page != result.api:
        problems.append(f"{where}: page {result.page}, API {result.api}")
    listed = "lists" if result.allowed else "does not list"
    if result.allowed != (result.api == SUCCESS):
        problems.append(f"{where}: the workflow {listed} the move; the API answers {result.api}")
    if known is None and result.allowed != (result.page == SUCCESS):
        problems.append(f"{where}: the workflow {listed} the move; the page answers {result.page}")
    return problems


@pytest.mark.parametrize("case", [pytest.param(case, id=case.id) for case in CASES])
def test_a_move_has_the_same_outcome_on_the_page_and_in_the_api_for_every_role(council, clock, case, capsys):
    """Page and API agree on every role's attempt on each target, both succeed exactly when the
    workflow lists the move for the person, and a refusal saves nothing (issue 15: one mapping of
    domain errors per interface; A1-A13, B1-B4)."""
    world = World(council, clock)
    attempts = Attempts(world, case)
    problems: list[str] = []
    results = [attempts.attempt(role, target, problems) for target in case.targets for role in ROLES]
    for result in results:
        problems += check(case, result)
    with capsys.disabled():
        print(f"\n{case.id}: {len(results)} attempts, each through both interfaces")
        for result in results:
            if os.environ.get("SHOW_PAGES_AND_API_MATRIX"):
                print(
                    f"  {result.target:>8} {result.role:<24} page {result.page:<8} API {result.api:<8}"
                    f"{' (the workflow lists it)' if result.allowed else ''}"
                )
    assert not problems, f"{case.id}:\n" + "\n".join(problems)


# Moves a person makes that are not on both interfaces, so not compared here.
NOT_ON_BOTH = {
    (DECLARATION.name, workflow.REROUTE): "made by the service alone: no page and no API yet",
    **{
        (flow.name, move): "Democratic Services' pages only: the records of people have no API yet (issue 17)"
        for flow in (workflow.PERSON_RECORD, workflow.COUNCIL_RECORDS)
        for move in flow.move_names()
    },
}


def test_every_move_a_person_makes_through_a_page_and_the_api_is_compared():
    """Each move of each workflow's table that a person makes is compared above, or named here as
    not offered by both interfaces: a move added to a table and to both interfaces is compared."""
    compared = {(case.flow.name, case.move) for case in CASES}
    person_moves = {
        (flow.name, row.name) for flow in workflow.WORKFLOWS for row in flow.moves if row.actor == workflow.PERSON
    }
    assert person_moves - compared == set(NOT_ON_BOTH), person_moves - compared - set(NOT_ON_BOTH)
    assert set(PAGES) == set(APIS) == compared
