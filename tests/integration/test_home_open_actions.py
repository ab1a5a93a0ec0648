"""Issue 16, points 3 and 9 (signed in): the home page puts the reader's open actions first, each
with its count and earliest due date, hides the lists where nothing waits among "Nothing waiting",
offers one main action chosen by the reader's standing, shows a leader the briefings other groups
were agreed that their group may also have (A3, A8), and costs the same queries at 1 and at 20 items."""

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from register import selectors
from register.models import Person
from register.services import people
from tests.factories import approved_request, make_person, submit_request
from tests.integration.declaration_helpers import declare


def signed_in(person) -> Client:
    client = Client()
    client.force_login(person)
    return client


def home(person) -> str:
    response = signed_in(person).get("/")
    assert response.status_code == 200
    return response.content.decode()


def open_actions(html: str) -> list[tuple[str, int, str]]:
    """(label, count, when) of each open action, in the order shown."""
    if 'id="needs-your-action"' not in html:
        return []
    section = html[html.index('id="needs-your-action"') : html.index("</dl>", html.index('id="needs-your-action"'))]
    rows = re.findall(
        r'govuk-summary-list__key">([^<]+)</dt>\s*<dd class="govuk-summary-list__value">'
        r'<strong class="govuk-tag[^"]*">(\d+)</strong>(.*?)</dd>',
        section,
        flags=re.S,
    )
    return [(label, int(count), " ".join(re.sub(r"<[^>]+>", " ", rest).split())) for label, count, rest in rows]


def nothing_waiting(html: str) -> list[str]:
    return re.findall(r'data-count="0">([^<]+)</a>', html)


def main_action(html: str) -> tuple[str, str] | None:
    found = re.search(
        r'<a href="([^"]+)" role="button"[^>]*govuk-button--start[^>]*id="main-action">\s*([^<]+?)\s*<', html
    )
    return (found.group(2), found.group(1)) if found else None


def test_the_acting_chief_executive_sees_requests_to_decide_first_with_the_earliest_due_date_A2_A12(
    council, clock, officer
):
    first = submit_request(council, officers=[officer])
    clock.advance(days=1)
    submit_request(council, group=1, officers=[officer])
    html = home(council.chief_executive)
    [(label, count, when), *_rest] = open_actions(html)
    assert (label, count) == ("Attendance requests to decide", 2)
    assert f"First due by {first.due_on:%A} {first.due_on.day} {first.due_on:%B %Y}" in when
    assert html.index('id="needs-your-action"') < html.index('id="nothing-waiting"')
    labels = [row[0] for row in open_actions(html)]
    assert labels.index("Unread notices") > 0, "the requests' notices are in the inbox at once, after them"
    assert "Unread notices" not in nothing_waiting(html)


def test_an_overdue_list_says_since_when(council, clock, officer):
    request = submit_request(council, officers=[officer])
    clock.advance(days=14)
    [(label, _count, when), *_rest] = open_actions(home(council.chief_executive))
    assert label == "Attendance requests to decide"
    assert f"Overdue since {request.due_on.day} {request.due_on:%B %Y}" in when


def test_an_officer_sees_invitations_to_answer_with_the_date_to_answer_by_A4(council, officer):
    request = approved_request(council, officers=[officer])
    actions = {label: (count, when) for label, count, when in open_actions(home(officer))}
    count, when = actions["Briefing invitations"]
    due = request.responses_due_on
    assert count == 1 and f"Due by {due:%A} {due.day} {due:%B %Y}" in when
    assert "Attendance to record" not in actions


def test_open_actions_are_ordered_by_their_due_date_the_undated_after(council, officer, settings):
    """A reviewer with declarations to review (no due date) and a re-confirmation due: the dated one first."""
    for member in council.groups[1].members:
        declare(member, officer)
    labels = [label for label, _count, _when in open_actions(home(council.monitoring_officer))]
    assert labels.index("Re-confirmation due") < labels.index("Declarations to review")


def test_a_person_with_nothing_to_do_is_told_so_and_sees_no_zero_counts(council, settings):
    settings.DECLARATIONS_REMIND_BEFORE_DAYS = 1
    html = home(council.groups[0].members[0])
    assert open_actions(html) == []
    assert "Nothing needs your action today." in html
    assert not re.search(r'govuk-tag[^"]*">0</strong>', html), "no list shows a count of 0"
    assert set(nothing_waiting(html)) >= {"Advice to acknowledge", "Unread notices", "Re-confirmation due"}


@pytest.mark.parametrize(
    "who, expected",
    [
        ("chief_executive", ("Decide requests", "/attendance/queue/")),
        ("leader", ("Request a briefing", "/attendance/new/")),
        ("deputy_leader", ("Request a briefing", "/attendance/new/")),
        ("member", ("Declare a relationship", "/declarations/new/")),
        ("officer", ("Declare a relationship", "/declarations/new/")),
        ("monitoring_officer", ("Review declarations", "/declarations/to-review/")),
        ("director", ("Review declarations", "/declarations/to-review/")),
        ("auditor", ("Open the audit timeline", "/history/")),
        ("democratic_services", ("Manage people", "/people/")),
        # The Deputy Chief Executive decides nothing while the Chief Executive is at work (A2) ...
        ("deputy_chief_executive", ("Declare a relationship", "/declarations/new/")),
    ],
)
def test_each_role_has_one_main_action_from_its_standing(council, who, expected):
    person = {
        "chief_executive": council.chief_executive,
        "leader": council.groups[0].leader,
        "deputy_leader": council.groups[0].deputy,
        "member": council.groups[0].members[0],
        "officer": council.directorates[0].officers[0],
        "monitoring_officer": council.monitoring_officer,
        "director": council.directorates[0].director,
        "auditor": council.auditor,
        "deputy_chief_executive": council.deputy_chief_executive,
        "democratic_services": council.democratic_services,
    }[who]
    html = home(person)
    assert main_action(html) == expected
    assert html.count("govuk-button--start") == 1


def test_the_deputy_acting_for_the_absent_chief_executive_is_given_the_decisions_A2(council):
    today = selectors.today()
    people.absence_record(actor=council.chief_executive, reason="Leave", start_date=today, end_date=today)
    assert main_action(home(council.deputy_chief_executive)) == ("Decide requests", "/attendance/queue/")
    assert main_action(home(council.chief_executive)) != ("Decide requests", "/attendance/queue/")


def test_a_leader_sees_the_briefings_other_groups_were_agreed_and_takes_one_up_A3_A8_A9(three_groups, officer):
    council = three_groups
    original = approved_request(
        council, group=1, officers=[officer], subject="Care home fees", scope="SECRET-SCOPE of the Blue Group"
    )
    html = home(council.groups[0].leader)
    assert ("Briefings your group may also have", 1, "agreed for other groups (A3)") in open_actions(html)
    offer = html[html.index(f'id="offer-{original.pk}"') :]
    offer = offer[: offer.index("</dl>")]
    assert "Care home fees" in offer and str(officer) in offer and "Blue Group" in offer
    assert f'href="/attendance/same/{original.pk}/"' in offer
    assert "SECRET-SCOPE" not in html and "Committee Room" not in html
    # The group that was agreed it is not offered its own briefing.
    assert f'id="offer-{original.pk}"' not in home(council.groups[1].leader)


def test_a_leader_whose_group_has_taken_it_up_is_offered_it_no_more_A3(council, officer):
    from register.services import attendance
    from tests.factories import meeting

    original = approved_request(council, group=1, officers=[officer])
    attendance.attendance_request_take_up_equivalent(
        actor=council.groups[0].leader, original=original, meeting=meeting()
    )
    html = home(council.groups[0].leader)
    assert f'id="offer-{original.pk}"' not in html
    assert "Briefings your group may also have" in nothing_waiting(html)


def queries_for(person) -> int:
    client = signed_in(person)
    client.get("/")  # the session and caches warm
    with CaptureQueriesContext(connection) as queries:
        client.get("/")
    return len(queries)


# What the home page costs: the session; the person with their posts today and the holders of the Chief
# Executive's and Deputy's posts (the navigation), in one statement; their holdings, the acting Chief Executive, the
# declaration counts in one query and the unread count; then a fixed number per list the standing gives: the
# decisions; the group's requests and the offers with their officers; the invitations; who has not re-confirmed
# (for those who watch it: one count, the watcher's posts being their standing's).
@pytest.mark.parametrize(
    "who, add, expected",
    [
        ("chief_executive", "requests", 10),
        ("leader", "offers", 11),
        ("officer", "invitations", 8),
        ("monitoring_officer", "declarations", 9),
    ],
)
def test_the_home_page_costs_a_fixed_number_of_queries_with_1_and_with_20_items(
    three_groups, who, add, expected, django_assert_num_queries
):
    council = three_groups
    officer = council.directorates[0].officers[0]
    person = {
        "chief_executive": council.chief_executive,
        "leader": council.groups[0].leader,
        "officer": officer,
        "monitoring_officer": council.monitoring_officer,
    }[who]

    def add_items(count):
        for number in range(count):
            if add == "requests":
                submit_request(council, group=number % 3, officers=[officer])
            elif add == "offers":
                approved_request(council, group=1 + number % 2, officers=[officer, council.directorates[1].officers[0]])
            elif add == "invitations":
                approved_request(council, group=number % 3, officers=[officer])
            else:
                declare(make_person(Person.Kind.MEMBER), officer)

    add_items(1)
    at_1 = queries_for(person)
    add_items(19)
    at_20 = queries_for(person)
    assert (at_1, at_20) == (expected, expected)
    html = home(person)
    assert any(count == 20 for _label, count, _when in open_actions(html))
