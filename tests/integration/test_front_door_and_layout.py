"""Issue 16, points 7-9, on the server: the front door at ``/`` (a landing page for the public, the
home page for someone signed in), the accessibility statement and privacy notice, the navigation's
public register and menu button, tables in scroll containers, and the parity report's period (date
input) and time to decision in words (A11)."""

import datetime
import re

import pytest
from django.test import Client

from register.services import attendance
from tests.factories import approved_request, submit_request
from tests.integration.test_attendance_parity import at


def signed_in(person) -> Client:
    client = Client()
    client.force_login(person)
    return client


def text_of(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


# --- Point 9: the front door and the public pages ---------------------------------------------


def test_point_9_the_front_door_tells_the_public_what_the_register_is_and_links_the_public_register_A8(council):
    """Someone not signed in is not sent to sign in: ``/`` says what the register is, and links the
    public register of briefings and "Sign in"."""
    response = Client().get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<h1 class="govuk-heading-xl">Member/officer register</h1>' in html
    assert "Demoshire County Council keeps this register" in text_of(response)
    assert re.search(r'<a class="govuk-link" href="/register-of-attendance/">Read the register of officer', html)
    assert re.search(r'<a href="/sign-in/" role="button"[^>]*class="govuk-button govuk-button--start"', html)


def test_point_9_a_signed_in_person_at_the_front_door_gets_their_home_page(council):
    response = signed_in(council.groups[0].leader).get("/")
    assert response.status_code == 200
    assert [t.name for t in response.templates][0] == "register/home.html"
    assert "Read the register of officer" not in response.content.decode()


@pytest.mark.parametrize("who", ["anonymous", "leader"])
def test_point_9_the_public_register_is_in_the_header_navigation_for_everyone_A8(council, who):
    client = Client() if who == "anonymous" else signed_in(council.groups[0].leader)
    html = client.get("/").content.decode()
    menu = html[html.index('id="navigation"') : html.index("</ul>", html.index('id="navigation"'))]
    assert 'href="/register-of-attendance/">Public register</a>' in menu
    assert ('href="/sign-in/">Sign in</a>' in menu) is (who == "anonymous")


@pytest.mark.parametrize(
    "address, heading, words",
    [
        (
            "/accessibility/",
            "Accessibility statement for the member/officer register",
            [
                "This service is run by Demoshire County Council",
                "Compliance status",
                "partially compliant with the Web Content Accessibility Guidelines version 2.2 AA standard",
                "Reporting accessibility problems with this service",
                "Enforcement procedure",
                "Equality Advisory and Support Service (EASS)",
                "This statement was prepared on",
            ],
        ),
        (
            "/privacy/",
            "Privacy notice for the member/officer register",
            [
                "Demoshire County Council runs this register and is the controller",
                "Relationships between councillors and officers",
                "How long we keep it",
                "Your rights",
                "E-mail register@council.example",
                "Information Commissioner's Office",
            ],
        ),
    ],
)
def test_point_9_the_accessibility_statement_and_privacy_notice_are_public_and_linked_from_every_footer(
    council, address, heading, words
):
    response = Client().get(address)
    assert response.status_code == 200
    assert f'<h1 class="govuk-heading-l">{heading}</h1>' in response.content.decode()
    for phrase in words:
        assert phrase in text_of(response), phrase
    for page in (Client().get("/"), signed_in(council.auditor).get("/attendance/parity/")):
        assert f'class="govuk-footer__link" href="{address}"' in page.content.decode()


# --- Point 7: the navigation's menu button, tables in scroll containers -----------------------


def test_point_7_the_navigation_has_the_service_navigation_menu_button(council):
    html = signed_in(council.chief_executive).get("/").content.decode()
    assert re.search(
        r'<button type="button" class="govuk-service-navigation__toggle govuk-js-service-navigation-toggle" '
        r'aria-controls="navigation" hidden aria-hidden="true">Menu</button>',
        html,
    )
    assert 'data-module="govuk-service-navigation"' in html


def test_point_7_a_page_within_a_section_marks_its_item_active_not_current(council):
    """The page itself is aria-current="page"; a page below an item's address, "true"."""
    request = submit_request(council)
    html = signed_in(council.chief_executive).get(f"/attendance/{request.pk}/").content.decode()
    assert re.search(r'href="/attendance/queue/" aria-current', html) is None  # not below the queue's address
    html = signed_in(council.groups[0].leader).get(f"/attendance/{request.pk}/").content.decode()
    assert 'href="/attendance/" aria-current="true"><strong class="govuk-service-navigation__active-fallback">' in html


def test_point_7_every_table_is_in_a_focusable_labelled_scroll_container(council):
    submit_request(council)
    pages = {
        council.chief_executive: ["/attendance/queue/", "/attendance/parity/", "/attendance/absence/"],
        council.groups[0].leader: ["/attendance/"],
        council.auditor: ["/history/", "/declarations/all/"],
    }
    for person, addresses in pages.items():
        for address in addresses:
            html = signed_in(person).get(address).content.decode()
            tables = html.count("<table")
            containers = re.findall(
                r'<div class="register-table-container" tabindex="0" role="region" aria-label="([^"]+)">\s*<table', html
            )
            assert tables and len(containers) == tables, address
    html = Client().get("/register-of-attendance/").content.decode()
    assert (
        '<div class="register-table-container" tabindex="0" role="region" aria-label="Briefings, the latest first">'
        in html
    )


# --- Point 8: the parity report's period and time to decision (A11) ---------------------------


def parity(person, query):
    return signed_in(person).get("/attendance/parity/", query)


def test_point_8_the_parity_period_is_a_gov_uk_date_input_with_the_default_year_filled_in_A11(council, clock):
    """No YYYY-MM-DD text: the day, month and year of the year up to today, ready to change."""
    html = parity(council.auditor, {}).content.decode()
    end, start = clock.today, clock.today - datetime.timedelta(days=365)
    for name, day in (("start", start), ("end", end)):
        for part, value in enumerate((day.day, day.month, day.year)):
            assert re.search(rf'name="{name}_{part}"[^>]*value="{value}"', html), (name, part)
    assert 'class="govuk-date-input"' in html
    assert "YYYY-MM-DD" not in html


def test_point_8_the_parity_report_covers_the_period_given_in_the_date_input_A11(council, clock):
    response = parity(
        council.auditor,
        {"start_0": "1", "start_1": "3", "start_2": "2026", "end_0": "31", "end_1": "3", "end_2": "2026"},
    )
    assert response.status_code == 200
    assert "1 March 2026 to 31 March 2026" in text_of(response)


def test_point_8_an_address_with_yyyy_mm_dd_dates_still_works_A11(council, clock):
    response = parity(council.auditor, {"start": "2026-03-01", "end": "2026-03-31"})
    assert response.status_code == 200
    assert "1 March 2026 to 31 March 2026" in text_of(response)


@pytest.mark.parametrize(
    "query, field, message",
    [
        (
            {"start_0": "1", "start_1": "", "start_2": "2026"},
            "start",
            "Enter the day, month and year the period starts",
        ),
        ({"end_0": "31", "end_1": "2", "end_2": "2026"}, "end", "The date the period ends must be a real date"),
        (
            {"start_0": "x", "start_1": "3", "start_2": "2026"},
            "start",
            "The day of the date the period starts must be a number",
        ),
        (
            {"start_0": "2", "start_1": "3", "start_2": "2026", "end_0": "1", "end_1": "3", "end_2": "2026"},
            "end",
            "The date the period ends must be the same as or after the date it starts",
        ),
        ({"start": "2026-13-01"}, "start", "The date the period starts must be a real date"),
    ],
)
def test_point_8_a_period_in_error_names_the_date_in_the_error_summary_A11(council, query, field, message):
    response = parity(council.auditor, query)
    assert response.status_code == 400
    html = response.content.decode()
    summary = html[html.index("govuk-error-summary") : html.index("</ul>", html.index("govuk-error-summary"))]
    assert re.search(rf'href="#id_{field}_0"[^>]*>{re.escape(message)}', summary), summary
    assert 'id="parity-table"' not in html
    assert response.context["form"].errors[field]


def test_point_8_a_group_leader_still_does_not_find_the_parity_report_with_a_period_in_error_A11(council):
    assert parity(council.groups[0].leader, {"start_0": "x"}).status_code == 404


def time_to_decision(person, group) -> str:
    html = parity(person, {}).content.decode()
    row = html[html.index(f'<th scope="row" class="govuk-table__header">{group}</th>') :]
    return re.findall(r'<td class="govuk-table__cell[^"]*">([^<]*)</td>', row[: row.index("</tr>")])[-1]


def test_point_8_time_to_decision_reads_in_words_A11(council, clock):
    red, blue = council.groups[0], council.groups[1]
    assert time_to_decision(council.auditor, red.organization) == "No decisions yet"
    approved_request(council)  # decided the day it was asked
    assert time_to_decision(council.auditor, red.organization) == "Decided the same working day"
    clock.set(at(datetime.date(2026, 3, 5)))  # Thursday
    later = submit_request(council)
    blue_request = submit_request(council, group=1)
    assert time_to_decision(council.auditor, blue.organization) == "No decisions yet"
    clock.set(at(datetime.date(2026, 3, 11)))  # Wednesday: four working days later
    attendance.attendance_request_refuse(request=later, actor=council.chief_executive, reason="Covered at Cabinet")
    attendance.attendance_request_refuse(request=blue_request, actor=council.chief_executive, reason="Covered")
    assert time_to_decision(council.auditor, red.organization) == "Average 2 working days, longest 4"
    assert time_to_decision(council.auditor, blue.organization) == "Average 4 working days, longest 4"
    assert "0.0, 0" not in parity(council.auditor, {}).content.decode()
