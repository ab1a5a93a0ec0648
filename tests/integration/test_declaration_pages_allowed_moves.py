"""The declaration pages offer each person exactly the moves the workflow allows them now
(``workflow.allowed_moves`` for their standing), and a link or button that is not shown, followed
anyway, is refused with the status its refusal maps to: 404 to whoever may not know the
declaration exists, 403 naming the rule to whoever may, 409 once its state forbids it (B1-B6)."""

import pytest

from register import selectors, workflow
from register.models import Declaration
from register.services import declarations
from tests.integration.declaration_helpers import declare, review
from tests.integration.page_actions import demo_roles, follow_not_shown, links_in, refusal_status, signed_in

DECLARATION = workflow.DECLARATION
State = Declaration.State

# Each action on a declaration's page: the address it leads or posts to, and its move.
DECLARATION_ACTIONS = {
    "review/": workflow.REVIEW,
    "acknowledge/": workflow.ACKNOWLEDGE,
    "end/": workflow.END,
    "withdraw/": workflow.WITHDRAW_DECLARATION,
}
POSTED_ONLY = {"acknowledge/"}


def declaration_in(council, state: str) -> Declaration:
    """A councillor's declaration of a friendship with the first officer of Place, routed to the
    Monitoring Officer (B3), brought to ``state`` through the services."""
    member = council.groups[0].members[0]
    declared = declare(member, council.directorates[0].officers[0])
    if state in (State.REVIEWED, State.ACKNOWLEDGED):
        review(declared)
    if state == State.ACKNOWLEDGED:
        declarations.declaration_acknowledge(actor=member, reason="Read", declaration=declared)
    if state == State.ENDED:
        declarations.declaration_end(actor=member, reason="Ended", declaration=declared, ended_on=selectors.today())
    if state == State.WITHDRAWN:
        declarations.declaration_withdraw(actor=member, reason="Made in error", declaration=declared)
    return Declaration.objects.select_related("declarant", "reviewer").get(pk=declared.pk)


@pytest.mark.parametrize("state", [State.SUBMITTED, State.REVIEWED, State.ACKNOWLEDGED, State.ENDED, State.WITHDRAWN])
def test_the_declaration_page_offers_each_role_exactly_the_moves_the_workflow_allows_B1_B3_B4(council, state):
    declaration = declaration_in(council, state)
    for role, person in demo_roles(council).items():
        client = signed_in(person)
        page = client.get(f"/declarations/{declaration.pk}/")
        assert page.status_code in (200, 404), role
        moves = set(workflow.allowed_moves(DECLARATION, declaration, selectors.standing_of(person)))
        links = links_in(page) if page.status_code == 200 else set()
        for suffix, move in DECLARATION_ACTIONS.items():
            address = f"/declarations/{declaration.pk}/{suffix}"
            shown = address in links
            assert shown == (move in moves), (state, role, suffix, moves)
            expected = {refusal_status(DECLARATION, move, declaration, person)}
            if suffix in POSTED_ONLY:
                if not shown:
                    assert client.post(address).status_code in expected, (state, role, suffix)
                    declaration.refresh_from_db()
                    assert declaration.state == state
            elif shown:
                assert client.get(address).status_code == 200, (state, role, suffix)
            else:
                follow_not_shown(client, address, expected, None)


def test_the_declaration_lists_offer_review_exactly_to_the_reviewer_the_workflow_names_B3_B4(council):
    """On the review list and on every declaration's list, "Review" (or "Revise your advice") is
    shown on a row exactly when the viewer may review it: to the reviewer it was routed to, never
    to the Monitoring Officer or an auditor reading someone else's."""
    place = council.directorates[0]
    member, officer = council.groups[0].members[0], place.officers[0]
    rows = [
        declare(member, officer),  # to the Monitoring Officer (B3)
        review(declare(council.groups[1].members[0], officer)),  # reviewed: advice may be revised
        declare(officer, council.groups[1].members[1]),  # to the officer's Assistant Director (B4)
        declare(council.groups[0].members[1], council.monitoring_officer),  # names the Monitoring Officer
    ]
    roles = demo_roles(council) | {"assistant director": place.assistant_director}
    lists = {
        "/declarations/to-review/": ["monitoring officer", "deputy monitoring officer", "assistant director"],
        "/declarations/all/": ["monitoring officer", "auditor"],
    }
    for address, readers in lists.items():
        for role in readers:
            person, client = roles[role], signed_in(roles[role])
            page = client.get(address)
            assert page.status_code == 200, (address, role)
            links = links_in(page)
            for declaration in rows:
                declaration = Declaration.objects.select_related("declarant", "reviewer").get(pk=declaration.pk)
                review_address = f"/declarations/{declaration.pk}/review/"
                may = workflow.is_allowed(DECLARATION, workflow.REVIEW, declaration, selectors.standing_of(person))
                assert (review_address in links) == may, (address, role, declaration.reviewer)
                if not may:
                    expected = {refusal_status(DECLARATION, workflow.REVIEW, declaration, person)}
                    follow_not_shown(client, review_address, expected, None)
