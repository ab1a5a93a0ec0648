"""Who records, sees and acts on a Code of Conduct complaint (D4), without a database: a standing and a
complaint built in memory, and what each policy answers. DOMAIN.md, "Who sees what"."""

import datetime
from types import SimpleNamespace

import pytest

from register import policies
from register.models.people import Person, Post
from register.policies import Standing

Role = Post.Role
AT = datetime.datetime(2026, 3, 2, 10, 0, tzinfo=datetime.UTC)
ME, MEMBER_ID, IP, OTHER_IP = 10, 20, 30, 31


def standing(*roles, kind=Person.Kind.OFFICER, person=ME, active=True):
    return Standing(person_id=person, kind=kind, at=AT, on=AT.date(), is_active=active, roles=frozenset(roles))


def complaint(*, told=False, consulted=(IP,), awaited=(IP,)):
    return SimpleNamespace(
        member_id=MEMBER_ID,
        member_told_at=AT if told else None,
        consulted_person_ids=frozenset(consulted),
        view_awaited_from_ids=frozenset(awaited),
    )


MONITORING = standing(Role.MONITORING_OFFICER)
DEPUTY = standing(Role.DEPUTY_MONITORING_OFFICER)
AUDITOR = standing(Role.AUDITOR)
CHIEF = standing(Role.CHIEF_EXECUTIVE)
OFFICER = standing(Role.OFFICER)
LEADER = standing(Role.GROUP_LEADER, kind=Person.Kind.MEMBER)
THE_MEMBER = standing(kind=Person.Kind.MEMBER, person=MEMBER_ID)
CONSULTED_IP = standing(Role.INDEPENDENT_PERSON, kind=Person.Kind.INDEPENDENT, person=IP)
OTHER_IP_STANDING = standing(Role.INDEPENDENT_PERSON, kind=Person.Kind.INDEPENDENT, person=OTHER_IP)
MONITORING_OFFICER_COMPLAINED_ABOUT = standing(Role.MONITORING_OFFICER, person=MEMBER_ID)
NOBODY = policies.nobody(AT, AT.date())


@pytest.mark.parametrize(
    "who, expected",
    [
        (MONITORING, True),
        (DEPUTY, True),
        (standing(Role.MONITORING_OFFICER, active=False), False),
        (AUDITOR, False),
        (CHIEF, False),
        (CONSULTED_IP, False),
        (THE_MEMBER, False),
        (NOBODY, False),
    ],
)
def test_only_the_monitoring_officer_or_deputy_records_complaints_D4(who, expected):
    assert policies.records_complaints(who) is expected


@pytest.mark.parametrize(
    "who, record, expected",
    [
        (MONITORING, complaint(), True),
        (DEPUTY, complaint(), True),
        (AUDITOR, complaint(), True),
        (CONSULTED_IP, complaint(), True),
        (OTHER_IP_STANDING, complaint(), False),
        (THE_MEMBER, complaint(told=False), False),
        (THE_MEMBER, complaint(told=True), True),
        (MONITORING_OFFICER_COMPLAINED_ABOUT, complaint(told=False), False),
        (CHIEF, complaint(), False),
        (OFFICER, complaint(), False),
        (LEADER, complaint(), False),
        (NOBODY, complaint(), False),
    ],
)
def test_who_sees_a_complaint_D4(who, record, expected):
    """The Monitoring Officer and deputy, auditors, the Independent Person consulted; the member once told."""
    assert policies.sees_complaint(who, record) is expected


@pytest.mark.parametrize(
    "who, expected",
    [(MONITORING, True), (AUDITOR, True), (CONSULTED_IP, True), (THE_MEMBER, False), (OTHER_IP_STANDING, False)],
)
def test_the_member_told_reads_the_complaint_and_decision_but_not_its_handling_D4(who, expected):
    assert policies.sees_complaint_handling(who, complaint(told=True)) is expected


@pytest.mark.parametrize(
    "who, expected",
    [(MONITORING, True), (DEPUTY, False), (AUDITOR, False), (CONSULTED_IP, False), (THE_MEMBER, False)],
)
def test_the_complainants_contact_details_are_the_monitoring_officers_alone_D4(who, expected):
    assert policies.sees_complainant_contact(who, complaint(told=True)) is expected


@pytest.mark.parametrize(
    "who, record, expected",
    [
        (CONSULTED_IP, complaint(), True),
        (CONSULTED_IP, complaint(awaited=()), False),
        (OTHER_IP_STANDING, complaint(), False),
        (MONITORING, complaint(), False),
    ],
)
def test_only_the_independent_person_asked_gives_a_view_while_it_is_awaited_D4(who, record, expected):
    assert policies.gives_view_on(who, record) is expected


def test_an_independent_person_signs_in_with_a_second_factor_D4():
    assert policies.needs_two_factor(CONSULTED_IP)


@pytest.mark.parametrize(
    "who, sees_every_complaint, has_the_list",
    [
        (MONITORING, True, True),
        (DEPUTY, True, True),
        (AUDITOR, True, True),
        (CONSULTED_IP, False, True),
        (CHIEF, False, False),
        (OFFICER, False, False),
        (LEADER, False, False),
        (THE_MEMBER, False, False),
        (NOBODY, False, False),
    ],
)
def test_who_oversees_every_complaint_and_who_has_a_list_of_them_D4(who, sees_every_complaint, has_the_list):
    """The Monitoring Officer, deputy and auditors see every complaint (and which are linked); an
    Independent Person has a list too, of those they are consulted on; nobody else has either."""
    assert policies.oversees_complaints(who) is sees_every_complaint
    assert policies.has_complaints_list(who) is has_the_list
