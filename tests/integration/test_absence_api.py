"""Recording the Chief Executive's absence over the API (A2): the Deputy is told through the outbox."""

import pytest

from register.models import Absence, Notification

pytestmark = pytest.mark.django_db

ABSENCES = "/api/absences/"


def test_the_chief_executive_records_an_absence_and_the_deputy_is_told_A2(
    client, chief_executive, deputy_chief_executive, django_capture_on_commit_callbacks
):
    client.force_login(chief_executive)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            ABSENCES,
            {"start_date": "2030-01-07", "end_date": "2030-01-09", "reason": "Annual leave"},
            content_type="application/json",
        )
    assert response.status_code == 201, response.content
    absence = Absence.objects.get(pk=response.json()["id"])
    assert (absence.person, absence.recorded_by, absence.state) == (chief_executive, chief_executive, "recorded")
    body = response.json()
    assert body["person"]["id"] == chief_executive.pk
    assert {key: body[key] for key in ("id", "start_date", "end_date", "reason", "state")} == {
        "id": absence.pk,
        "start_date": "2030-01-07",
        "end_date": "2030-01-09",
        "reason": "Annual leave",
        "state": "recorded",
    }
    notices = Notification.objects.filter(cause=f"absence:{absence.pk}:recorded")
    assert {(n.recipient, n.channel, n.status) for n in notices} == {
        (deputy_chief_executive, "in-app", "sent"),
        (deputy_chief_executive, "email", "sent"),
    }
    assert absence.history.get().history_change_reason == "Annual leave"


def test_someone_other_than_the_chief_executive_or_deputy_is_refused_naming_A2(client, officer):
    client.force_login(officer)
    response = client.post(
        ABSENCES,
        {"start_date": "2030-01-07", "end_date": "2030-01-09", "reason": "Leave"},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert response.json()["rule"] == "A2"
    assert not Absence.objects.exists()


def test_an_absence_without_a_reason_is_refused_naming_the_field(client, chief_executive):
    client.force_login(chief_executive)
    response = client.post(
        ABSENCES, {"start_date": "2030-01-07", "end_date": "2030-01-09", "reason": ""}, content_type="application/json"
    )
    assert response.status_code == 400
    assert "reason" in response.json()["errors"]
    assert not Absence.objects.exists()


def test_an_overlapping_absence_is_refused_naming_the_field(client, chief_executive):
    client.force_login(chief_executive)
    body = {"start_date": "2030-01-07", "end_date": "2030-01-09", "reason": "Leave"}
    assert client.post(ABSENCES, body, content_type="application/json").status_code == 201
    response = client.post(ABSENCES, {**body, "start_date": "2030-01-08"}, content_type="application/json")
    assert response.status_code == 400
    assert "start_date" in response.json()["errors"]
    assert Absence.objects.count() == 1


def test_signing_in_is_required(client):
    response = client.post(ABSENCES, {}, content_type="application/json")
    assert response.status_code == 401
