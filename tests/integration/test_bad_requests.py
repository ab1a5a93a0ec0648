"""Requests with malformed bodies, bodies too large and the wrong content type get a clear 4xx and
store nothing. In-process here; tests/stack/test_web_faults.py sends the same through gunicorn."""

import json

import pytest

from register.models import Absence, Notification

pytestmark = pytest.mark.django_db

ABSENCES = "/api/absences/"
VALID = {"start_date": "2030-01-07", "end_date": "2030-01-08", "reason": "Annual leave"}


@pytest.fixture
def signed_in(client, chief_executive):
    client.force_login(chief_executive)
    return client


def assert_nothing_stored():
    assert not Absence.objects.exists()
    assert not Notification.objects.exists()


def test_a_malformed_json_body_is_a_400_naming_the_parse_error(signed_in):
    response = signed_in.post(ABSENCES, data='{"start_date": "2030-01-07",', content_type="application/json")
    assert response.status_code == 400
    assert "JSON parse error" in response.json()["detail"]
    assert_nothing_stored()


@pytest.mark.parametrize(
    "content_type, body",
    [
        ("text/plain", json.dumps(VALID)),
        ("application/xml", "<absence><start_date>2030-01-07</start_date></absence>"),
        ("application/x-www-form-urlencoded", "start_date=2030-01-07&end_date=2030-01-08&reason=Leave"),
    ],
)
def test_a_body_that_is_not_json_is_a_415(signed_in, content_type, body):
    response = signed_in.post(ABSENCES, data=body, content_type=content_type)
    assert response.status_code == 415
    assert content_type.split(";")[0] in response.json()["detail"]
    assert_nothing_stored()


def test_a_json_body_larger_than_the_limit_is_a_413_before_it_is_read(signed_in, settings):
    body = json.dumps({**VALID, "reason": "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)})
    response = signed_in.post(ABSENCES, data=body, content_type="application/json")
    assert response.status_code == 413
    assert "at most 2.5 MB" in response.json()["detail"]
    assert_nothing_stored()


def test_an_upload_larger_than_the_limit_is_a_413_page(client, settings):
    settings.MAX_UPLOAD_SIZE = 1024
    response = client.post("/sign-in/", data={"username": "x", "document": b"%PDF" + b"0" * 2048})
    assert response.status_code == 413
    assert b"The file or form you sent is too large" in response.content


def test_a_malformed_multipart_body_is_a_400(client):
    response = client.generic(
        "POST", "/sign-in/", data=b"--nothing\r\nbroken", content_type="multipart/form-data; boundary="
    )
    assert response.status_code == 400


def test_a_body_within_the_limits_is_accepted(signed_in, deputy_chief_executive):
    response = signed_in.post(ABSENCES, data=VALID, content_type="application/json")
    assert response.status_code == 201, response.content
    assert Absence.objects.count() == 1
