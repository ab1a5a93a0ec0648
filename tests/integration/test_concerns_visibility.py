"""Who sees a concern (DOMAIN.md, "Who sees what"; D1, D2, D3, D6), on the pages and in the API alike:
who raised it, who handles it, the Monitoring Officer and auditors; the Chief Executive (or whoever acts
for them) for one from an officer's report after a briefing; the person it concerns once the handler
tells them, never who raised it if they asked for that, and not its handling; everyone else: not found."""

import datetime

import pytest
from django.test import Client
from rest_framework.test import APIClient

from register.models import Post
from register.services.conduct import concerns as services
from tests.factories import approved_request
from tests.integration.concern_helpers import absent, raise_concern

Role = Post.Role


@pytest.fixture
def concern(council, settings):
    """Under 002 ("redress"): a councillor's concern about an officer, handled by the officer's Assistant
    Director; the councillor asked not to be named to the officer."""
    settings.CONCERNS_PROTOCOL = "redress"
    return raise_concern(
        council.groups[0].members[0],
        council.directorates[0].officers[0],
        raiser_withheld=True,
        what_happened="The officer told another group about our motion.",
    )


def page(person, concern):
    client = Client()
    client.force_login(person)
    return client.get(f"/concerns/{concern.pk}/")


def api(person, concern):
    client = APIClient()
    client.force_authenticate(person)
    return client.get(f"/api/concerns/{concern.pk}/")


def listed(person) -> list[int]:
    client = APIClient()
    client.force_authenticate(person)
    return [row["id"] for row in client.get("/api/concerns/").json()["results"]]


def test_the_raiser_handler_monitoring_officer_and_auditors_see_it_in_full_D1(council, concern):
    raiser, handler = council.groups[0].members[0], council.directorates[0].assistant_director
    for person in (raiser, handler, council.monitoring_officer, council.auditor):
        shown = page(person, concern)
        assert shown.status_code == 200, person
        assert "The officer told another group" in shown.content.decode()
        assert str(raiser) in shown.content.decode()
        assert "Handled by" in shown.content.decode()
        data = api(person, concern).json()
        assert data["raised_by"]["id"] == raiser.pk
        assert data["handling"]["handler"]["id"] == handler.pk
        assert concern.pk in listed(person)


def everyone_else(council):
    return [
        council.chief_executive,
        council.deputy_chief_executive,
        council.deputy_monitoring_officer,
        council.groups[0].leader,
        council.groups[0].members[1],
        council.groups[1].leader,
        council.directorates[0].director,
        council.directorates[0].officers[1],
        council.directorates[1].assistant_director,
        council.democratic_services,
        council.independent_person,
    ]


def test_everyone_else_gets_not_found_never_forbidden_D1(council, concern):
    for person in everyone_else(council):
        assert page(person, concern).status_code == 404, person
        assert api(person, concern).status_code == 404, person
        assert concern.pk not in listed(person), person


def test_the_person_concerned_sees_nothing_until_told_then_the_account_without_the_raiser_or_handling_D1(
    council, concern
):
    officer, raiser = council.directorates[0].officers[0], council.groups[0].members[0]
    handler = council.directorates[0].assistant_director
    assert page(officer, concern).status_code == 404
    assert api(officer, concern).status_code == 404
    assert concern.pk not in listed(officer)

    concern = services.concern_acknowledge(concern=concern, actor=handler)
    services.concern_tell_concerned_person(concern=concern, actor=handler, reason="They should answer it.")
    shown = page(officer, concern)
    assert shown.status_code == 200
    text = shown.content.decode()
    assert "The officer told another group" in text
    assert str(raiser) not in text
    assert "Not named, at their request" in text
    assert "Handled by" not in text and "Outcome due" not in text
    assert "What you can do" not in text
    data = api(officer, concern).json()
    assert "raised_by" not in data and "handling" not in data
    assert data["actions"] == []
    assert concern.pk in listed(officer)


def test_a_raiser_who_did_not_ask_is_named_to_the_person_concerned_once_told_D2(council, settings):
    settings.CONCERNS_PROTOCOL = "complaints"
    officer, member = council.directorates[1].officers[0], council.groups[1].members[0]
    concern = raise_concern(officer, member)
    handler = concern.handler
    concern = services.concern_acknowledge(concern=concern, actor=handler)
    services.concern_tell_concerned_person(concern=concern, actor=handler, reason="To hear their side.")
    assert str(officer) in page(member, concern).content.decode()
    assert api(member, concern).json()["raised_by"]["id"] == officer.pk


def test_a_concern_from_an_officers_report_is_seen_by_the_chief_executive_and_the_acting_deputy_D6(
    council, clock, settings
):
    from register.models import Concern
    from register.services import attendance

    settings.CONCERNS_PROTOCOL = "complaints"
    officer = council.directorates[0].officers[0]
    request = approved_request(council, officers=[officer])
    clock.set(request.meeting.starts_at + datetime.timedelta(minutes=90))
    attendance.attendance_record_attendance(
        request=request,
        actor=officer,
        arrived_at=request.meeting.starts_at,
        left_at=request.meeting.starts_at + datetime.timedelta(minutes=40),
        attested=False,
        report="Party business was discussed while I was there.",
    )
    concern = Concern.objects.get()
    for person in (council.chief_executive, council.monitoring_officer, council.auditor, officer, concern.handler):
        assert page(person, concern).status_code == 200, person
        assert api(person, concern).status_code == 200, person
    assert page(council.deputy_chief_executive, concern).status_code == 404
    assert page(request.requested_by, concern).status_code == 404, "the group leader, not yet told"
    absent(council, Role.CHIEF_EXECUTIVE)
    assert page(council.deputy_chief_executive, concern).status_code == 200, "acting for the Chief Executive"
    assert concern.pk in listed(council.deputy_chief_executive)


def test_an_ordinary_concern_is_not_the_chief_executives_D1(council, concern):
    assert api(council.chief_executive, concern).status_code == 404


def test_a_monitoring_officer_concerned_does_not_see_it_until_told_D1(council, settings):
    settings.CONCERNS_PROTOCOL = "complaints"
    concern = raise_concern(council.groups[0].members[0], council.monitoring_officer)
    assert concern.handler == council.deputy_monitoring_officer
    assert page(council.monitoring_officer, concern).status_code == 404
    assert concern.pk not in listed(council.monitoring_officer)
    assert page(council.auditor, concern).status_code == 200


def test_a_concerns_history_is_read_by_those_who_read_its_handling_never_by_the_person_concerned_C2_D1(
    council, concern
):
    handler, officer = council.directorates[0].assistant_director, council.directorates[0].officers[0]
    concern = services.concern_acknowledge(concern=concern, actor=handler)
    services.concern_tell_concerned_person(concern=concern, actor=handler, reason="To answer it.")
    for person in (council.groups[0].members[0], handler, council.monitoring_officer, council.auditor):
        client = Client()
        client.force_login(person)
        assert client.get(f"/history/concern/{concern.pk}/").status_code == 200, person
    for person in (officer, council.chief_executive, council.groups[1].leader):
        client = Client()
        client.force_login(person)
        assert client.get(f"/history/concern/{concern.pk}/").status_code == 404, person
