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


def test_a_query_parameter_given_twice_is_a_400_naming_it(client):
    response = client.get("/api/people/?page=1&page=2&page_size=5")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["detail"] == "Give each query parameter once: page was given more than once."


@pytest.mark.parametrize(
    "name",
    ["a%00b", "a%0Ab", "%1B%5B31mred", "a%7Fb", "a%E2%80%AEb"],
    ids=["NUL", "line break", "escape sequence", "DEL", "right-to-left override"],
)
def test_a_repeated_query_parameter_whose_name_holds_a_control_character_is_not_echoed(client, name):
    """The detail of the 400 says which parameter, without writing the caller's control characters into
    the answer and the logs (issue 15: a NUL was echoed); printable names beside it are still named."""
    response = client.get(f"/api/people/?{name}=1&{name}=2&page=1&page=2")
    assert response.status_code == 400
    detail = response.json()["detail"]
    assert detail == (
        "Give each query parameter once: page, a parameter whose name holds unprintable characters "
        "were each given more than once."
    )
    assert detail.isprintable()
    assert all(0x20 <= byte < 0x7F for byte in response.content), response.content
