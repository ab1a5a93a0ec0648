"""Faults against the running topology (`make stack`): web, worker and beat under supervisord, with the
production settings. PostgreSQL and Redis restart under them; bad requests reach real gunicorn."""

import json
import re
import socket

import pytest

from tests.stack.conftest import (
    DEMO_PASSWORD,
    FULL_STACK_ENVIRONMENT,
    assert_delivered_exactly_once,
    group_processes,
)
from tests.stack.flows import AbsenceRecorded

pytestmark = pytest.mark.stack

STACK_PROCESSES = "web worker beat"
# As production behind its proxy (plain HTTP is redirected to HTTPS), with a short sweep.
STACK_ENVIRONMENT = FULL_STACK_ENVIRONMENT

flow = AbsenceRecorded()


@pytest.fixture(scope="module")
def chief_executive(stack):
    client = stack.client()
    client.sign_in(flow.actor)
    return client


def web_processes(stack) -> set[int]:
    """The pids of gunicorn's master and workers: the process group supervisord started web in."""
    return group_processes(stack.pid("web"))


def test_the_stack_serves_the_register_with_the_production_settings(stack, chief_executive):
    health = stack.client().get("/healthz", via_https=False)
    assert (health.status, health.json()) == (200, {"status": "ok", "database": "ok", "broker": "ok"})

    page = stack.client().get("/sign-in/")
    assert page.status == 200
    assert page.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]
    cookies = page.headers.get_all("Set-Cookie")
    assert cookies and all("; Secure" in cookie for cookie in cookies), cookies

    # Static files come from whitenoise, under hashed names, compressed, cached for ever.
    stylesheet = re.search(r'href="(/static/register\.[0-9a-f]{12}\.css)"', page.text)
    assert stylesheet, page.text[:800]
    css = stack.client().get(stylesheet.group(1), headers={"Accept-Encoding": "gzip"})
    assert css.status == 200
    assert css.headers["Content-Encoding"] == "gzip"
    assert "immutable" in css.headers["Cache-Control"]

    assert chief_executive.get("/").status == 200


def test_plain_http_is_redirected_to_https_but_health_probes_are_answered(stack):
    answer = stack.client().get("/sign-in/", via_https=False)
    assert answer.status == 301
    assert answer.headers["Location"].startswith("https://")
    assert stack.client().get("/healthz", via_https=False).status == 200


def test_a_change_made_through_the_web_is_delivered_by_the_worker_exactly_once(stack, chief_executive):
    answer = flow.act(chief_executive)
    assert answer.status == flow.DONE, answer.text
    assert_delivered_exactly_once(stack, flow.cause_of(answer))


def test_while_postgresql_is_down_requests_get_a_clear_503_and_the_web_recovers_without_a_restart(
    stack, chief_executive
):
    before = web_processes(stack)
    stored_before = flow.count_stored(stack)
    stack.postgres("stop")
    try:
        page = chief_executive.get("/")
        assert page.status == 503
        assert "Sorry, the service is unavailable" in page.text
        assert "Server Error" not in page.text
        assert page.headers["Retry-After"] == "30"

        api = chief_executive.get("/api/me/")
        assert api.status == 503
        assert "cannot reach its database" in api.json()["detail"]

        change = flow.act(chief_executive)
        assert change.status == 503, change.text

        health = stack.client().get("/healthz", via_https=False)
        assert health.status == 503
        assert health.json()["unavailable"] == ["database"]
    finally:
        stack.postgres("start")

    # Every gunicorn worker replaces its broken connection on its next request: none fails.
    answers = [chief_executive.get("/").status for _ in range(20)]
    assert answers == [200] * 20
    assert web_processes(stack) == before, "the web processes were restarted"
    assert flow.count_stored(stack) == stored_before
    # And the register works again end to end.
    answer = flow.act(chief_executive)
    assert answer.status == flow.DONE, answer.text
    assert_delivered_exactly_once(stack, flow.cause_of(answer))


def test_after_redis_restarts_the_worker_reconnects_and_delivers_new_changes(stack, chief_executive):
    stack.redis("restart")
    answer = flow.act(chief_executive)
    assert answer.status == flow.DONE, answer.text
    assert_delivered_exactly_once(stack, flow.cause_of(answer))


def test_while_redis_is_down_changes_are_answered_done_and_stored_with_their_notices_pending(stack, chief_executive):
    stack.redis("stop")
    try:
        answers = [flow.act(chief_executive) for _ in range(3)]
        assert [answer.status for answer in answers] == [flow.DONE] * 3, [answer.text for answer in answers]
        health = stack.client().get("/healthz", via_https=False)
        assert (health.status, health.json()["unavailable"]) == (503, ["broker"])
    finally:
        stack.redis("start")
    for answer in answers:
        assert flow.stored(stack, answer)
        notices = stack.notices(flow.cause_of(answer))
        assert {notice["channel"] for notice in notices} == {"in-app", "email"}
        assert {notice["status"] for notice in notices} <= {"pending", "sent"}
        assert {notice["status"] for notice in notices if notice["channel"] == "in-app"} == {"sent"}, (
            "an in-app notice needs no broker: in the inbox at the commit (issue 22)"
        )


def test_notices_of_changes_answered_while_redis_was_down_are_delivered_once_after_it_returns(stack, chief_executive):
    stack.redis("stop")
    try:
        answers = [flow.act(chief_executive) for _ in range(3)]
        assert [answer.status for answer in answers] == [flow.DONE] * 3
    finally:
        stack.redis("start")
    for answer in answers:
        assert_delivered_exactly_once(stack, flow.cause_of(answer))


def test_malformed_json_and_wrong_content_types_through_gunicorn_get_a_4xx_and_store_nothing(stack, chief_executive):
    stored_before = flow.count_stored(stack)
    malformed = chief_executive.request(
        "POST",
        "/api/absences/",
        body='{"start_date": "2031-12-01", "end_date":',
        headers={"Content-Type": "application/json"},
    )
    assert malformed.status == 400
    assert "JSON parse error" in malformed.json()["detail"]

    as_text = chief_executive.request(
        "POST", "/api/absences/", body=json.dumps({"start_date": "2031-12-01"}), headers={"Content-Type": "text/plain"}
    )
    assert as_text.status == 415
    assert flow.count_stored(stack) == stored_before


def test_an_oversized_body_is_refused_with_413_before_it_is_read(stack, chief_executive):
    """The request declares a body over the limit; the answer comes before the client sends it."""
    stored_before = flow.count_stored(stack)
    headers = (
        f"POST /api/absences/ HTTP/1.1\r\nHost: 127.0.0.1:{stack.web_port}\r\nX-Forwarded-Proto: https\r\n"
        f"Content-Type: application/json\r\nContent-Length: {50 * 1024 * 1024}\r\n"
        f"Cookie: {'; '.join(f'{k}={v}' for k, v in chief_executive.cookies.items())}\r\n\r\n"
    )
    with socket.create_connection(("127.0.0.1", stack.web_port), timeout=30) as connection:
        connection.sendall(headers.encode() + b'{"reason": "')
        answer = b""
        while b"\r\n\r\n" not in answer:
            chunk = connection.recv(65536)
            if not chunk:
                break
            answer += chunk
    assert answer.startswith(b"HTTP/1.1 413"), answer[:300]
    assert flow.count_stored(stack) == stored_before


def test_every_line_the_processes_log_is_one_json_object(stack):
    lines = stack.process_log_lines()
    assert {"web", "worker", "beat"} <= set(lines)
    for name, printed in lines.items():
        for line in printed:
            if not line.strip():
                continue
            entry = json.loads(line)
            assert {"time", "level", "logger", "message"} <= set(entry), (name, line)
    access = [json.loads(line) for line in lines["web"] if '"gunicorn.access"' in line]
    assert any(entry.get("path") == "/healthz" and entry.get("status") == "200" for entry in access)


def test_behind_the_proxy_the_stack_locks_and_records_the_forwarded_address_not_the_username(stack):
    """make stack trusts loopback as the council's proxy (TRUSTED_PROXIES): real gunicorn passes the
    proxy's X-Forwarded-For through, and the register locks out and records the client's address in it.
    Another client behind the same proxy still signs in, with the same username's right password."""
    attacker, councillor = {"X-Forwarded-For": "198.51.100.66"}, {"X-Forwarded-For": "203.0.113.9"}
    client = stack.client()

    def token(username, password, headers):
        body = json.dumps({"username": username, "password": password})
        return client.request("POST", "/api/token/", body=body, headers={"Content-Type": "application/json", **headers})

    statuses = [token(f"sprayed-{number}", "Summer2026!", attacker).status for number in range(10)]
    assert statuses == [401] * 9 + [429]
    assert token("member-1", DEMO_PASSWORD, attacker).status == 429
    assert token("member-1", DEMO_PASSWORD, councillor).status == 200
    recorded = stack.query(
        "SELECT DISTINCT host(address) FROM register_signinevent WHERE username LIKE %s", ("sprayed-%",)
    )
    assert recorded == [("198.51.100.66",)]
