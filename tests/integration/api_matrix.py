"""The API access matrix: who gets which status from every endpoint and method.

Each issue that adds an endpoint adds its rows here; the test fails on any endpoint of the URL
configuration that has no row, so nothing is exposed unchecked.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

ROLES = ["anonymous", "member", "group_leader", "officer", "chief_executive", "monitoring_officer", "auditor"]
SIGNED_IN = [role for role in ROLES if role != "anonymous"]


def everyone_signed_in(status: int = 200) -> dict[str, int]:
    return {"anonymous": 401, **{role: status for role in SIGNED_IN}}


def everyone(status: int = 200) -> dict[str, int]:
    return {role: status for role in ROLES}


@dataclass
class Cell:
    """Expected statuses by role for one endpoint and method, on one target (own or other group)."""

    url_name: str
    method: str
    expected: dict[str, int]
    target: str = "own"  # "own": a record of the caller's own group; "other": of another group
    kwargs: Callable | None = None  # (world, role, target) -> URL kwargs
    body: Callable | None = None  # (world, role, target) -> request body
    notes: str = ""
    extra: dict = field(default_factory=dict)


def person_kwargs(world, role, target):
    own = world.person_for(role) or world.council.groups[0].leader
    return {"pk": own.pk if target == "own" else world.council.chief_executive.pk}


def organization_kwargs(world, role, target):
    groups = world.council.groups
    return {"pk": groups[0].organization.pk if target == "own" else groups[1].organization.pk}


def post_kwargs(world, role, target):
    from register.models import Post

    return {"pk": Post.objects.order_by("id").first().pk}


def membership_kwargs(world, role, target):
    from register.models import Membership

    return {"pk": Membership.objects.order_by("id").first().pk}


def _absence(world, days: int = 1):
    """A fresh absence of the Chief Executive of ``days`` days, far ahead, on days no other cell uses."""
    import datetime

    from register.models import Absence
    from register.services import people

    first = datetime.date(2032, 1, 5) + datetime.timedelta(days=7 * Absence.objects.count())
    return people.absence_record(
        actor=world.council.chief_executive,
        start_date=first,
        end_date=first + datetime.timedelta(days=days - 1),
        reason="Leave, for the access matrix",
    )


def _ending_early(world, role, target) -> dict:
    absence = _absence(world, days=3)
    world.absence_ending_early = absence
    return {"pk": absence.pk}


CELLS: list[Cell] = [
    Cell("api-me", "GET", everyone_signed_in()),
    Cell(
        "api-token",
        "POST",
        everyone(401),
        body=lambda world, role, target: {"username": f"nobody-{role}", "password": "x"},
        notes="wrong credentials are a 401 for everyone; the right ones are tested separately",
    ),
    Cell(
        "api-token-revoke",
        "POST",
        everyone_signed_in(400),
        notes="revokes the token the request is signed with; signed in otherwise (as here), there is none to "
        "revoke (tests/integration/test_sign_in_tokens.py revokes real tokens)",
    ),
    Cell("api-schema", "GET", everyone(), notes="the schema and its documentation are public, for integrators"),
    Cell("api-docs", "GET", everyone()),
    Cell("api-root", "GET", everyone_signed_in()),
    Cell(
        "api-absence-record",
        "POST",
        {**everyone_signed_in(403), "chief_executive": 201},
        body=lambda world, role, target: {"start_date": "2031-07-01", "end_date": "2031-07-02", "reason": "Leave"},
        notes="only the Chief Executive or the Deputy records an absence (A2)",
    ),
    Cell(
        "api-absence-cancel",
        "POST",
        {**everyone_signed_in(403), "chief_executive": 200},
        kwargs=lambda world, role, target: {"pk": _absence(world).pk},
        body=lambda world, role, target: {"reason": "Back early"},
        notes="only the Chief Executive or the Deputy cancels a recorded absence (A2); it is no secret (not 404)",
    ),
    Cell(
        "api-absence-end",
        "POST",
        {**everyone_signed_in(403), "chief_executive": 200},
        kwargs=_ending_early,
        body=lambda world, role, target: {
            "end_date": world.absence_ending_early.start_date.isoformat(),
            "reason": "Back after one day",
        },
        notes="only the Chief Executive or the Deputy ends the Chief Executive's absence early (A2)",
    ),
    Cell("person-list", "GET", everyone_signed_in()),
    Cell("person-detail", "GET", everyone_signed_in(), kwargs=person_kwargs),
    Cell("person-detail", "GET", everyone_signed_in(), target="other", kwargs=person_kwargs),
    Cell("organization-list", "GET", everyone_signed_in()),
    Cell("organization-detail", "GET", everyone_signed_in(), kwargs=organization_kwargs),
    Cell("organization-detail", "GET", everyone_signed_in(), target="other", kwargs=organization_kwargs),
    Cell("post-list", "GET", everyone_signed_in()),
    Cell("post-detail", "GET", everyone_signed_in(), kwargs=post_kwargs),
    Cell("membership-list", "GET", everyone_signed_in()),
    Cell("membership-detail", "GET", everyone_signed_in(), kwargs=membership_kwargs),
]


# --- Relationship declarations (B1-B7) and the notices inbox -----------------------------------
# Each cell makes its own records through the services, per role, so that no cell depends on
# another's moves. "own": the caller's own declaration (or notice); "other": someone else's (a
# councillor's declaration about an officer, routed to the Monitoring Officer); "named": a
# declaration by someone else that names the caller.


def by_role(default: int, **statuses: int) -> dict[str, int]:
    return {"anonymous": 401, **{role: default for role in SIGNED_IN}, **statuses}


def _caller(world, role):
    """The caller, or for the anonymous row the councillor whose records it is refused."""
    return world.person_for(role) or world.council.groups[0].members[0]


def _someone_on_the_other_side_of(person):
    from register.models import Person
    from tests.factories import make_person

    return make_person(Person.Kind.OFFICER if person.is_member else Person.Kind.MEMBER)


def _declaration(world, role, target, *, reviewed=False):
    from register.models import Person
    from tests.factories import make_person
    from tests.integration.declaration_helpers import declare, review

    caller = _caller(world, role)
    if target.startswith("own"):
        declaration = declare(caller, _someone_on_the_other_side_of(caller))
    elif target == "named":
        declaration = declare(_someone_on_the_other_side_of(caller), caller)
    else:
        declaration = declare(make_person(Person.Kind.MEMBER), make_person(Person.Kind.OFFICER))
    return review(declaration) if reviewed else declaration


def declaration_kwargs(world, role, target):
    return {"pk": _declaration(world, role, target).pk}


def reviewed_declaration_kwargs(world, role, target):
    return {"pk": _declaration(world, role, target, reviewed=True).pk}


def declare_body(world, role, target):
    caller = _caller(world, role)
    if target == "same-side":
        from tests.factories import make_person

        other = make_person(caller.kind)
    else:
        other = _someone_on_the_other_side_of(caller)
    return {
        "other_person": other.pk,
        "kind": "friendship",
        "began_on": "2024-06-01",
        "description": "We go hill walking together most weekends.",
    }


def review_body(world, role, target):
    return {"advice": "Declare the interest whenever the officer attends.", "action_agreed": "declare-at-meetings"}


def end_body(world, role, target):
    from register import selectors

    return {"ended_on": selectors.today().isoformat()}


def with_an_open_declaration(world, role, target):
    from register.models import Declaration

    caller = _caller(world, role)
    if not Declaration.objects.filter(declarant=caller, state__in=Declaration.OPEN_STATES).exists():
        _declaration(world, role, "own")
    return {}


def with_nothing_open(world, role, target):
    from register.models import Declaration
    from register.services.declarations import declaration_withdraw

    caller = _caller(world, role)
    for declaration in Declaration.objects.filter(declarant=caller, state__in=Declaration.OPEN_STATES):
        declaration_withdraw(actor=caller, reason="Test data: made in error", declaration=declaration)
    return {}


def notice_kwargs(world, role, target):
    """A delivered in-app notice: to the caller ("own"), or to the Deputy Monitoring Officer."""
    from django.db import transaction

    from register.models import Notification
    from register.services.delivery import deliver
    from register.services.notifications import notify

    recipient = _caller(world, role) if target == "own" else world.council.deputy_monitoring_officer
    with transaction.atomic():
        [notice] = notify(
            cause=f"access-matrix:{role}:{target}:{Notification.objects.count()}",
            kind="declarations-confirmation-due",
            recipients=[recipient],
            about=recipient,
            actor=None,
            channels=[Notification.Channel.IN_APP],
            context={"due_on": end_body(world, role, target)["ended_on"], "what_counts": [], "what_does_not_count": []},
        )
    deliver(notice.pk)
    return {"pk": notice.pk}


# Those who may read a declaration they did not make, are not named in and do not review.
OVERSEERS_READ = by_role(404, monitoring_officer=200, auditor=200)
# Acting on such a declaration: the overseers see it, so are told they may not (403); the rest find nothing.
OVERSEERS_REFUSED = by_role(404, monitoring_officer=403, auditor=403)

CELLS += [
    Cell("declaration-list", "GET", everyone_signed_in()),
    Cell("declaration-list", "POST", everyone_signed_in(201), body=declare_body),
    Cell(
        "declaration-list",
        "POST",
        everyone_signed_in(400),
        target="same-side",
        body=declare_body,
        notes="a relationship between two councillors or two officers is outside the protocol (B1)",
    ),
    Cell("declaration-detail", "GET", everyone_signed_in(), kwargs=declaration_kwargs),
    Cell("declaration-detail", "GET", OVERSEERS_READ, target="other", kwargs=declaration_kwargs),
    Cell(
        "declaration-detail",
        "GET",
        everyone_signed_in(),
        target="named",
        kwargs=declaration_kwargs,
        notes="the narrow view: who declared it and its kind",
    ),
    Cell(
        "declaration-review",
        "POST",
        everyone_signed_in(403),
        kwargs=declaration_kwargs,
        body=review_body,
        notes="nobody reviews their own declaration",
    ),
    Cell(
        "declaration-review",
        "POST",
        by_role(404, monitoring_officer=200, auditor=403),
        target="other",
        kwargs=declaration_kwargs,
        body=review_body,
        notes="a councillor's declaration goes to the Monitoring Officer (B3)",
    ),
    Cell(
        "declaration-review",
        "POST",
        everyone_signed_in(403),
        target="named",
        kwargs=declaration_kwargs,
        body=review_body,
    ),
    Cell("declaration-acknowledge", "POST", everyone_signed_in(), kwargs=reviewed_declaration_kwargs),
    Cell(
        "declaration-acknowledge",
        "POST",
        everyone_signed_in(409),
        target="own-unreviewed",
        kwargs=declaration_kwargs,
        notes="there is no advice to acknowledge yet",
    ),
    Cell("declaration-acknowledge", "POST", OVERSEERS_REFUSED, target="other", kwargs=reviewed_declaration_kwargs),
    Cell("declaration-end", "POST", everyone_signed_in(), kwargs=declaration_kwargs, body=end_body),
    Cell("declaration-end", "POST", OVERSEERS_REFUSED, target="other", kwargs=declaration_kwargs, body=end_body),
    Cell("declaration-withdraw", "POST", everyone_signed_in(), kwargs=declaration_kwargs),
    Cell("declaration-withdraw", "POST", OVERSEERS_REFUSED, target="other", kwargs=declaration_kwargs),
    Cell("declaration-withdraw", "POST", everyone_signed_in(403), target="named", kwargs=declaration_kwargs),
    Cell(
        "declaration-to-review",
        "GET",
        by_role(404, chief_executive=200, monitoring_officer=200),
        notes="for those who hold a reviewing post (B3, B4), as on the pages",
    ),
    Cell("declaration-naming-me", "GET", everyone_signed_in()),
    Cell(
        "declaration-not-confirmed",
        "GET",
        by_role(404, chief_executive=200, monitoring_officer=200, auditor=200),
        notes="the Monitoring Officer, Directors, the Chief Executive and auditors oversee re-confirmation (B6)",
    ),
    Cell("declaration-confirmation", "GET", everyone_signed_in()),
    Cell("declaration-confirm", "POST", everyone_signed_in(201), body=with_an_open_declaration),
    Cell("declaration-nothing-to-declare", "POST", everyone_signed_in(201), body=with_nothing_open),
    Cell(
        "declaration-nothing-to-declare",
        "POST",
        everyone_signed_in(400),
        target="with-open",
        body=with_an_open_declaration,
        notes="not while declarations are open (B6)",
    ),
    Cell("notice-list", "GET", everyone_signed_in()),
    Cell("notice-detail", "GET", everyone_signed_in(), kwargs=notice_kwargs),
    Cell("notice-detail", "GET", everyone_signed_in(404), target="other", kwargs=notice_kwargs),
    Cell("notice-mark-read", "POST", everyone_signed_in(), kwargs=notice_kwargs),
    Cell("notice-mark-read", "POST", everyone_signed_in(404), target="other", kwargs=notice_kwargs),
    Cell("notice-unread-count", "GET", everyone_signed_in()),
]


# --- Officer attendance at political group meetings (A1-A13) -------------------------------------
# "own": a request of the first group (the matrix's member and group leader), naming the matrix's
# officer; "other": a request of the second group naming an officer of the other directorate.
# Each cell makes its own request through the services, at the stage its move needs.


def _at(moment):
    """Run the services as if it were ``moment`` (they read the clock through register.selectors.now)."""
    from unittest import mock

    return mock.patch("register.selectors.clock.now", lambda: moment)


def _attendance_request(world, target, *, stage="submitted"):
    """A request at ``stage``: submitted, approved (meeting still to come), past (approved, its
    meeting begun three hours ago), or held (past, and the officer has attested)."""
    import datetime

    from django.utils import timezone

    from register.services import attendance
    from tests.factories import approved_request, submit_request

    council = world.council
    own = target.startswith("own")
    options = {"group": 0 if own else 1, "officers": [_named_officer(world, target)]}
    if stage in {"past", "held"}:
        starts_at = timezone.now() - datetime.timedelta(hours=3)
        with _at(starts_at - datetime.timedelta(days=2)):
            request = approved_request(council, starts_at=starts_at, **options)
        if stage == "held":
            attendance.attendance_record_attendance(
                request=request,
                actor=_named_officer(world, target),
                arrived_at=starts_at,
                left_at=starts_at + datetime.timedelta(minutes=30),
                attested=True,
            )
        return request
    if stage == "approved":
        return approved_request(council, **options)
    return submit_request(council, **options)


def _named_officer(world, target):
    directorate = world.council.directorates[0 if target.startswith("own") else 1]
    return directorate.officers[0]


def attendance_kwargs(stage):
    def kwargs(world, role, target):
        return {"pk": _attendance_request(world, target, stage=stage).pk}

    return kwargs


def meeting_kwargs(world, role, target):
    return {"pk": _attendance_request(world, target).meeting_id}


def information_kwargs(world, role, target):
    from register.services import attendance

    request = _attendance_request(world, target, stage="past")
    information = attendance.attendance_information_record(
        request=request,
        actor=_named_officer(world, target),
        title="Library usage figures",
        summary="Visits by branch, and the cost per visit.",
    )
    return {"pk": information.pk}


def _meeting_body(days_ahead=7):
    import datetime

    from django.utils import timezone

    starts_at = (timezone.localtime() + datetime.timedelta(days=days_ahead)).replace(
        hour=18, minute=0, second=0, microsecond=0
    )
    return {"starts_at": starts_at.isoformat(), "place": "Committee Room 1"}


def submit_body(world, role, target):
    return {
        "meeting": _meeting_body(),
        "officers": [_named_officer(world, "own").pk],
        "subject": "The draft budget",
        "scope": "The options for libraries in the draft budget.",
    }


def refer_body(world, role, target):
    caller = _caller(world, role)
    return {
        **submit_body(world, role, target),
        "officers": [caller.pk],
        "asked_by": world.council.groups[0].members[0].pk,
    }


def reason_body(world, role, target):
    return {"reason": "Recorded by the access matrix."}


def amend_body(world, role, target):
    return {"reason": "The scope is wider now.", "scope": "The options for libraries and museums."}


def take_up_body(world, role, target):
    return {"meeting": _meeting_body(days_ahead=8)}


def respond_body(world, role, target):
    return {"accept": True}


def attend_body(world, role, target):
    import datetime

    from django.utils import timezone

    starts_at = timezone.now() - datetime.timedelta(hours=3)
    return {
        "arrived_at": starts_at.isoformat(),
        "left_at": (starts_at + datetime.timedelta(minutes=30)).isoformat(),
        "attested": True,
    }


def information_body(world, role, target):
    return {"title": "Library usage figures", "summary": "Visits by branch, and the cost per visit."}


def cited_body(world, role, target):
    return {"cited_at": "council"}


def period_query(world, role, target):
    from register import selectors

    today = selectors.today()
    return {"start": today.replace(day=1).isoformat(), "end": today.isoformat()}


OVERSEERS = {"chief_executive": 200, "monitoring_officer": 200, "auditor": 200}
# Those who see every request in full, but may not make this move: 403 naming the rule.
SEE_ALL_BUT_NOT_PERMITTED = {"chief_executive": 403, "monitoring_officer": 403, "auditor": 403}
SUBMITTED = attendance_kwargs("submitted")
APPROVED = attendance_kwargs("approved")
PAST = attendance_kwargs("past")

CELLS += [
    Cell("attendance-request-list", "GET", everyone_signed_in()),
    Cell(
        "attendance-request-list",
        "POST",
        by_role(403, group_leader=201),
        body=submit_body,
        notes="requests come from a group's leader or deputy (A1)",
    ),
    Cell("attendance-request-detail", "GET", by_role(200, member=404), kwargs=SUBMITTED),
    Cell(
        "attendance-request-detail",
        "GET",
        by_role(404, group_leader=200, **OVERSEERS),
        target="other",
        kwargs=APPROVED,
        notes="another group's leader sees an agreed briefing's facts only (A8, A9)",
    ),
    Cell(
        "attendance-request-detail",
        "GET",
        by_role(404, **OVERSEERS),
        target="other-submitted",
        kwargs=SUBMITTED,
        notes="nobody outside the group learns of a request not yet agreed",
    ),
    Cell("attendance-request-queue", "GET", by_role(404, **OVERSEERS)),
    Cell("attendance-request-briefings", "GET", by_role(404, group_leader=200, **OVERSEERS)),
    Cell(
        "attendance-request-refer",
        "POST",
        by_role(201, member=403, group_leader=403, auditor=403),
        body=refer_body,
        notes="an officer asked directly refers the request (A1)",
    ),
    Cell(
        "attendance-request-take-up-equivalent",
        "POST",
        by_role(404, group_leader=201, **SEE_ALL_BUT_NOT_PERMITTED),
        target="other",
        kwargs=APPROVED,
        body=take_up_body,
        notes="another group's leader takes it up (A3)",
    ),
    Cell(
        "attendance-request-take-up-equivalent",
        "POST",
        by_role(403, member=404),
        kwargs=APPROVED,
        body=take_up_body,
        notes="not one's own group's briefing (A3); only a group leader takes one up (A1)",
    ),
    Cell(
        "attendance-request-approve",
        "POST",
        by_role(403, member=404, chief_executive=200),
        kwargs=SUBMITTED,
        notes="only the acting Chief Executive decides (A2); a named officer refers, never decides (A1)",
    ),
    Cell(
        "attendance-request-approve",
        "POST",
        by_role(404, **{**SEE_ALL_BUT_NOT_PERMITTED, "chief_executive": 200}),
        target="other",
        kwargs=SUBMITTED,
    ),
    Cell(
        "attendance-request-refuse",
        "POST",
        by_role(403, member=404, chief_executive=200),
        kwargs=SUBMITTED,
        body=reason_body,
    ),
    Cell(
        "attendance-request-refuse",
        "POST",
        by_role(404, **{**SEE_ALL_BUT_NOT_PERMITTED, "chief_executive": 200}),
        target="other",
        kwargs=SUBMITTED,
        body=reason_body,
    ),
    Cell(
        "attendance-request-withdraw",
        "POST",
        by_role(403, member=404, group_leader=200),
        kwargs=SUBMITTED,
        body=reason_body,
        notes="the group withdraws its own request",
    ),
    Cell(
        "attendance-request-withdraw",
        "POST",
        by_role(404, **SEE_ALL_BUT_NOT_PERMITTED),
        target="other",
        kwargs=SUBMITTED,
        body=reason_body,
    ),
    Cell(
        "attendance-request-cancel",
        "POST",
        by_role(403, member=404, chief_executive=200),
        kwargs=APPROVED,
        body=reason_body,
        notes="only the acting Chief Executive calls off an agreed briefing (A2)",
    ),
    Cell(
        "attendance-request-cancel",
        "POST",
        by_role(404, **{**SEE_ALL_BUT_NOT_PERMITTED, "chief_executive": 200}),
        target="other",
        kwargs=APPROVED,
        body=reason_body,
    ),
    Cell(
        "attendance-request-amend-brief",
        "POST",
        by_role(403, member=404, group_leader=200),
        kwargs=SUBMITTED,
        body=amend_body,
        notes="the group amends its brief (A5)",
    ),
    Cell(
        "attendance-request-amend-brief",
        "POST",
        by_role(404, **SEE_ALL_BUT_NOT_PERMITTED),
        target="other",
        kwargs=SUBMITTED,
        body=amend_body,
    ),
    Cell(
        "attendance-request-respond",
        "POST",
        by_role(403, member=404, officer=200),
        kwargs=SUBMITTED,
        body=respond_body,
        notes="only the officers named answer (A4)",
    ),
    Cell(
        "attendance-request-respond",
        "POST",
        by_role(404, **SEE_ALL_BUT_NOT_PERMITTED),
        target="other",
        kwargs=SUBMITTED,
        body=respond_body,
    ),
    Cell(
        "attendance-request-attendance",
        "POST",
        by_role(403, member=404, officer=201),
        kwargs=PAST,
        body=attend_body,
        notes="only an invited officer attests or reports (A6, A13)",
    ),
    Cell(
        "attendance-request-attendance",
        "POST",
        by_role(404, **SEE_ALL_BUT_NOT_PERMITTED),
        target="other",
        kwargs=PAST,
        body=attend_body,
    ),
    Cell(
        "attendance-request-information",
        "POST",
        by_role(403, member=404, officer=201),
        kwargs=PAST,
        body=information_body,
        notes="only a named officer records information given (A10)",
    ),
    Cell(
        "attendance-request-information",
        "POST",
        by_role(404, **SEE_ALL_BUT_NOT_PERMITTED),
        target="other",
        kwargs=PAST,
        body=information_body,
    ),
    Cell(
        "attendance-request-close",
        "POST",
        by_role(403, member=404, group_leader=200, chief_executive=200),
        kwargs=PAST,
        body=reason_body,
        notes="the acting Chief Executive or the group closes the record",
    ),
    Cell(
        "attendance-request-close",
        "POST",
        by_role(404, **{**SEE_ALL_BUT_NOT_PERMITTED, "chief_executive": 200}),
        target="other",
        kwargs=PAST,
        body=reason_body,
    ),
    Cell("meeting-list", "GET", everyone_signed_in()),
    Cell("meeting-detail", "GET", by_role(200, member=404), kwargs=meeting_kwargs),
    Cell("meeting-detail", "GET", by_role(404, **OVERSEERS), target="other", kwargs=meeting_kwargs),
    Cell("attendance-information-detail", "GET", by_role(200, member=404), kwargs=information_kwargs),
    Cell("attendance-information-detail", "GET", by_role(404, **OVERSEERS), target="other", kwargs=information_kwargs),
    Cell(
        "attendance-information-likely-to-be-cited",
        "POST",
        by_role(403, member=404, officer=200, chief_executive=200, monitoring_officer=200),
        kwargs=information_kwargs,
        body=cited_body,
        notes="the officer who gave it, the acting Chief Executive or the Monitoring Officer (A10)",
    ),
    Cell(
        "attendance-information-likely-to-be-cited",
        "POST",
        by_role(404, chief_executive=200, monitoring_officer=200, auditor=403),
        target="other",
        kwargs=information_kwargs,
        body=cited_body,
    ),
    Cell("api-information-shared", "GET", by_role(404, group_leader=200, **OVERSEERS)),
    Cell(
        "api-attendance-parity",
        "GET",
        by_role(404, **OVERSEERS),
        body=period_query,
        notes="the parity report is for the overseers (A11)",
    ),
    Cell(
        "api-public-officer-attendance",
        "GET",
        everyone(),
        notes="the published register of officer attendance needs no sign-in",
    ),
]


# --- The audit history (C2) ---------------------------------------------------------------------
# The timeline is for auditors. A record's history is for auditors and whoever may see the record
# itself: a declaration's for those who read it in full (not the person it names); of records with
# no reader of their own (an organization here), auditors and the Monitoring Officer.


def declaration_history_kwargs(world, role, target):
    return {"record_type": "declaration", "record_id": _declaration(world, role, target, reviewed=True).pk}


def organization_history_kwargs(world, role, target):
    return {"record_type": "organization", "record_id": world.council.groups[1].organization.pk}


def _with_latest_change(kwargs: dict) -> dict:
    from register.selectors.audit import record_type

    kind = record_type(kwargs["record_type"])
    row = kind.history_model.objects.filter(**{kind.model._meta.pk.attname: kwargs["record_id"]}).latest("history_id")
    return {**kwargs, "history_id": row.history_id}


def declaration_proof_kwargs(world, role, target):
    return _with_latest_change(declaration_history_kwargs(world, role, target))


def organization_proof_kwargs(world, role, target):
    return _with_latest_change(organization_history_kwargs(world, role, target))


CELLS += [
    Cell("audit-timeline", "GET", by_role(404, auditor=200), notes="auditors read the whole timeline (C2)"),
    Cell(
        "api-access-log",
        "GET",
        by_role(404, monitoring_officer=200, auditor=200),
        notes="who opened which sensitive record: the Monitoring Officer and auditors (issue 20)",
    ),
    Cell(
        "audit-record-history",
        "GET",
        everyone_signed_in(),
        kwargs=declaration_history_kwargs,
        notes="the declarant reads their own declaration's history",
    ),
    Cell("audit-record-history", "GET", OVERSEERS_READ, target="other", kwargs=declaration_history_kwargs),
    Cell(
        "audit-record-history",
        "GET",
        everyone_signed_in(404),
        target="named",
        kwargs=declaration_history_kwargs,
        notes="the person a declaration names sees neither its description nor the advice, so not its history",
    ),
    Cell(
        "audit-record-history",
        "GET",
        by_role(404, monitoring_officer=200, auditor=200),
        target="organization",
        kwargs=organization_history_kwargs,
    ),
    # An inclusion proof of one change (issue 20): for exactly those who read the record's history.
    Cell(
        "audit-record-proof",
        "POST",
        everyone_signed_in(),
        kwargs=declaration_proof_kwargs,
        notes="the declarant gets a proof of their own declaration's change",
    ),
    Cell("audit-record-proof", "POST", OVERSEERS_READ, target="other", kwargs=declaration_proof_kwargs),
    Cell(
        "audit-record-proof",
        "POST",
        everyone_signed_in(404),
        target="named",
        kwargs=declaration_proof_kwargs,
        notes="the person a declaration names reads not its history, so gets no proof of it",
    ),
    Cell(
        "audit-record-proof",
        "POST",
        by_role(404, monitoring_officer=200, auditor=200),
        target="organization",
        kwargs=organization_proof_kwargs,
    ),
]

# Concerns (D1-D3, D6), complaints (D4) and the Standards Committee report (D5): rows kept beside.
from tests.integration import api_matrix_complaints, api_matrix_concerns, api_matrix_standards_report  # noqa: E402

CELLS += api_matrix_concerns.CELLS + api_matrix_complaints.CELLS + api_matrix_standards_report.CELLS

# Subject access (issue 21, item 3): rows kept beside.
from tests.integration import api_matrix_subject_access  # noqa: E402

CELLS += api_matrix_subject_access.CELLS
# Issue 21: retention and disposal.
from tests.integration import api_matrix_retention  # noqa: E402

CELLS += api_matrix_retention.CELLS
# Issue 22: correcting the published register (open data).
from tests.integration import api_matrix_open_data  # noqa: E402

CELLS += api_matrix_open_data.CELLS
# Issue 22's follow-up: the e-mails that did not arrive, and sending one again.
from tests.integration import api_matrix_deliveries  # noqa: E402

CELLS += api_matrix_deliveries.CELLS
