"""The policies the declaration pages and the API share: who has a review list and who oversees
re-confirmation agree with the selectors that fill those lists."""

import datetime

from django.test import Client

from register import policies, selectors
from register.models import Membership, Post
from register.selectors import declarations as reads
from register.selectors.declarations import confirmations
from register.services import people
from register.services.system import system_user
from tests.integration.declaration_helpers import declare


def everyone(council):
    people_ = [
        council.chief_executive,
        council.deputy_chief_executive,
        council.monitoring_officer,
        council.deputy_monitoring_officer,
        council.auditor,
    ]
    people_ += [p for g in council.groups for p in (g.leader, g.deputy, *g.members)]
    people_ += [p for d in council.directorates for p in (d.director, d.assistant_director, *d.officers)]
    return people_


def test_who_watches_re_confirmation_is_exactly_who_has_a_non_confirmation_list_B6(council):
    on = selectors.today()
    for person in everyone(council):
        scoped = confirmations._confirmation_oversight(person, on) is not None
        assert policies.watches_confirmations(selectors.standing_of(person, on=on)) == scoped, person


def test_everyone_a_declaration_can_be_routed_to_holds_a_reviewing_post_B3_B4(council):
    on = selectors.today()
    declarers = [
        council.groups[0].members[0],
        council.directorates[0].officers[0],
        council.directorates[0].director,
        council.chief_executive,
        council.monitoring_officer,
        council.auditor,
    ]
    other = {True: council.directorates[1].officers[0], False: council.groups[1].members[0]}
    for declarant in declarers:
        for route in reads.declaration_routes(declarant, other[declarant.is_member], on):
            assert policies.has_declarations_to_review(selectors.standing_of(route.person, on=on)), (
                declarant,
                route.person,
            )
    assert not policies.has_declarations_to_review(selectors.standing_of(council.auditor, on=on))
    assert not policies.has_declarations_to_review(selectors.standing_of(council.groups[0].leader, on=on))


def test_a_reviewer_who_left_the_post_keeps_the_list_until_the_declaration_is_sent_on_B4(council):
    place = council.directorates[0]
    declaration = declare(place.officers[0], council.groups[0].members[0])
    assert declaration.reviewer == place.assistant_director
    holding = Membership.objects.get(person=place.assistant_director, post__role=Post.Role.ASSISTANT_DIRECTOR)
    yesterday = selectors.today() - datetime.timedelta(days=1)
    people.membership_end(actor=system_user(), reason="Left the council", membership=holding, end_date=yesterday)

    client = Client()
    client.force_login(place.assistant_director)
    assert policies.has_declarations_to_review(selectors.standing_of(place.assistant_director))
    assert f"/declarations/{declaration.pk}/review/" in client.get("/declarations/to-review/").content.decode()
