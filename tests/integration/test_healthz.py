"""`/healthz` and `manage.py healthcheck`: 200 when the database and the broker answer, 503 naming
what does not. Against the real PostgreSQL and Redis of `make test`; the database outage itself is
tested against the running stack (tests/stack/test_web_faults.py)."""

import os
import socket

import pytest
from django.core.management import CommandError, call_command

pytestmark = pytest.mark.django_db


def closed_port_url() -> str:
    """A Redis URL on a loopback port where nothing listens."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"redis://127.0.0.1:{port}/0"


@pytest.fixture
def broker_url(settings):
    url = os.environ.get("CELERY_BROKER_URL")
    if not url:
        pytest.fail("make test starts Redis and sets CELERY_BROKER_URL; run the suite with make test.")
    settings.CELERY_BROKER_URL = url
    return url


def test_healthz_answers_200_when_the_database_and_the_broker_answer(client, broker_url):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "broker": "ok"}
    assert response.headers["Cache-Control"] == "no-store"


def test_healthz_answers_503_naming_the_broker_when_it_does_not_answer(client, settings):
    settings.CELERY_BROKER_URL = closed_port_url()
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "database": "ok",
        "broker": "unavailable",
        "unavailable": ["broker"],
    }


def test_healthz_needs_no_allowed_host_and_no_https(client, broker_url, settings):
    """Probes come from inside the network, by address and over plain HTTP."""
    settings.SECURE_SSL_REDIRECT = True
    response = client.get("/healthz", HTTP_HOST="10.1.2.3:8000")
    assert response.status_code == 200
    assert client.get("/sign-in/", HTTP_HOST="10.1.2.3:8000").status_code == 400


def test_without_a_broker_tasks_run_in_process_and_healthz_says_so(client, settings):
    settings.CELERY_BROKER_URL = ""
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["broker"] == "not configured"


def test_the_healthcheck_command_fails_naming_what_does_not_answer(settings, broker_url, capsys):
    call_command("healthcheck")
    assert '"broker": "ok"' in capsys.readouterr().out
    settings.CELERY_BROKER_URL = closed_port_url()
    with pytest.raises(CommandError, match="Unavailable: broker"):
        call_command("healthcheck")
