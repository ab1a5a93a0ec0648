"""The policies, one table of cases each, without a database: a standing and a record built in
memory, and what the policy answers. Each case names the rule it checks."""

import datetime
from types import SimpleNamespace

import pytest

from register import policies
from register.models.people import Person, Post
from register.policies import Standing

Role = Post.Role
AT = datetime.datetime(2026, 3, 2, 10, 0, tzinfo=datetime.UTC)
ON = AT.date()
GROUP, OTHER_GROUP = 1, 2
ME, SOMEONE = 10, 11


def standing(
    *roles, kind=Person.Kind.OFFICER, led=None, acting="", active=True, routed=False, notices=False, system=False
):
    return Standing(
        person_id=ME,
        kind=kind,
        at=AT,
        on=ON,
        is_active=active,
        roles=frozenset(roles),
        groups_led=led or {},
        acting_chief_executive=acting,
        declarations_routed_to_them=routed,
        manages_notices=notices,
        is_system=system,
    )


LEADER = standing(Role.GROUP_LEADER, kind=Person.Kind.MEMBER, led={GROUP: "Group leader"})
DEPUTY_LEADER = standing(
    Role.DEPUTY_GROUP_LEADER, kind=Person.Kind.MEMBER, led={GROUP: "Deputy group leader, on the leader's behalf"}
)
OTHER_LEADER = standing(Role.GROUP_LEADER, kind=Person.Kind.MEMBER, led={OTHER_GROUP: "Group leader"})
FORMER_LEADER = standing(kind=Person.Kind.MEMBER)  # led the group once; holds no post today
MEMBER = standing(kind=Person.Kind.MEMBER)
CHIEF = standing(Role.CHIEF_EXECUTIVE, acting="Chief Executive")
CHIEF_AWAY = standing(Role.CHIEF_EXECUTIVE)
DEPUTY_ACTING = standing(
    Role.DEPUTY_CHIEF_EXECUTIVE, acting="Deputy Chief Executive, acting in the Chief Executive's absence"
)
DEPUTY_NOT_ACTING = standing(Role.DEPUTY_CHIEF_EXECUTIVE)
MONITORING = standing(Role.MONITORING_OFFICER)
AUDITOR = standing(Role.AUDITOR)
OFFICER = standing(Role.OFFICER)
DIRECTOR = standing(Role.DIRECTOR)
SYSTEM = standing(kind=Person.Kind.SYSTEM, system=True)
DEMOCRATIC_SERVICES = standing(Role.DEMOCRATIC_SERVICES)
DEPUTY_MONITORING = standing(Role.DEPUTY_MONITORING_OFFICER)
FORMER_DEMOCRATIC_SERVICES = standing(Role.DEMOCRATIC_SERVICES, active=False)


def request(*, answers=None):
    return SimpleNamespace(group_id=GROUP, answers=answers or {})


NAMED = request(answers={ME: "invited"})
DECLINED = request(answers={ME: "declined"})
NOT_NAMED = request(answers={SOMEONE: "accepted"})


def cases(*rows):
    return pytest.mark.parametrize("rule, who, record, expected", rows, ids=[f"{r[0]}-{i}" for i, r in enumerate(rows)])


@cases(
    ("A1", LEADER, NOT_NAMED, True),
    ("A1", DEPUTY_LEADER, NOT_NAMED, True),
    ("A1", OTHER_LEADER, NOT_NAMED, False),
    ("A1", FORMER_LEADER, NOT_NAMED, False),
    ("A4", OFFICER, NAMED, True),
    ("A4", OFFICER, DECLINED, True),
    ("A4", OFFICER, NOT_NAMED, False),
    ("A2", CHIEF, NOT_NAMED, True),
    ("A2", DEPUTY_NOT_ACTING, NOT_NAMED, True),
    ("C2", MONITORING, NOT_NAMED, True),
    ("C2", AUDITOR, NOT_NAMED, True),
    ("A9", MEMBER, NOT_NAMED, False),
    ("A9", DIRECTOR, NOT_NAMED, False),
)
def test_sees_attendance_request(rule, who, record, expected):
    """A group's request is seen by that group's leader and deputy on the day, the named officers,
    the Chief Executive and Deputy, the Monitoring Officer and auditors; others learn only the facts."""
    assert policies.sees_attendance_request(who, record) is expected


@cases(
    ("A1", LEADER, NOT_NAMED, True),
    ("A1", DEPUTY_LEADER, NOT_NAMED, True),
    ("A1", OTHER_LEADER, NOT_NAMED, False),
    ("A1", FORMER_LEADER, NOT_NAMED, False),
    ("A2", CHIEF, NOT_NAMED, False),
)
def test_acts_for_requesting_group(rule, who, record, expected):
    """Only the group's leader or deputy on the day amends or withdraws its request (A1)."""
    assert policies.acts_for_requesting_group(who, record) is expected


@cases(
    ("A1", LEADER, None, True),
    ("A1", DEPUTY_LEADER, None, True),
    ("A1", MEMBER, None, False),
    ("A1", OFFICER, None, False),
    (
        "A1",
        standing(Role.GROUP_LEADER, kind=Person.Kind.MEMBER, led={GROUP: "Group leader"}, active=False),
        None,
        False,
    ),
)
def test_asks_for_briefings(rule, who, record, expected):
    """A group's leader, or deputy leader on their behalf, asks for officers to attend (A1)."""
    assert policies.asks_for_briefings(who, record) is expected


@cases(
    ("A1", OFFICER, None, True),
    ("A1", DIRECTOR, None, True),
    ("C2", AUDITOR, None, False),
    ("A1", MEMBER, None, False),
)
def test_refers_requests(rule, who, record, expected):
    """An officer asked directly refers the request; an auditor changes nothing (A1, C2)."""
    assert policies.refers_requests(who, record) is expected


@cases(
    ("A3", OTHER_LEADER, request(), True),
    ("A3", LEADER, request(), False),
    ("A3", MEMBER, request(), False),
    ("A3", OTHER_LEADER, None, False),
)
def test_takes_up_equivalent(rule, who, record, expected):
    """Another group's leader takes up an equivalent of an approved briefing (A3)."""
    assert policies.takes_up_equivalent(who, record) is expected


@cases(
    ("A2", CHIEF, None, True),
    ("A2", DEPUTY_ACTING, None, True),
    ("A2", CHIEF_AWAY, None, False),
    ("A2", DEPUTY_NOT_ACTING, None, False),
    ("A2", MONITORING, None, False),
    ("A2", LEADER, None, False),
)
def test_decides_attendance(rule, who, record, expected):
    """Only the acting Chief Executive decides: the Deputy only during a recorded absence (A2)."""
    assert policies.decides_attendance(who, record) is expected


@cases(
    ("A2", CHIEF, NOT_NAMED, True),
    ("A2", DEPUTY_ACTING, NOT_NAMED, True),
    ("A2", CHIEF_AWAY, NOT_NAMED, False),
    ("A2", DEPUTY_NOT_ACTING, NOT_NAMED, False),
    ("A8", MONITORING, NOT_NAMED, False),
    ("A8", DEMOCRATIC_SERVICES, NOT_NAMED, False),
    ("A8", LEADER, NOT_NAMED, False),
    ("A8", OFFICER, NAMED, False),
    ("C2", AUDITOR, NOT_NAMED, False),
)
def test_corrects_published_entry_A2_A8(rule, who, record, expected):
    """The Chief Executive's office corrects the published register: whoever acts as Chief Executive
    today (the Deputy only during a recorded absence), as for deciding attendance (A2, A8)."""
    assert policies.corrects_published_entry(who, record) is expected


@cases(
    ("A2", CHIEF, NOT_NAMED, True),
    ("A1", LEADER, NOT_NAMED, True),
    ("A1", OTHER_LEADER, NOT_NAMED, False),
    ("A2", MONITORING, NOT_NAMED, False),
)
def test_closes_attendance_record(rule, who, record, expected):
    """The acting Chief Executive or the requesting group closes the record after the meeting."""
    assert policies.closes_attendance_record(who, record) is expected


@cases(
    ("A6", OFFICER, NAMED, True),
    ("A4", OFFICER, DECLINED, False),
    ("A6", OFFICER, NOT_NAMED, False),
)
def test_is_attending_officer(rule, who, record, expected):
    """Only a named officer who has not declined records attendance or information (A4, A6)."""
    assert policies.is_attending_officer(who, record) is expected


@cases(
    ("A4", OFFICER, SimpleNamespace(officer_id=ME), True),
    ("A4", OFFICER, SimpleNamespace(officer_id=SOMEONE), False),
    ("A4", CHIEF, SimpleNamespace(officer_id=SOMEONE), False),
)
def test_answers_invitation(rule, who, record, expected):
    """Attendance is voluntary: only the officer invited accepts or declines (A4)."""
    assert policies.answers_invitation(who, record) is expected


@cases(
    ("A10", OFFICER, SimpleNamespace(provided_by_id=ME), True),
    ("A10", OFFICER, SimpleNamespace(provided_by_id=SOMEONE), False),
    ("A10", CHIEF, SimpleNamespace(provided_by_id=SOMEONE), True),
    ("A10", MONITORING, SimpleNamespace(provided_by_id=SOMEONE), True),
    ("A10", AUDITOR, SimpleNamespace(provided_by_id=SOMEONE), False),
)
def test_marks_information_likely_cited(rule, who, record, expected):
    """The officer who gave it, the acting Chief Executive or the Monitoring Officer (A10)."""
    assert policies.marks_information_likely_cited(who, record) is expected


def absence_from(role):
    return SimpleNamespace(post_id=1, post=SimpleNamespace(role=role))


CHIEF_EXECUTIVES_ABSENCE = absence_from(Role.CHIEF_EXECUTIVE)
MONITORING_OFFICERS_ABSENCE = absence_from(Role.MONITORING_OFFICER)
EARLIER_ABSENCE = SimpleNamespace(
    post_id=None, post=None
)  # recorded before absences named a post: the Chief Executive's


@cases(
    ("A2", CHIEF, CHIEF_EXECUTIVES_ABSENCE, True),
    ("A2", DEPUTY_NOT_ACTING, CHIEF_EXECUTIVES_ABSENCE, True),
    ("A2", DEPUTY_NOT_ACTING, EARLIER_ABSENCE, True),
    ("A2", MONITORING, CHIEF_EXECUTIVES_ABSENCE, False),
    ("A2", MONITORING, MONITORING_OFFICERS_ABSENCE, True),
    ("A2", DEPUTY_MONITORING, MONITORING_OFFICERS_ABSENCE, True),
    ("A2", CHIEF, MONITORING_OFFICERS_ABSENCE, False),
    ("A2", DEMOCRATIC_SERVICES, CHIEF_EXECUTIVES_ABSENCE, True),
    ("A2", DEMOCRATIC_SERVICES, MONITORING_OFFICERS_ABSENCE, True),
    ("A2", LEADER, CHIEF_EXECUTIVES_ABSENCE, False),
    ("A2", AUDITOR, CHIEF_EXECUTIVES_ABSENCE, False),
    ("A2", CHIEF, None, True),
    ("A2", MONITORING, None, False),
    ("A2", LEADER, None, False),
)
def test_records_absence(rule, who, record, expected):
    """A statutory officer or their deputy records the officer's absence; Democratic Services anyone's (A2)."""
    assert policies.records_absence(who, record) is expected


@cases(
    ("A1", DEMOCRATIC_SERVICES, None, True),
    ("A1", FORMER_DEMOCRATIC_SERVICES, None, False),
    ("A1", SYSTEM, None, True),
    ("A1", MONITORING, None, False),
    ("A1", CHIEF, None, False),
    ("A1", LEADER, None, False),
    ("A1", AUDITOR, None, False),
)
def test_keeps_people_records(rule, who, record, expected):
    """Only Democratic Services (and the register itself) keep the records of people and posts that access follows (A1)."""
    assert policies.keeps_people_records(who, record) is expected


@cases(
    ("C2", DEMOCRATIC_SERVICES, None, True),
    ("C2", MONITORING, None, True),
    ("C2", DEPUTY_MONITORING, None, True),
    ("C2", AUDITOR, None, True),
    ("C2", CHIEF, None, False),
    ("C2", LEADER, None, False),
    ("C2", OFFICER, None, False),
)
def test_reads_people_records(rule, who, record, expected):
    """Democratic Services, the Monitoring Officer and deputy and auditors read the records of people (C2)."""
    assert policies.reads_people_records(who, record) is expected


@cases(
    ("A1", LEADER, None, True),
    ("A1", DEPUTY_LEADER, None, True),
    ("A1", FORMER_LEADER, None, False),
    ("A1", MEMBER, None, False),
    ("A1", CHIEF, None, False),
)
def test_leads_a_group(rule, who, record, expected):
    """The group's pages are its leader's and deputy's on the day, not a former leader's (A1)."""
    assert policies.leads_a_group(who, record) is expected


@cases(
    ("A2", CHIEF, None, True),
    ("A2", CHIEF_AWAY, None, True),
    ("A2", DEPUTY_NOT_ACTING, None, True),
    ("A2", DEPUTY_ACTING, None, True),
    ("A2", MONITORING, None, False),
    ("A2", AUDITOR, None, False),
    ("A2", LEADER, None, False),
)
def test_holds_deciding_post(rule, who, record, expected):
    """The Chief Executive and the Deputy watch the decisions, whichever acts today (A2)."""
    assert policies.holds_deciding_post(who, record) is expected


@cases(
    ("A4", OFFICER, None, True),
    ("A4", DIRECTOR, None, True),
    ("A4", MONITORING, None, True),
    ("C2", AUDITOR, None, False),
    ("A4", MEMBER, None, False),
    ("A4", standing(Role.OFFICER, active=False), None, False),
)
def test_is_briefing_officer(rule, who, record, expected):
    """Officers may be asked to brief groups and answer for themselves; auditors change nothing (A4, C2)."""
    assert policies.is_briefing_officer(who, record) is expected


def declaration(*, declarant=SOMEONE, other=99, reviewer=98):
    return SimpleNamespace(declarant_id=declarant, other_person_id=other, reviewer_id=reviewer)


@cases(
    ("B1", OFFICER, declaration(declarant=ME), True),
    ("B4", DIRECTOR, declaration(reviewer=ME), True),
    ("B3", MONITORING, declaration(), True),
    ("C2", AUDITOR, declaration(), True),
    ("B1", MONITORING, declaration(other=ME), False),
    ("B1", OFFICER, declaration(other=ME), False),
    ("B1", LEADER, declaration(), False),
    ("B1", CHIEF, declaration(), False),
)
def test_sees_declaration(rule, who, record, expected):
    """The declarant, the reviewer, the Monitoring Officer and auditors see a declaration in full;
    the person it names, whatever their post, does not (B1, B3, B4, C2)."""
    assert policies.sees_declaration(who, record) is expected


@cases(
    ("B1", OFFICER, declaration(other=ME), True),
    ("B1", LEADER, declaration(), False),
)
def test_knows_of_declaration(rule, who, record, expected):
    """The other person learns that a declaration names them, and its kind (B1)."""
    assert policies.knows_of_declaration(who, record) is expected


@cases(
    ("B4", DIRECTOR, declaration(reviewer=ME), True),
    ("B3", MONITORING, declaration(), False),
)
def test_reviews_declaration(rule, who, record, expected):
    """Only the reviewer a declaration was routed to gives advice (B3, B4)."""
    assert policies.reviews_declaration(who, record) is expected


@cases(
    ("B1", OFFICER, declaration(declarant=ME), True),
    ("B3", MONITORING, declaration(), True),
    ("B1", MONITORING, declaration(other=ME), False),
    ("B4", DIRECTOR, declaration(reviewer=ME), False),
)
def test_reroutes_declaration(rule, who, record, expected):
    """The declarant or the Monitoring Officer sends a declaration to today's reviewer (B3, B4)."""
    assert policies.reroutes_declaration(who, record) is expected


@cases(
    ("B1", MEMBER, None, True),
    ("B1", OFFICER, None, True),
    ("B1", SYSTEM, None, False),
    ("B1", standing(kind=Person.Kind.MEMBER, active=False), None, False),
)
def test_declares(rule, who, record, expected):
    """Current councillors and officers declare relationships and re-confirm them (B1, B6)."""
    assert policies.declares(who, record) is expected


@cases(
    ("B4", DIRECTOR, None, True),
    ("B3", MONITORING, None, True),
    ("B4", standing(routed=True), None, True),
    ("B4", OFFICER, None, False),
)
def test_has_declarations_to_review(rule, who, record, expected):
    """Reviewing posts, and anyone a declaration is still routed to, have a list to review (B3, B4)."""
    assert policies.has_declarations_to_review(who, record) is expected


@cases(
    ("B6", MONITORING, None, True),
    ("B6", DIRECTOR, None, True),
    ("B6", AUDITOR, None, True),
    ("B6", OFFICER, None, False),
)
def test_watches_confirmations(rule, who, record, expected):
    """Who sees who has not re-confirmed their declarations (B6)."""
    assert policies.watches_confirmations(who, record) is expected


@cases(
    ("C2", AUDITOR, None, True),
    ("C2", MONITORING, None, False),
    ("C2", CHIEF, None, False),
)
def test_reads_all_history(rule, who, record, expected):
    """Only auditors read the whole timeline (C2)."""
    assert policies.reads_all_history(who, record) is expected


@cases(
    ("C2", AUDITOR, None, True),
    ("C2", MONITORING, None, True),
    ("C2", DEPUTY_MONITORING, None, False),
    ("C2", CHIEF, None, False),
    ("C2", LEADER, None, False),
    ("C2", OFFICER, None, False),
    ("C2", DEMOCRATIC_SERVICES, None, False),
)
def test_reads_access_log(rule, who, record, expected):
    """Who opened which sensitive record is read by the Monitoring Officer and auditors alone (C2, issue 20)."""
    assert policies.reads_access_log(who, record) is expected


@cases(
    ("C1", standing(notices=True), None, True),
    ("C2", standing(Role.AUDITOR, notices=True), None, False),
    ("C1", OFFICER, None, False),
)
def test_manages_notices(rule, who, record, expected):
    """Administrators retry failed notices; auditors change nothing (C1, C2)."""
    assert policies.manages_notices(who, record) is expected


@cases(
    ("C1", DEMOCRATIC_SERVICES, None, True),
    ("C1", standing(notices=True), None, True),
    ("C1", FORMER_DEMOCRATIC_SERVICES, None, False),
    ("C2", standing(Role.AUDITOR, Role.DEMOCRATIC_SERVICES), None, False),
    ("C1", LEADER, None, False),
    ("C1", OFFICER, None, False),
    ("C1", CHIEF, None, False),
)
def test_looks_after_deliveries(rule, who, record, expected):
    """Democratic Services and the register's administrators see the e-mails that did not arrive and send
    them again; auditors change nothing (C1, C2)."""
    assert policies.looks_after_deliveries(who, record) is expected


def an_email(receipt="", *, channel="email", sends=1):
    return SimpleNamespace(channel=channel, receipt=receipt, sends=sends)


@pytest.mark.parametrize(
    ("notice", "refused"),
    [
        (an_email("permanent-failure"), False),
        (an_email("temporary-failure"), False),
        (an_email("technical-failure", sends=2), False),
        (an_email("delivered"), True),
        (an_email(""), True),
        (an_email("", channel="in-app"), True),
    ],
)
def test_only_an_email_whose_receipt_says_it_failed_is_sent_again_C1(notice, refused):
    assert bool(policies.receipt_says_not_delivered(OFFICER, notice)) is refused


@pytest.mark.parametrize(
    ("notice", "refused"),
    [
        (an_email("technical-failure"), False),
        (an_email("technical-failure", sends=2), True),
        (an_email("temporary-failure"), True),
        (an_email("permanent-failure"), True),
    ],
)
def test_the_register_sends_again_by_itself_once_after_a_technical_failure_C1(notice, refused):
    assert bool(policies.first_send_failed_technically(SYSTEM, notice)) is refused


@cases(
    ("C1", SYSTEM, None, True),
    ("C1", CHIEF, None, False),
)
def test_is_system(rule, who, record, expected):
    """Moves on a timer or an event are the register's own (C1)."""
    assert policies.is_system(who, record) is expected


@pytest.mark.parametrize(
    "policy, record",
    [
        (policies.is_attending_officer, NAMED),
        (policies.answers_invitation, SimpleNamespace(officer_id=ME)),
        (policies.marks_information_likely_cited, SimpleNamespace(provided_by_id=ME)),
        (policies.refers_requests, None),
        (policies.is_briefing_officer, None),
    ],
    ids=lambda value: getattr(value, "__name__", ""),
)
def test_an_auditor_named_as_an_officer_still_changes_nothing_C2(policy, record):
    assert policy(OFFICER, record) is True
    assert policy(AUDITOR, record) is False
