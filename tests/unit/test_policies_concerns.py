"""The concern policies (D1, D2, D3, D6; DOMAIN.md "Who sees what"), one table of cases each, without a
database: a standing and a concern built in memory, and what the policy answers."""

import datetime
from types import SimpleNamespace

import pytest

from register import policies
from register.models.people import Person, Post
from register.policies import Standing

Role = Post.Role
AT = datetime.datetime(2026, 3, 2, 10, 0, tzinfo=datetime.UTC)
RAISER, HANDLER, CONCERNED, SOMEONE = 10, 11, 12, 13


def standing(person_id, *roles, kind=Person.Kind.OFFICER, acting="", active=True):
    return Standing(
        person_id=person_id,
        kind=kind,
        at=AT,
        on=AT.date(),
        is_active=active,
        roles=frozenset(roles),
        acting_chief_executive=acting,
    )


def concern(*, rule="D1", told=False, withheld=False, concerned=CONCERNED):
    return SimpleNamespace(
        raised_by_id=RAISER,
        handler_id=HANDLER,
        concerned_person_id=concerned,
        concerned_person_told_at=AT if told else None,
        raiser_withheld=withheld,
        rule=rule,
        reaches_chief_executive=rule == "D6",
    )


RAISER_MEMBER = standing(RAISER, kind=Person.Kind.MEMBER)
THE_HANDLER = standing(HANDLER, Role.DIRECTOR)
THE_CONCERNED = standing(CONCERNED)
MONITORING = standing(SOMEONE, Role.MONITORING_OFFICER)
AUDITOR = standing(SOMEONE, Role.AUDITOR)
CHIEF = standing(SOMEONE, Role.CHIEF_EXECUTIVE, acting="Chief Executive")
DEPUTY_ACTING = standing(
    SOMEONE, Role.DEPUTY_CHIEF_EXECUTIVE, acting="Deputy Chief Executive, acting in the Chief Executive's absence"
)
DEPUTY_MONITORING = standing(SOMEONE, Role.DEPUTY_MONITORING_OFFICER)
OTHER_OFFICER = standing(SOMEONE)
OTHER_MEMBER = standing(SOMEONE, kind=Person.Kind.MEMBER)
MONITORING_CONCERNED = standing(CONCERNED, Role.MONITORING_OFFICER)
INDEPENDENT = standing(SOMEONE, Role.INDEPENDENT_PERSON, kind=Person.Kind.INDEPENDENT)
FORMER_OFFICER = standing(SOMEONE, active=False)


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        (RAISER_MEMBER, True),
        (OTHER_OFFICER, True),
        (INDEPENDENT, False),
        (FORMER_OFFICER, False),
        (standing(None, kind=Person.Kind.SYSTEM), False),
    ],
    ids=["councillor", "officer", "independent-person", "former-officer", "system"],
)
def test_councillors_and_officers_raise_concerns_D1_D2(who, expected):
    assert policies.raises_concern(who) is expected


@pytest.mark.parametrize(
    ("who", "record", "expected"),
    [
        (RAISER_MEMBER, concern(), True),
        (THE_HANDLER, concern(), True),
        (MONITORING, concern(), True),
        (AUDITOR, concern(), True),
        (CHIEF, concern(), False),
        (CHIEF, concern(rule="D6"), True),
        (DEPUTY_ACTING, concern(rule="D6"), True),
        (DEPUTY_ACTING, concern(), False),
        (DEPUTY_MONITORING, concern(), False),
        (OTHER_OFFICER, concern(), False),
        (OTHER_MEMBER, concern(rule="D6"), False),
        (THE_CONCERNED, concern(), False),
        (THE_CONCERNED, concern(told=True), True),
        (MONITORING_CONCERNED, concern(), False),
        (MONITORING_CONCERNED, concern(told=True), True),
        (INDEPENDENT, concern(), False),
    ],
    ids=[
        "raiser",
        "handler",
        "monitoring-officer",
        "auditor",
        "chief-executive-ordinary",
        "chief-executive-D6",
        "acting-deputy-D6",
        "acting-deputy-ordinary",
        "deputy-monitoring-officer-not-handling",
        "another-officer",
        "another-member-D6",
        "concerned-not-told",
        "concerned-told",
        "monitoring-officer-concerned-not-told",
        "monitoring-officer-concerned-told",
        "independent-person",
    ],
)
def test_who_sees_a_concern_D1_D2_D3_D6(who, record, expected):
    assert policies.sees_concern(who, record) is expected


@pytest.mark.parametrize(
    ("who", "record", "expected"),
    [
        (RAISER_MEMBER, concern(), True),
        (THE_HANDLER, concern(), True),
        (MONITORING, concern(), True),
        (THE_CONCERNED, concern(told=True), False),
        (MONITORING_CONCERNED, concern(told=True), False),
        (OTHER_OFFICER, concern(), False),
    ],
    ids=["raiser", "handler", "monitoring-officer", "concerned-told", "monitoring-officer-concerned", "stranger"],
)
def test_the_person_concerned_never_reads_the_handling_D1_D2(who, record, expected):
    assert policies.sees_concern_handling(who, record) is expected


@pytest.mark.parametrize(
    ("who", "record", "expected"),
    [
        (THE_HANDLER, concern(withheld=True), True),
        (MONITORING, concern(withheld=True), True),
        (THE_CONCERNED, concern(told=True, withheld=True), False),
        (THE_CONCERNED, concern(told=True), True),
        (THE_CONCERNED, concern(), False),
        (OTHER_OFFICER, concern(), False),
    ],
    ids=[
        "handler-always-knows",
        "monitoring-officer",
        "concerned-withheld",
        "concerned-not-withheld",
        "untold",
        "stranger",
    ],
)
def test_who_raised_it_is_withheld_from_the_person_concerned_when_asked_D1_D2(who, record, expected):
    assert policies.sees_who_raised_concern(who, record) is expected


@pytest.mark.parametrize(
    ("who", "handles", "withdraws"),
    [
        (THE_HANDLER, True, False),
        (RAISER_MEMBER, False, True),
        (MONITORING, False, False),
        (THE_CONCERNED, False, False),
    ],
    ids=["handler", "raiser", "monitoring-officer", "concerned"],
)
def test_only_the_handler_handles_and_only_the_raiser_withdraws_D1_D2_D3(who, handles, withdraws):
    assert policies.handles_concern(who, concern()) is handles
    assert policies.is_concern_raiser(who, concern()) is withdraws
