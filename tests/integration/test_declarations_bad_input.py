"""Bad input to declarations is refused with a message naming the field or rule, and nothing is half saved."""

import datetime

import pytest
from django.db import IntegrityError, transaction

from register import selectors, workflow
from register.errors import NotFound, NotPermitted, RuleViolation
from register.models import Declaration, Notification, Person
from register.services import declarations
from tests.factories import make_person
from tests.integration.declaration_helpers import BEGAN, declare, review, snapshot

Kind = Declaration.Kind


@pytest.fixture
def member(council):
    return council.groups[0].members[0]


@pytest.fixture
def officer(council):
    return council.directorates[0].officers[0]


def refused_and_nothing_saved(call, error=RuleViolation):
    before = snapshot(Declaration, Notification)
    with pytest.raises(error) as refused:
        call()
    assert snapshot(Declaration, Notification) == before
    return refused.value


def test_only_councillors_and_officers_declare_and_the_workflow_says_so_B1(council, member, officer):
    """Who may declare is the declaration workflow's DECLARE move (policies.declares): anyone else
    is refused as "you may not" (403, naming B1), the same answer the pages and the API give."""
    robot = make_person(Person.Kind.SYSTEM, username="register-robot")
    refusal = refused_and_nothing_saved(lambda: declare(robot, officer), error=NotPermitted)
    assert refusal.rule == "B1"
    assert "Only councillors and officers" in refusal.message
    assert not workflow.is_allowed(workflow.DECLARATION, workflow.DECLARE, None, selectors.standing_of(robot))


def test_someone_who_has_left_the_council_no_longer_declares_B1(council, member, officer):
    """The standing is of today: an officer whose employment has ended makes no new declaration."""
    officer.left_on = selectors.today() - datetime.timedelta(days=1)
    officer.save()
    refusal = refused_and_nothing_saved(lambda: declare(officer, member), error=NotPermitted)
    assert refusal.rule == "B1"


def test_declaring_about_oneself_is_refused_B1(council, member):
    refusal = refused_and_nothing_saved(lambda: declare(member, member))
    assert (refusal.field, refusal.rule) == ("other_person", "B1")
    assert "cannot name yourself" in refusal.message


def test_a_member_to_member_declaration_is_out_of_scope_and_says_why_B1(council, member):
    refusal = refused_and_nothing_saved(lambda: declare(member, council.groups[1].leader))
    assert (refusal.field, refusal.rule) == ("other_person", "B1")
    assert "between a councillor and an officer" in refusal.message
    assert "Members' Code of Conduct" in refusal.message


def test_an_officer_to_officer_declaration_is_out_of_scope_and_says_why_B1(council, officer):
    refusal = refused_and_nothing_saved(lambda: declare(officer, council.directorates[1].officers[0]))
    assert (refusal.field, refusal.rule) == ("other_person", "B1")
    assert "relationships at work" in refusal.message


def test_an_end_before_the_beginning_is_refused_and_the_declaration_stays_open(council, member, officer):
    declaration = declare(member, officer)
    refusal = refused_and_nothing_saved(
        lambda: declarations.declaration_end(
            actor=member, reason="Ended", declaration=declaration, ended_on=BEGAN - datetime.timedelta(days=1)
        )
    )
    assert refusal.field == "ended_on"
    assert "before it began" in refusal.message
    declaration.refresh_from_db()
    assert (declaration.state, declaration.ended_on) == ("submitted", None)


def test_an_end_in_the_future_is_refused(council, member, officer):
    declaration = declare(member, officer)
    refusal = refused_and_nothing_saved(
        lambda: declarations.declaration_end(
            actor=member,
            reason="Ended",
            declaration=declaration,
            ended_on=selectors.today() + datetime.timedelta(days=1),
        )
    )
    assert refusal.field == "ended_on"


def test_a_beginning_in_the_future_is_refused(council, member, officer):
    refusal = refused_and_nothing_saved(
        lambda: declare(member, officer, began_on=selectors.today() + datetime.timedelta(days=1))
    )
    assert refusal.field == "began_on"


def test_a_second_active_declaration_of_the_same_kind_about_the_same_person_is_refused_B1(council, member, officer):
    first = declare(member, officer)
    review(first)
    refusal = refused_and_nothing_saved(lambda: declare(member, officer))
    assert refusal.field == "kind"
    assert "already have a current declaration of friendship" in refusal.message
    # Another kind about the same person, or the same kind about someone else, is a new declaration.
    declare(member, officer, kind=Kind.BUSINESS)
    declare(member, council.directorates[1].officers[0])


def test_the_database_also_refuses_a_second_open_declaration_of_the_same_kind(council, member, officer):
    first = declare(member, officer)
    duplicate = Declaration(
        declarant=member,
        other_person=officer,
        kind=first.kind,
        began_on=BEGAN,
        description="x",
        reviewer=first.reviewer,
        reviewer_capacity="x",
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save()


def test_a_review_by_someone_who_is_not_the_reviewer_is_refused_naming_the_rule_B3(council, member, officer):
    declaration = declare(member, officer)
    # The auditor may read it, but does not review it.
    refusal = refused_and_nothing_saved(lambda: review(declaration, reviewer=council.auditor), error=NotPermitted)
    assert (refusal.rule, refusal.field) == ("B3", "reviewer")
    assert str(council.monitoring_officer) in refusal.message
    assert Declaration.objects.get(pk=declaration.pk).state == "submitted"


def test_an_officers_declaration_reviewed_by_the_other_reviewer_is_refused_naming_the_rule_B4(council, member, officer):
    declaration = declare(officer, member)  # to the Assistant Director
    refusal = refused_and_nothing_saved(
        lambda: review(declaration, reviewer=council.monitoring_officer), error=NotPermitted
    )
    assert (refusal.rule, refusal.field) == ("B4", "reviewer")


def test_the_declarant_cannot_review_their_own_declaration(council, member, officer):
    declaration = declare(member, officer)
    refused_and_nothing_saved(lambda: review(declaration, reviewer=member), error=NotPermitted)


def test_a_review_by_someone_who_cannot_see_the_declaration_is_not_found(council, member, officer):
    declaration = declare(member, officer)
    refusal = refused_and_nothing_saved(
        lambda: review(declaration, reviewer=council.directorates[1].director), error=NotFound
    )
    assert "no such declaration" in refusal.message


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"advice": "  "}, "advice"),
        ({"action": "declare-sometimes"}, "action_agreed"),
        ({"action": "other"}, "action_detail"),
        ({"action": "no-action", "action_detail": "Something"}, "action_detail"),
    ],
)
def test_a_review_without_advice_or_a_clear_action_is_refused(council, member, officer, changes, field):
    declaration = declare(member, officer)
    refusal = refused_and_nothing_saved(lambda: review(declaration, **changes))
    assert refusal.field == field


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"kind": "acquaintance"}, "kind"),
        ({"kind": Kind.FAMILY}, "family_relation"),
        ({"kind": Kind.FRIENDSHIP, "family_relation": "cousin"}, "family_relation"),
        ({"description": "   "}, "description"),
        ({"began_on": None}, "began_on"),
    ],
)
def test_a_declaration_with_missing_or_contradictory_details_is_refused(council, member, officer, changes, field):
    refusal = refused_and_nothing_saved(lambda: declare(member, officer, **changes))
    assert refusal.field == field


def test_a_declaration_about_someone_who_has_left_is_refused(council, member):
    former = make_person("officer")
    former.is_active = False
    former.save()
    refusal = refused_and_nothing_saved(lambda: declare(member, former))
    assert refusal.field == "other_person"


def test_only_the_declarant_ends_or_withdraws_a_declaration(council, member, officer):
    declaration = declare(member, officer)
    for service, extra in (
        (declarations.declaration_end, {"ended_on": BEGAN}),
        (declarations.declaration_withdraw, {}),
    ):
        refusal = refused_and_nothing_saved(
            lambda service=service, extra=extra: service(
                actor=council.monitoring_officer, reason="x", declaration=declaration, **extra
            ),
            error=NotPermitted,
        )
        assert refusal.field == "declarant"
        # The other person, who knows it exists, is refused too; everyone else does not find it.
        refused_and_nothing_saved(
            lambda service=service, extra=extra: service(actor=officer, reason="x", declaration=declaration, **extra),
            error=NotPermitted,
        )
        refused_and_nothing_saved(
            lambda service=service, extra=extra: service(
                actor=council.groups[1].leader, reason="x", declaration=declaration, **extra
            ),
            error=NotFound,
        )


def test_a_change_without_a_reason_is_refused_and_nothing_saved(council, member, officer):
    before = snapshot(Declaration, Notification)
    with pytest.raises(ValueError):
        declarations.declaration_submit(
            actor=member, reason=" ", other_person=officer, kind=Kind.FRIENDSHIP, began_on=BEGAN, description="x"
        )
    assert snapshot(Declaration, Notification) == before
