"""Every declaration page, the home page and the inbox cost the same number of queries at 5 and
at 50 rows: the selectors load what the page shows in one go."""

import datetime

import pytest
from django.db import transaction
from django.test import Client

from register.models import Notification, Person
from register.services.history import save_with_history
from register.services.notifications import notify
from register.services.system import system_user
from tests.factories import make_person
from tests.integration.declaration_helpers import declare, review

SIZES = [5, 50]
# Every signed-in page: the session; the person with their posts today (for the navigation), in one
# statement.
SIGNED_IN = 2


def signed_in(person) -> Client:
    client = Client()
    client.force_login(person)
    return client


def rows_shown(response) -> int:
    return response.content.decode().count('<tr class="govuk-table__row">') - 1  # less the header


def joined_long_ago(person):
    person.date_joined -= datetime.timedelta(days=60)
    save_with_history(person, actor=system_user(), reason="Test data: joined earlier", update_fields=["date_joined"])


@pytest.mark.parametrize("how_many", SIZES)
def test_your_declarations_page(council, how_many, django_assert_num_queries):
    member = council.groups[0].members[0]
    for number in range(how_many):
        declaration = declare(member, make_person(Person.Kind.OFFICER))
        if number % 2:
            review(declaration)
    client = signed_in(member)
    # The paginator's count, the page of declarations with both people and the reviewer, the confirmation.
    with django_assert_num_queries(SIGNED_IN + 3):
        response = client.get("/declarations/")
    assert rows_shown(response) == how_many


@pytest.mark.parametrize("how_many", SIZES)
def test_declarations_naming_you_page(council, how_many, django_assert_num_queries):
    member = council.groups[0].members[0]
    for _ in range(how_many):
        declare(make_person(Person.Kind.OFFICER), member)
    client = signed_in(member)
    with django_assert_num_queries(SIGNED_IN + 1):  # the declarations naming the viewer, with who declared
        response = client.get("/declarations/naming-you/")
    assert rows_shown(response) == how_many


@pytest.mark.parametrize("how_many", SIZES)
def test_the_review_list_page(council, how_many, django_assert_num_queries):
    officer = council.directorates[0].officers[0]
    for number in range(how_many):
        declaration = declare(make_person(Person.Kind.MEMBER), officer)
        if number % 2:
            review(declaration)
    client = signed_in(council.monitoring_officer)
    with django_assert_num_queries(SIGNED_IN + 2):  # the viewer's standing, the count, the page
        response = client.get("/declarations/to-review/")
    assert rows_shown(response) == how_many


@pytest.mark.parametrize("how_many", SIZES)
def test_every_declaration_page(council, how_many, django_assert_num_queries):
    officer = council.directorates[0].officers[0]
    for _ in range(how_many):
        declare(make_person(Person.Kind.MEMBER), officer)
    client = signed_in(council.auditor)
    # The viewer's standing (read once, for the policy and for the list's scope), the count, the page.
    with django_assert_num_queries(SIGNED_IN + 2):
        response = client.get("/declarations/all/")
    assert rows_shown(response) == how_many


@pytest.mark.parametrize("how_many", SIZES)
def test_the_non_confirmation_page(council, how_many, django_assert_num_queries):
    from register.services.declarations import declarations_nothing_to_declare

    for group in council.groups:
        for member in [group.leader, group.deputy, *group.members]:
            declarations_nothing_to_declare(actor=member, reason="Annual return")
    declarations_nothing_to_declare(actor=council.chief_executive, reason="Annual return")
    for _ in range(how_many):
        joined_long_ago(make_person(Person.Kind.MEMBER))
    client = signed_in(council.monitoring_officer)
    # The count, the page: the list's scope is from the viewer's standing (the Chief Executive of the day
    # within the list's statement).
    with django_assert_num_queries(SIGNED_IN + 2):
        response = client.get("/declarations/not-confirmed/")
    assert rows_shown(response) == how_many


@pytest.mark.parametrize("how_many", SIZES)
def test_the_declaration_page_itself_costs_the_same_whoever_looks(council, how_many, django_assert_num_queries):
    officer = council.directorates[0].officers[0]
    declarations = [review(declare(make_person(Person.Kind.MEMBER), officer)) for _ in range(how_many)]
    client = signed_in(council.monitoring_officer)
    # The declaration with its people and its counterpart; the read, in the access log (issue 20).
    with django_assert_num_queries(SIGNED_IN + 2):
        assert client.get(f"/declarations/{declarations[-1].pk}/").status_code == 200


@pytest.mark.parametrize("how_many", SIZES)
def test_the_home_page_with_things_needing_action(council, how_many, django_assert_num_queries):
    monitoring = council.monitoring_officer
    officer = council.directorates[0].officers[0]
    for _ in range(how_many):
        member = make_person(Person.Kind.MEMBER)
        joined_long_ago(member)
        declare(member, officer)
        review(declare(monitoring, make_person(Person.Kind.MEMBER)))  # advice for the Monitoring Officer to acknowledge
    with transaction.atomic():
        notices = notify(
            cause="query-test",
            kind="declarations-confirmation-due",
            recipients=[monitoring],
            about=monitoring,
            actor=None,
            channels=[Notification.Channel.IN_APP],
            context={"due_on": datetime.date(2026, 6, 1), "what_counts": [], "what_does_not_count": []},
        )
    client = signed_in(monitoring)
    # The acting Chief Executive (both posts' holders with any absence, one query), the declaration
    # counts in one query, the non-confirmation count (one statement, from the viewer's standing), the
    # unread count, the holdings; and, the Monitoring Officer being an officer, their
    # briefing invitations to answer and attendance to record, in one query (A4, A6); the concerns routed to them, in one query (D1-D3).
    with django_assert_num_queries(SIGNED_IN + 7):
        response = client.get("/")
    text = response.content.decode()
    assert f'govuk-tag--red">{how_many}</strong> <span class="govuk-body-s">awaiting your advice' in text
    assert f'govuk-tag--red">{how_many}</strong> <span class="govuk-body-s">on your declarations' in text
    assert f'govuk-tag--red">{how_many}</strong> <span class="govuk-body-s">past their due date' in text
    # Every unread in-app notice counts, the declarations' and the one above alike: written delivered (issue 22).
    unread = Notification.objects.filter(recipient=monitoring, channel=Notification.Channel.IN_APP, read_at=None)
    assert notices[0] in unread and unread.count() > how_many
    assert f'govuk-tag--red">{unread.count()}</strong> <span class="govuk-body-s">in your inbox' in text
