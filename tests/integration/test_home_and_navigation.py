"""The service navigation offers each person the pages their posts give them today, and the home
page lists what needs their action now, with counts."""

import datetime
import re

import pytest
from django.test import Client

from register import selectors
from register.models import Person
from register.services.history import save_with_history
from register.services.people import absence_record
from register.services.system import system_user
from tests.factories import make_person
from tests.integration.declaration_helpers import declare, review


def signed_in(person) -> Client:
    client = Client()
    client.force_login(person)
    return client


def navigation_of(person) -> list[str]:
    html = signed_in(person).get("/").content.decode()
    menu = html[html.index('id="navigation"') : html.index("</ul>", html.index('id="navigation"'))]
    return re.findall(
        r'class="govuk-service-navigation__link" href="[^"]+"[^>]*>(?:<strong[^>]*>)?([^<]+)(?:</strong>)?</a>', menu
    )


def needs_action(person) -> dict[str, int]:
    """The home page's lists and how many await the person in each: the open actions with their
    counts, and the lists where nothing waits (0)."""
    html = signed_in(person).get("/").content.decode()
    rows = re.findall(
        r'govuk-summary-list__key">([^<]+)</dt>\s*<dd class="govuk-summary-list__value"><strong class="govuk-tag[^"]*">(\d+)</strong>',
        html,
    )
    quiet = re.findall(r'data-count="0">([^<]+)</a>', html)
    return {**{label: int(count) for label, count in rows}, **dict.fromkeys(quiet, 0)}


@pytest.mark.parametrize(
    "role, expected",
    [
        ("member", ["Home", "Your declarations", "Your notices", "Public register"]),
        ("officer", ["Home", "Your declarations", "Your briefing invitations", "Your notices", "Public register"]),
        ("group_leader", ["Home", "Your declarations", "Group briefings", "Your notices", "Public register"]),
        (
            "monitoring_officer",
            [
                "Home",
                "Your declarations",
                "Declarations to review",
                "Not re-confirmed",
                "All declarations",
                "Attendance requests",
                "Your briefing invitations",
                "Concerns",
                "Complaints",
                "Standards report",
                "People",
                "Access log",
                "Subject access",
                "Retention",
                "Records of processing",
                "Your notices",
                "Public register",
            ],
        ),
        (
            "deputy_monitoring_officer",
            [
                "Home",
                "Your declarations",
                "Declarations to review",
                "Your briefing invitations",
                "Complaints",
                "Standards report",
                "People",
                "Retention",
                "Your notices",
                "Public register",
            ],
        ),
        (
            "democratic_services",
            [
                "Home",
                "Your declarations",
                "Your briefing invitations",
                "People",
                "E-mails not delivered",
                "Your notices",
                "Public register",
            ],
        ),
        (
            "chief_executive",
            [
                "Home",
                "Your declarations",
                "Declarations to review",
                "Not re-confirmed",
                "Attendance decisions",
                "Your briefing invitations",
                "Concerns",
                "Your notices",
                "Public register",
            ],
        ),
        (
            "director",
            [
                "Home",
                "Your declarations",
                "Declarations to review",
                "Not re-confirmed",
                "Your briefing invitations",
                "Your notices",
                "Public register",
            ],
        ),
        (
            "assistant_director",
            [
                "Home",
                "Your declarations",
                "Declarations to review",
                "Your briefing invitations",
                "Your notices",
                "Public register",
            ],
        ),
        (
            "auditor",
            [
                "Home",
                "Your declarations",
                "Not re-confirmed",
                "All declarations",
                "Attendance requests",
                "Concerns",
                "Complaints",
                "Standards report",
                "People",
                "Audit timeline",
                "Access log",
                "Retention",
                "Records of processing",
                "Your notices",
                "Public register",
            ],
        ),
    ],
)
def test_the_navigation_offers_each_role_its_pages(council, role, expected):
    person = {
        "member": council.groups[0].members[0],
        "officer": council.directorates[0].officers[0],
        "monitoring_officer": council.monitoring_officer,
        "deputy_monitoring_officer": council.deputy_monitoring_officer,
        "chief_executive": council.chief_executive,
        "director": council.directorates[0].director,
        "assistant_director": council.directorates[0].assistant_director,
        "auditor": council.auditor,
        "group_leader": council.groups[0].leader,
        "democratic_services": council.democratic_services,
    }[role]
    assert navigation_of(person) == expected


def test_the_page_being_read_is_marked_current_in_the_navigation(council):
    html = signed_in(council.monitoring_officer).get("/declarations/to-review/").content.decode()
    assert re.search(r'href="/declarations/to-review/" aria-current="page"><strong[^>]*>Declarations to review', html)
    assert 'href="/declarations/" aria-current' not in html


def test_a_councillor_is_asked_to_acknowledge_advice_and_answer_a_declaration_naming_them(council):
    member = council.groups[0].members[0]
    review(declare(member, council.directorates[0].officers[0]))
    declare(council.directorates[1].officers[0], member)
    actions = needs_action(member)
    assert actions["Advice to acknowledge"] == 1
    assert actions["Declarations naming you"] == 1
    assert actions["Unread notices"] == 2  # the two changes' in-app notices, in the inbox at the commit
    assert "Declarations to review" not in actions and "Not re-confirmed" not in actions


def test_the_monitoring_officer_sees_declarations_to_review_and_who_has_not_re_confirmed(council):
    officer = council.directorates[0].officers[0]
    for member in council.groups[1].members:
        declare(member, officer)
    late = make_person(Person.Kind.MEMBER)
    late.date_joined -= datetime.timedelta(days=60)
    save_with_history(late, actor=system_user(), reason="Test data: joined earlier", update_fields=["date_joined"])
    actions = needs_action(council.monitoring_officer)
    assert actions["Declarations to review"] == len(council.groups[1].members)
    assert actions["Not re-confirmed"] == 1


def test_a_re_confirmation_due_soon_is_counted_on_the_home_page(council, settings):
    member = council.groups[0].members[0]
    assert needs_action(member)["Re-confirmation due"] == 1  # a newcomer's first is due within the reminder window
    settings.DECLARATIONS_REMIND_BEFORE_DAYS = 1
    assert needs_action(member)["Re-confirmation due"] == 0


def test_the_home_page_still_says_who_decides_attendance_today(council):
    today = selectors.today()
    absence_record(actor=council.chief_executive, reason="Leave", start_date=today, end_date=today)
    html = signed_in(council.groups[0].leader).get("/").content.decode()
    assert f"<strong>{council.deputy_chief_executive}</strong>" in html
