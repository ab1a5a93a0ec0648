"""Relationship declarations, rule by rule (B1-B6; B7 has its own module)."""

import datetime

import pytest
from django.core import mail

from register import selectors, workflow
from register.errors import InvalidTransition, NotFound, NotPermitted, RuleViolation
from register.models import Declaration, Notification
from register.models.declarations import DECLARATION_GUIDANCE, WHAT_DOES_NOT_COUNT
from register.services import declarations
from tests.integration.declaration_helpers import BEGAN, DESCRIPTION, declare, review

State = Declaration.State
Action = Declaration.Action


@pytest.fixture
def member(council):
    return council.groups[0].members[0]


@pytest.fixture
def officer(council):
    return council.directorates[0].officers[0]


# --- B1: addressed openly, by both sides -------------------------------------------------------


def test_a_member_declares_a_friendship_with_an_officer_and_it_is_kept_with_its_history_B1(council, member, officer):
    declaration = declare(member, officer)

    declaration.refresh_from_db()
    assert (declaration.declarant, declaration.other_person, declaration.kind) == (member, officer, "friendship")
    assert (declaration.began_on, declaration.ended_on, declaration.description) == (BEGAN, None, DESCRIPTION)
    assert declaration.state == State.SUBMITTED
    created = declaration.history.get()
    assert (created.history_type, created.history_user, created.history_change_reason) == (
        "+",
        member,
        "Declared in the register",
    )


def test_a_family_relationship_records_the_relation_B1(council, member, officer):
    declaration = declare(officer, member, kind=Declaration.Kind.FAMILY, family_relation="sister-in-law")
    assert declaration.kind_text == "Family (sister-in-law)"


def test_the_other_person_is_told_that_a_declaration_names_them_and_asked_to_make_their_own_B1(
    council, member, officer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        declaration = declare(member, officer)

    notices = Notification.objects.filter(recipient=officer, kind="declaration-names-you")
    assert {n.channel for n in notices} == {"in-app", "email"}
    email = next(m for m in mail.outbox if m.to == [officer.email])
    assert str(member) in email.subject
    assert "make your own declaration" in email.body
    assert "Assistant Director or Director" in email.body  # the officer's own route (B4)
    assert DESCRIPTION not in email.body  # the other person learns the kind, not the details
    assert notices.first().about == declaration


def test_when_the_other_side_declares_too_the_two_declarations_are_linked_B1(council, member, officer):
    first = declare(member, officer)
    second = declare(officer, member)

    first.refresh_from_db()
    assert second.counterpart == first
    assert first.counterpart == second
    assert first.history.latest().history_user == officer  # the link is part of the audit trail
    matched = Notification.objects.get(recipient=member, kind="declaration-names-you", channel="in-app")
    assert "matches yours" in matched.subject


def test_a_link_prefers_the_other_sides_declaration_of_the_same_kind_B1(council, member, officer):
    declare(member, officer, kind=Declaration.Kind.BUSINESS)
    friendship = declare(member, officer, kind=Declaration.Kind.FRIENDSHIP)
    reply = declare(officer, member, kind=Declaration.Kind.FRIENDSHIP)
    assert reply.counterpart == friendship


def test_withdrawing_a_declaration_made_in_error_undoes_the_link_so_the_other_side_can_relink_B1(
    council, member, officer
):
    mine = declare(member, officer)
    theirs = declare(officer, member)
    declarations.declaration_withdraw(actor=member, reason="Named the wrong officer", declaration=mine)

    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.state == State.WITHDRAWN
    assert mine.counterpart is None and theirs.counterpart is None
    again = declare(member, officer)
    theirs.refresh_from_db()
    assert again.counterpart == theirs and theirs.counterpart == again


def test_nothing_is_deleted_ended_and_withdrawn_are_states_B1(council, member, officer):
    ended = declare(member, officer)
    withdrawn = declare(member, officer, kind=Declaration.Kind.BUSINESS)
    declarations.declaration_end(
        actor=member, reason="We fell out", declaration=ended, ended_on=datetime.date(2025, 1, 1)
    )
    declarations.declaration_withdraw(actor=member, reason="Made in error", declaration=withdrawn)

    assert Declaration.objects.count() == 2
    assert dict(Declaration.objects.values_list("pk", "state")) == {ended.pk: "ended", withdrawn.pk: "withdrawn"}
    assert Declaration.objects.get(pk=ended.pk).ended_on == datetime.date(2025, 1, 1)
    assert not Declaration.history.filter(history_type="-").exists()


def test_ended_and_withdrawn_declarations_cannot_move_again_B1(council, member, officer):
    declaration = declare(member, officer)
    declarations.declaration_withdraw(actor=member, reason="Made in error", declaration=declaration)
    with pytest.raises(InvalidTransition) as refused:
        declarations.declaration_end(actor=member, reason="x", declaration=declaration, ended_on=BEGAN)
    assert refused.value.field == "state"
    assert "withdrawn" in refused.value.message
    after = workflow.states_after(workflow.DECLARATION)
    assert after["withdrawn"] == frozenset() and after["ended"] == frozenset()


# --- B2: what counts, said where people declare --------------------------------------------------


def test_the_guidance_says_social_media_alone_is_not_a_friendship_and_what_a_friendship_is_B2():
    assert "closer than being acquaintances or work colleagues" in DECLARATION_GUIDANCE
    assert "physical social interaction" in DECLARATION_GUIDANCE
    assert any("Facebook" in line and "not a friendship" in line for line in WHAT_DOES_NOT_COUNT)


def test_the_notice_to_the_other_person_carries_the_guidance_B2(council, member, officer):
    declare(officer, member)
    notice = Notification.objects.get(recipient=member, kind="declaration-names-you", channel="email")
    assert "Social media connections alone" in notice.body_text
    assert "physical social interaction" in notice.body_html


# --- B3: members go to the Monitoring Officer for advice -----------------------------------------


def test_a_members_declaration_goes_to_the_monitoring_officer_who_is_told_B3(council, member, officer):
    declaration = declare(member, officer)
    assert declaration.reviewer == council.monitoring_officer
    assert declaration.reviewer_capacity == "Monitoring Officer"
    notice = Notification.objects.get(
        recipient=council.monitoring_officer, kind="declaration-to-review", channel="email"
    )
    assert "(B3)" in notice.body_text
    assert DESCRIPTION not in notice.body_text  # details are read in the register, not sent by e-mail


def test_the_monitoring_officer_advises_and_agrees_action_and_the_member_acknowledges_B3(council, member, officer):
    declaration = declare(member, officer)
    review(declaration, advice="Declare it at formal and informal meetings the officer attends.")

    declaration.refresh_from_db()
    assert declaration.state == State.REVIEWED
    assert (declaration.reviewed_by, declaration.action_agreed) == (
        council.monitoring_officer,
        Action.DECLARE_AT_MEETINGS,
    )
    told = Notification.objects.get(recipient=member, kind="declaration-reviewed", channel="in-app")
    assert "Declare the interest at meetings" in told.body_text

    declarations.declaration_acknowledge(actor=member, reason="Read and understood", declaration=declaration)
    declaration.refresh_from_db()
    assert declaration.state == State.ACKNOWLEDGED and declaration.acknowledged_at is not None


def test_only_the_declarant_acknowledges_the_advice_B3(council, member, officer):
    declaration = review(declare(member, officer))
    with pytest.raises(NotPermitted) as refused:
        declarations.declaration_acknowledge(actor=council.monitoring_officer, reason="x", declaration=declaration)
    assert refused.value.field == "declarant"
    assert Declaration.objects.get(pk=declaration.pk).state == State.REVIEWED


def test_advice_cannot_be_acknowledged_before_it_is_given_B3(council, member, officer):
    declaration = declare(member, officer)
    with pytest.raises(InvalidTransition):
        declarations.declaration_acknowledge(actor=member, reason="x", declaration=declaration)


# --- B4: officers raise it with their Assistant Director or Director -----------------------------


def test_an_officers_declaration_goes_to_their_assistant_director_B4(council, member, officer):
    place = council.directorates[0]
    declaration = declare(officer, member)
    assert declaration.reviewer == place.assistant_director
    assert declaration.reviewer_capacity == "Assistant Director of Place"


def test_an_officer_may_raise_it_with_their_director_instead_B4(council, member, officer):
    place = council.directorates[0]
    declaration = declare(officer, member, reviewer=place.director)
    assert (declaration.reviewer, declaration.reviewer_capacity) == (place.director, "Director of Place")
    review(declaration, action=Action.CASEWORK_REALLOCATED, advice="Casework for that member goes to a colleague.")
    assert Declaration.objects.get(pk=declaration.pk).reviewed_by == place.director


# --- B5: close, or appearing close, must not impair impartiality ---------------------------------


def test_the_action_agreed_can_keep_the_officer_from_briefing_the_members_group_alone_B5(council, member, officer):
    declaration = review(
        declare(officer, member),
        action=Action.NO_SOLE_BRIEFING,
        advice="Another officer attends any briefing of that member's group with you.",
    )
    assert declaration.action_text == "The officer does not brief that member's group alone"


def test_an_other_action_must_be_described_and_the_description_is_the_action_agreed_B5(council, member, officer):
    declaration = declare(officer, member)
    declaration = review(declaration, action=Action.OTHER, action_detail="Not to sit on the member's ward panel")
    assert declaration.action_text == "Not to sit on the member's ward panel"


def test_revised_advice_needs_a_new_acknowledgement_B5(council, member, officer):
    declaration = review(declare(member, officer), action=Action.NO_ACTION, advice="Nothing needed for now.")
    declarations.declaration_acknowledge(actor=member, reason="Noted", declaration=declaration)
    review(declaration, action=Action.DECLARE_AT_MEETINGS, advice="Now that you chair the committee, declare it.")

    declaration.refresh_from_db()
    assert declaration.state == State.REVIEWED
    assert declaration.acknowledged_at is None
    assert Notification.objects.filter(recipient=member, kind="declaration-reviewed", channel="in-app").count() == 2


# --- B6: declare and resolve: ending, and the reviewer kept informed ----------------------------


def test_a_declaration_ends_when_the_relationship_ends_and_the_reviewer_is_told_B6(council, member, officer):
    declaration = declare(member, officer)
    ended_on = selectors.today() - datetime.timedelta(days=3)
    declarations.declaration_end(actor=member, reason="We no longer meet", declaration=declaration, ended_on=ended_on)

    declaration.refresh_from_db()
    assert (declaration.state, declaration.ended_on) == (State.ENDED, ended_on)
    assert Notification.objects.filter(recipient=council.monitoring_officer, kind="declaration-ended").exists()
    # Once ended, the same relationship can be declared afresh if it resumes.
    assert declare(member, officer).state == State.SUBMITTED


def test_a_withdrawal_tells_the_reviewer_and_the_other_person_B6(council, member, officer):
    declaration = declare(member, officer)
    declarations.declaration_withdraw(actor=member, reason="Made in error", declaration=declaration)
    told = set(
        Notification.objects.filter(kind="declaration-withdrawn", channel="in-app").values_list("recipient", flat=True)
    )
    assert told == {council.monitoring_officer.pk, officer.pk}


def test_when_the_reviewer_leaves_the_post_the_declaration_is_sent_to_the_new_holder_B4(council, member, officer):
    from register.models import Membership, Post
    from register.services import people
    from tests.factories import make_person

    place = council.directorates[0]
    declaration = declare(officer, member)
    holding = Membership.objects.get(person=place.assistant_director, post__role=Post.Role.ASSISTANT_DIRECTOR)
    people.membership_end(
        actor=council.system, reason="Left", membership=holding, end_date=selectors.today() - datetime.timedelta(days=1)
    )
    successor = make_person("officer")
    people.post_appoint(
        actor=council.system, reason="Appointed", person=successor, post=holding.post, start_date=selectors.today()
    )

    declarations.declaration_reroute(actor=officer, reason="My Assistant Director has left", declaration=declaration)
    declaration.refresh_from_db()
    assert declaration.reviewer == successor
    assert Notification.objects.filter(recipient=successor, kind="declaration-to-review").exists()
    # The former reviewer no longer sees it at all.
    with pytest.raises(NotFound):
        review(declaration, reviewer=place.assistant_director)


def test_only_the_declarant_or_the_monitoring_officer_reroutes_and_only_to_a_different_reviewer_B4(
    council, member, officer
):
    place = council.directorates[0]
    declaration = declare(officer, member)
    with pytest.raises(NotPermitted):
        declarations.declaration_reroute(actor=place.assistant_director, reason="x", declaration=declaration)
    with pytest.raises(RuleViolation) as refused:
        declarations.declaration_reroute(actor=officer, reason="x", declaration=declaration)
    assert refused.value.field == "reviewer" and "already goes to" in refused.value.message

    declarations.declaration_reroute(
        actor=council.monitoring_officer,
        reason="The Assistant Director is conflicted",
        declaration=declaration,
        reviewer=place.director,
    )
    declaration.refresh_from_db()
    assert (declaration.reviewer, declaration.reviewer_capacity) == (place.director, "Director of Place")
    assert declaration.history.latest().history_change_reason == "The Assistant Director is conflicted"
