"""Who sees a declaration (DOMAIN.md, "Who sees what"): the declarant, its reviewer, the Monitoring
Officer and auditors in full; the other person only that it names them and its kind; everyone
else finds nothing."""

import dataclasses

import pytest

from register import policies, selectors
from register.errors import NotFound
from register.models import Declaration
from register.selectors import declarations as reads
from tests.integration.declaration_helpers import declare, review


@pytest.fixture
def declaration(council):
    declaration = declare(council.directorates[0].officers[0], council.groups[0].members[0])
    return review(declaration, advice="Keep it professional at work; tell me if anything changes.")


def everyone(council):
    people = [
        council.chief_executive,
        council.deputy_chief_executive,
        council.monitoring_officer,
        council.deputy_monitoring_officer,
        council.auditor,
    ]
    people += [p for g in council.groups for p in (g.leader, g.deputy, *g.members)]
    people += [p for d in council.directorates for p in (d.director, d.assistant_director, *d.officers)]
    return people


def test_the_declarant_reviewer_monitoring_officer_and_auditors_see_it_in_full(council, declaration):
    place = council.directorates[0]
    full = {place.officers[0], place.assistant_director, council.monitoring_officer, council.auditor}
    for person in full:
        seen = reads.declaration_for(person, declaration.pk)
        assert isinstance(seen, Declaration), person
        assert seen.advice.startswith("Keep it professional")


def test_the_other_person_sees_that_it_names_them_and_its_kind_but_not_the_details_or_the_advice(council, declaration):
    member = council.groups[0].members[0]
    seen = reads.declaration_for(member, declaration.pk)

    assert isinstance(seen, reads.NamedDeclaration)
    assert (seen.declarant, seen.kind_text, seen.state_text) == (
        council.directorates[0].officers[0],
        "Friendship",
        "Current",
    )
    fields = {f.name for f in dataclasses.fields(seen)}
    assert not fields & {"description", "advice", "action_agreed", "action_detail", "reviewer", "began_on"}
    assert [d.id for d in reads.declarations_naming(member)] == [declaration.pk]
    assert not reads.declarations_visible_to(member).exists()


def test_everyone_else_gets_not_found_never_forbidden(council, declaration):
    place = council.directorates[0]
    insiders = {
        place.officers[0],
        place.assistant_director,
        council.monitoring_officer,
        council.auditor,
        council.groups[0].members[0],
    }
    outsiders = [p for p in everyone(council) if p not in insiders]
    assert (
        place.director in outsiders and council.chief_executive in outsiders and council.groups[0].leader in outsiders
    )
    for person in outsiders:
        with pytest.raises(NotFound):
            reads.declaration_for(person, declaration.pk)
        assert declaration not in reads.declarations_visible_to(person), person
    with pytest.raises(NotFound):
        reads.declaration_for(council.monitoring_officer, declaration.pk + 1000)


def test_a_monitoring_officer_named_in_a_declaration_sees_only_what_the_other_person_sees(council):
    about_them = declare(council.groups[0].members[0], council.monitoring_officer)
    assert isinstance(reads.declaration_for(council.monitoring_officer, about_them.pk), reads.NamedDeclaration)
    assert about_them not in reads.declarations_visible_to(council.monitoring_officer)
    assert isinstance(reads.declaration_for(council.deputy_monitoring_officer, about_them.pk), Declaration)


def test_the_policy_and_the_scoped_list_agree_for_everyone(council, declaration):
    declare(council.groups[1].members[0], council.directorates[1].officers[1])
    declare(council.monitoring_officer, council.groups[1].leader)
    declare(council.groups[1].deputy, council.auditor)  # names an overseer
    declare(council.groups[0].deputy, council.monitoring_officer)
    on = selectors.today()
    for person in everyone(council):
        listed = set(reads.declarations_visible_to(person, on=on).values_list("pk", flat=True))
        standing = selectors.standing_of(person, on=on)
        allowed = {d.pk for d in Declaration.objects.all() if policies.sees_declaration(standing, d)}
        assert listed == allowed, person


def test_the_reviewers_list_holds_what_was_routed_to_them_awaiting_review_first(council, declaration):
    place = council.directorates[0]
    newer = declare(place.officers[1], council.groups[1].members[1])
    assert list(reads.declarations_to_review(place.assistant_director)) == [newer, declaration]
    assert list(reads.declarations_to_review(place.assistant_director, pending_only=True)) == [newer]
    assert not reads.declarations_to_review(place.director).exists()


def test_a_withdrawn_declaration_still_shows_to_the_other_person_as_withdrawn(council, declaration):
    from register.services import declarations

    declarations.declaration_withdraw(actor=declaration.declarant, reason="Made in error", declaration=declaration)
    seen = reads.declaration_for(council.groups[0].members[0], declaration.pk)
    assert seen.state_text == "Withdrawn (made in error)"
