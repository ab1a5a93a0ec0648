"""No personal data beyond ids in the register's log lines (issue 21, item 7; README, "Logs"): e-mail
addresses and password links' tokens are redacted wherever they appear, requests are logged without
their query string, browser or (unless LOG_CLIENT_ADDRESSES=on) client address, and django-axes names
no username and no address."""

import json
import logging
import smtplib
import sys

import pytest

from register.logs import JsonFormatter, TextFormatter, axes_client_description, syslog_address


def json_line(record: logging.LogRecord) -> dict:
    return json.loads(JsonFormatter().format(record))


def record_of(message, args=(), name="register.services.delivery", exc_info=None, **extra):
    record = logging.LogRecord(name, logging.WARNING, __file__, 1, message, args, exc_info)
    for key, value in extra.items():
        setattr(record, key, value)
    return record


def access_record(**atoms):
    given = {"h": "198.51.100.7", "m": "GET", "U": "/people/", "q": "q=Smith", "H": "HTTP/1.1", "s": "200"}
    given |= {"B": 10, "D": 2000, "a": "Mozilla/5.0 (X11)", "f": "-"} | atoms
    given["r"] = f"{given['m']} {given['U']}?{given['q']} {given['H']}"
    return logging.LogRecord(
        "gunicorn.access", logging.INFO, __file__, 1, '%(h)s "%(r)s" %(s)s %(B)s %(D)sus', (given,), None
    )


def test_an_e_mail_address_in_a_message_an_extra_or_a_traceback_is_redacted():
    """A refused recipient's address (smtplib puts it in the error) never reaches the log line."""
    try:
        raise smtplib.SMTPRecipientsRefused({"jo.bloggs@council.example": (550, b"No such user")})
    except smtplib.SMTPRecipientsRefused as error:
        record = record_of(
            "E-mail notice %s, attempt %s, failed: %r",
            (12, 1, error),
            exc_info=sys.exc_info(),
            recipient="jo.bloggs@council.example",
        )
    line = JsonFormatter().format(record)
    assert "jo.bloggs" not in line
    entry = json.loads(line)
    assert entry["message"].startswith("E-mail notice 12, attempt 1, failed: SMTPRecipientsRefused({'[e-mail address]'")
    assert entry["recipient"] == "[e-mail address]"
    assert "[e-mail address]" in entry["exception"]
    text = TextFormatter("%(levelname)s %(message)s").format(record)
    assert "jo.bloggs" not in text and "E-mail notice 12" in text


def test_the_token_of_a_password_link_is_redacted_and_the_person_id_kept():
    """An invitation's or a password reset's link in a logged path holds a credential: its token goes."""
    request = type("Request", (), {"method": "GET", "path": "/sign-in/set-password/MTI/cbx1-0a1b2c3d4e5f/"})()
    entry = json_line(record_of("Not Found: %s", (request.path,), name="django.request", request=request))
    assert entry["message"] == "Not Found: /sign-in/set-password/MTI/[token]/"
    assert entry["request"] == {"method": "GET", "path": "/sign-in/set-password/MTI/[token]/"}
    access = json_line(access_record(U="/sign-in/forgotten-password/NDI/cbx1-ffee/", q=""))
    assert access["path"] == "/sign-in/forgotten-password/NDI/[token]/"
    assert "cbx1-ffee" not in access["message"]


def test_a_request_is_logged_without_its_client_address_query_string_or_browser_by_default(monkeypatch):
    monkeypatch.delenv("LOG_CLIENT_ADDRESSES", raising=False)
    entry = json_line(access_record())
    assert entry["message"] == '- "GET /people/ HTTP/1.1" 200 10 2000us'
    assert (entry["method"], entry["path"], entry["status"], entry["duration_ms"]) == ("GET", "/people/", "200", 2.0)
    line = json.dumps(entry)
    for personal in ("198.51.100.7", "Smith", "Mozilla"):
        assert personal not in line, personal
    text = TextFormatter("%(message)s").format(access_record())
    assert text == '- "GET /people/ HTTP/1.1" 200 10 2000us'


def test_the_client_address_is_kept_when_the_council_turns_it_on(monkeypatch):
    """LOG_CLIENT_ADDRESSES=on, for a council whose security policy needs addresses in the web logs."""
    monkeypatch.setenv("LOG_CLIENT_ADDRESSES", "on")
    entry = json_line(access_record())
    assert entry["remote_address"] == "198.51.100.7"
    assert entry["message"].startswith('198.51.100.7 "GET /people/ HTTP/1.1"')
    assert "Smith" not in json.dumps(entry)


def test_django_axes_describes_an_attempt_by_its_page_not_its_username_or_address():
    described = axes_client_description("leader-1", "198.51.100.7", "Mozilla/5.0", "/sign-in/", None)
    assert described == '{path_info: "/sign-in/"}'


@pytest.mark.parametrize(
    "given, address",
    [("", None), ("/dev/log", "/dev/log"), ("logs.council.example:514", ("logs.council.example", 514))],
)
def test_the_syslog_address_is_a_host_and_port_or_a_socket_path(monkeypatch, given, address):
    monkeypatch.setenv("LOG_SYSLOG_ADDRESS", given)
    assert syslog_address() == address


@pytest.mark.parametrize("given", ["logs.council.example", "logs:port", ":514", "host:70000"])
def test_a_syslog_address_that_is_neither_is_refused(monkeypatch, given):
    monkeypatch.setenv("LOG_SYSLOG_ADDRESS", given)
    with pytest.raises(ValueError, match="LOG_SYSLOG_ADDRESS must be host:port"):
        syslog_address()


def test_the_token_of_a_calendar_feed_address_is_redacted():
    """A calendar feed's address carries its token, the only credential the feed asks for (issue 22)."""
    access = json_line(access_record(U="/calendar/Abc_d-123xyz/briefings.ics", q=""))
    assert access["path"] == "/calendar/[token]/briefings.ics"
    assert "Abc_d-123xyz" not in access["message"]
