"""Who reviews a declaration (B3, B4), worked out from the posts held on the day, and each edge case.

A reviewer is never the declarant or the other person.
"""

import datetime

import pytest

from register import selectors
from register.errors import RuleViolation
from register.models import Declaration, Membership, Notification, Post
from register.selectors.declarations import declaration_routes
from register.services import people
from tests.factories import make_person
from tests.integration.declaration_helpers import declare, snapshot

Role = Post.Role


@pytest.fixture
def today():
    return selectors.today()


def vacate(council, role, organization=None):
    """End the holding of ``role`` yesterday, so that the post is vacant today."""
    holdings = Membership.objects.filter(post__role=role, end_date__isnull=True)
    if organization is not None:
        holdings = holdings.filter(organization=organization)
    holding = holdings.get()
    people.membership_end(
        actor=council.system,
        reason="Left the post",
        membership=holding,
        end_date=selectors.today() - datetime.timedelta(days=1),
    )


def routed(declarant, other, on):
    return [(route.person, route.capacity, route.rule) for route in declaration_routes(declarant, other, on)]


def test_a_members_declaration_goes_to_the_monitoring_officer_only_B3(council, today):
    member, officer = council.groups[1].members[0], council.directorates[1].officers[2]
    assert routed(member, officer, today) == [(council.monitoring_officer, "Monitoring Officer", "B3")]


def test_a_members_declaration_naming_the_monitoring_officer_goes_to_the_deputy_B3(council, today):
    member = council.groups[0].members[1]
    declaration = declare(member, council.monitoring_officer)
    assert declaration.reviewer == council.deputy_monitoring_officer
    assert declaration.reviewer_capacity == "Deputy Monitoring Officer, for the Monitoring Officer"
    assert not Notification.objects.filter(recipient=council.monitoring_officer, kind="declaration-to-review").exists()


def test_a_members_declaration_naming_the_monitoring_officer_with_no_deputy_goes_to_the_chief_executive_B3(
    council, today
):
    vacate(council, Role.DEPUTY_MONITORING_OFFICER)
    declaration = declare(council.groups[0].members[1], council.monitoring_officer)
    assert declaration.reviewer == council.chief_executive
    assert declaration.reviewer_capacity == "Chief Executive, for the Monitoring Officer"


def test_while_the_monitoring_officer_post_is_vacant_members_declarations_go_to_the_deputy_B3(council, today):
    vacate(council, Role.MONITORING_OFFICER)
    member, officer = council.groups[0].members[0], council.directorates[0].officers[0]
    assert [r.person for r in declaration_routes(member, officer, today)] == [council.deputy_monitoring_officer]


def test_an_officers_declaration_goes_to_their_assistant_director_or_director_B4(council, today):
    place = council.directorates[0]
    member = council.groups[0].members[0]
    assert routed(place.officers[1], member, today) == [
        (place.assistant_director, "Assistant Director of Place", "B4"),
        (place.director, "Director of Place", "B4"),
    ]


def test_an_assistant_directors_own_declaration_goes_to_their_director_never_themselves_B4(council, today):
    resources = council.directorates[1]
    declaration = declare(resources.assistant_director, council.groups[1].leader)
    assert declaration.reviewer == resources.director
    assert [r.person for r in declaration_routes(resources.assistant_director, council.groups[1].leader, today)] == [
        resources.director
    ]


def test_a_directors_declaration_goes_to_the_chief_executive_B4(council, today):
    director = council.directorates[0].director
    declaration = declare(director, council.groups[0].leader)
    assert (declaration.reviewer, declaration.reviewer_capacity) == (council.chief_executive, "Chief Executive")


def test_the_chief_executives_declaration_goes_to_the_monitoring_officer_B4(council, today):
    declaration = declare(council.chief_executive, council.groups[0].leader)
    assert (declaration.reviewer, declaration.reviewer_capacity) == (council.monitoring_officer, "Monitoring Officer")


def test_the_monitoring_officers_own_declaration_goes_to_the_deputy_or_the_chief_executive_B4(council, today):
    member = council.groups[1].leader
    assert [r.person for r in declaration_routes(council.monitoring_officer, member, today)] == [
        council.deputy_monitoring_officer,
        council.chief_executive,
    ]
    by_default = declare(council.monitoring_officer, member)
    assert by_default.reviewer == council.deputy_monitoring_officer
    assert (
        by_default.reviewer_capacity == "Deputy Monitoring Officer, reviewing the Monitoring Officer's own declaration"
    )
    chosen = declare(
        council.monitoring_officer, member, kind=Declaration.Kind.BUSINESS, reviewer=council.chief_executive
    )
    assert chosen.reviewer == council.chief_executive
    assert chosen.reviewer_capacity == "Chief Executive, reviewing the Monitoring Officer's own declaration"


def test_the_monitoring_officers_own_declaration_with_no_deputy_goes_to_the_chief_executive_B4(council, today):
    vacate(council, Role.DEPUTY_MONITORING_OFFICER)
    assert declare(council.monitoring_officer, council.groups[0].members[2]).reviewer == council.chief_executive


def test_an_officer_whose_assistant_director_and_director_posts_are_vacant_goes_to_the_chief_executive_B4(
    council, today
):
    place = council.directorates[0]
    vacate(council, Role.ASSISTANT_DIRECTOR, place.organization)
    vacate(council, Role.DIRECTOR, place.organization)
    declaration = declare(place.officers[0], council.groups[0].members[0])
    assert declaration.reviewer == council.chief_executive


def test_routing_follows_the_posts_held_on_the_day_B4(council):
    place, resources = council.directorates
    mover, member = place.officers[0], council.groups[0].members[0]
    placement = Membership.objects.get(person=mover, post__isnull=True)
    people.membership_end(
        actor=council.system, reason="Transfer", membership=placement, end_date=datetime.date(2026, 1, 31)
    )
    council.join(mover, resources.organization, start_date=datetime.date(2026, 2, 1))

    assert declaration_routes(mover, member, datetime.date(2026, 1, 31))[0].person == place.assistant_director
    assert declaration_routes(mover, member, datetime.date(2026, 2, 1))[0].person == resources.assistant_director


def test_an_officer_cannot_send_it_to_someone_who_is_not_their_reviewer_B4(council):
    place, resources = council.directorates
    before = snapshot(Declaration, Notification)
    with pytest.raises(RuleViolation) as refused:
        declare(place.officers[0], council.groups[0].members[0], reviewer=resources.director)
    assert (refused.value.rule, refused.value.field) == ("B4", "reviewer")
    assert str(place.assistant_director) in refused.value.message and str(place.director) in refused.value.message
    assert snapshot(Declaration, Notification) == before


def test_a_member_cannot_choose_a_reviewer_other_than_the_monitoring_officer_B3(council):
    before = snapshot(Declaration, Notification)
    with pytest.raises(RuleViolation) as refused:
        declare(council.groups[0].members[0], council.directorates[0].officers[0], reviewer=council.chief_executive)
    assert (refused.value.rule, refused.value.field) == ("B3", "reviewer")
    assert snapshot(Declaration, Notification) == before


def test_with_nobody_to_review_it_a_declaration_is_refused_and_nothing_saved_B3(council):
    for role in (Role.MONITORING_OFFICER, Role.DEPUTY_MONITORING_OFFICER, Role.CHIEF_EXECUTIVE):
        vacate(council, role)
    before = snapshot(Declaration, Notification)
    with pytest.raises(RuleViolation) as refused:
        declare(council.groups[0].members[0], council.directorates[0].officers[0])
    assert (refused.value.rule, refused.value.field) == ("B3", "reviewer")
    assert "Nobody holds a post" in refused.value.message
    assert snapshot(Declaration, Notification) == before


def test_a_reviewer_is_never_the_declarant_or_the_other_person_whoever_declares_B3_B4(council, today):
    """Every member/officer pair of the council, both ways round."""
    members = [p for group in council.groups for p in (group.leader, group.deputy, *group.members)]
    officers = [
        council.chief_executive,
        council.deputy_chief_executive,
        council.monitoring_officer,
        council.deputy_monitoring_officer,
        council.auditor,
    ]
    officers += [p for d in council.directorates for p in (d.director, d.assistant_director, *d.officers)]
    newcomer = make_person("officer")  # an officer in no directorate
    officers.append(newcomer)
    for member in members:
        for officer in officers:
            for declarant, other in ((member, officer), (officer, member)):
                routes = declaration_routes(declarant, other, today)
                assert routes, (declarant, other)
                assert not {r.person.pk for r in routes} & {declarant.pk, other.pk}, (declarant, other)
