"""The reviewer's list, the other person's list and the non-confirmation list cost the same few
queries at 5 and at 50 declarations."""

import datetime

import pytest

from register import selectors
from register.models import Person
from register.selectors import declarations as reads
from register.services import declarations
from tests.factories import make_person
from tests.integration.declaration_helpers import declare, review

SIZES = [5, 50]


def directorate_officers(council):
    return [p for d in council.directorates for p in (d.director, d.assistant_director, *d.officers)]


def members(council):
    return [p for g in council.groups for p in (g.leader, g.deputy, *g.members)]


def read_everything(rows):
    """What a page shows of each row: both people, the reviewer, who advised, the link."""
    return [
        (
            str(d.declarant),
            str(d.other_person),
            str(d.reviewer),
            str(d.reviewed_by),
            d.counterpart_id,
            d.kind_text,
            d.action_text,
            d.get_state_display(),
        )
        for d in rows
    ]


@pytest.mark.parametrize("how_many", SIZES)
def test_the_monitoring_officers_review_list_costs_one_query(council, how_many, django_assert_num_queries):
    pairs = [(m, o) for m in members(council) for o in directorate_officers(council)][:how_many]
    for number, (member, officer) in enumerate(pairs):
        declaration = declare(member, officer)
        if number % 2:
            review(declaration)
    declare(pairs[0][1], pairs[0][0])  # the other side replies: the two are linked
    with django_assert_num_queries(1):
        rows = read_everything(reads.declarations_to_review(council.monitoring_officer))
    assert len(rows) == how_many


@pytest.mark.parametrize("how_many", SIZES)
def test_everything_the_monitoring_officer_may_read_costs_two_queries(council, how_many, django_assert_num_queries):
    pairs = [(o, m) for m in members(council) for o in directorate_officers(council)][:how_many]
    for number, (officer, member) in enumerate(pairs):
        declaration = declare(officer, member)
        if number % 2:
            review(declaration)
    with django_assert_num_queries(2):  # the Monitoring Officer's posts, then the list
        rows = read_everything(reads.declarations_visible_to(council.monitoring_officer))
    assert len(rows) == how_many


@pytest.mark.parametrize("how_many", SIZES)
def test_the_other_persons_list_costs_one_query(council, how_many, django_assert_num_queries):
    named = council.groups[0].leader
    officers = [*directorate_officers(council), *(make_person("officer") for _ in range(40))]
    for officer in officers[:how_many]:
        declare(officer, named)
    with django_assert_num_queries(1):
        rows = [(str(d.declarant), d.kind_text, d.state_text) for d in reads.declarations_naming(named)]
    assert len(rows) == how_many


@pytest.mark.parametrize("how_many", SIZES)
def test_the_monitoring_officers_non_confirmation_list_costs_two_queries(council, how_many, django_assert_num_queries):
    for member in members(council):
        declarations.declarations_nothing_to_declare(actor=member, reason="Annual return")
    officer = council.directorates[0].officers[0]
    for _ in range(how_many):
        declare(make_person(Person.Kind.MEMBER), officer)  # newcomers with a declaration, not yet confirmed
    on = selectors.today() + datetime.timedelta(days=29)
    # The viewer's posts, then the list (the Chief Executive of the day within it).
    with django_assert_num_queries(2):
        rows = [
            (str(p), reads.confirmation_due_on(p))
            for p in reads.confirmations_outstanding(council.monitoring_officer, on=on)
        ]
    assert len(rows) == how_many + 1  # and the Chief Executive, who has not confirmed either


@pytest.mark.parametrize("how_many", SIZES)
def test_a_directors_non_confirmation_list_costs_two_queries(council, how_many, django_assert_num_queries):
    place = council.directorates[0]
    member = council.groups[0].members[0]
    for _ in range(how_many):
        newcomer = make_person(Person.Kind.OFFICER)
        council.join(newcomer, place.organization)
        declare(newcomer, member)
    on = selectors.today() + datetime.timedelta(days=29)
    with django_assert_num_queries(2):  # the viewer's posts, the list
        rows = [(str(p), reads.confirmation_due_on(p)) for p in reads.confirmations_outstanding(place.director, on=on)]
    assert len(rows) == how_many + 1 + len(place.officers)  # the newcomers, the Assistant Director, the officers
