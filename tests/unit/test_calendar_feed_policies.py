"""Which calendar feeds apply to whom (issue 22): officers have their briefings, group leaders and
deputies their group's while they hold the post, the Chief Executive and Deputy the decisions due,
which the Deputy reads only while acting in a recorded absence (A2). Nobody who has left has any."""

import datetime

import pytest

from register.models.people import Person, Post
from register.policies import Standing
from register.policies.calendar_feeds import calendar_feed_kinds, reads_decisions_due

Role = Post.Role
NOW = datetime.datetime(2027, 3, 15, 9, tzinfo=datetime.UTC)


def standing(kind=Person.Kind.OFFICER, **fields) -> Standing:
    return Standing(person_id=1, kind=kind, at=NOW, on=NOW.date(), **fields)


@pytest.mark.parametrize(
    ("who", "kinds"),
    [
        (standing(), ("briefings",)),
        (standing(Person.Kind.MEMBER), ()),
        (standing(Person.Kind.MEMBER, groups_led={7: "Group leader"}), ("group-briefings",)),
        (standing(roles=frozenset({Role.CHIEF_EXECUTIVE})), ("briefings", "decisions-due")),
        (standing(roles=frozenset({Role.DEPUTY_CHIEF_EXECUTIVE})), ("briefings", "decisions-due")),
        (standing(is_active=False), ()),
        (standing(Person.Kind.MEMBER, groups_led={7: "Group leader"}, is_active=False), ()),
    ],
    ids=["officer", "councillor", "group leader", "chief executive", "deputy", "officer who left", "leader who left"],
)
def test_the_feeds_that_apply_follow_the_posts_held_on_the_day(who, kinds):
    assert calendar_feed_kinds(who) == kinds


def test_the_deputy_reads_decisions_due_only_while_acting_as_chief_executive_A2():
    deputy = standing(roles=frozenset({Role.DEPUTY_CHIEF_EXECUTIVE}))
    assert not reads_decisions_due(deputy)
    acting = standing(
        roles=frozenset({Role.DEPUTY_CHIEF_EXECUTIVE}),
        acting_chief_executive="Deputy Chief Executive, acting in the Chief Executive's absence",
    )
    assert reads_decisions_due(acting)
