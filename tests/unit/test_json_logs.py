"""Structured logs: every record is one line holding one JSON object (register/logs.py)."""

import json
import logging

from register.logs import JsonFormatter, log_format


def format_record(record: logging.LogRecord) -> dict:
    line = JsonFormatter().format(record)
    assert "\n" not in line
    return json.loads(line)


def make_record(message="Notice %s queued", args=(12,), level=logging.INFO, exc_info=None, **extra):
    record = logging.LogRecord("register.services", level, __file__, 1, message, args, exc_info)
    for name, value in extra.items():
        setattr(record, name, value)
    return record


def test_a_record_is_one_json_object_with_time_level_logger_and_message():
    entry = format_record(make_record())
    assert entry["message"] == "Notice 12 queued"
    assert entry["level"] == "INFO"
    assert entry["logger"] == "register.services"
    assert entry["time"].endswith("+00:00")
    assert isinstance(entry["process"], int)


def test_an_exception_and_a_multi_line_message_stay_on_one_line():
    try:
        raise ValueError("first line\nsecond line")
    except ValueError:
        import sys

        record = make_record(
            message="Delivery failed:\n%s", args=("details",), level=logging.ERROR, exc_info=sys.exc_info()
        )
    entry = format_record(record)
    assert entry["message"] == "Delivery failed:\ndetails"
    assert "ValueError: first line\nsecond line" in entry["exception"]


def test_extras_are_kept_and_what_json_cannot_hold_is_written_as_text():
    class Request:
        method = "POST"
        path = "/api/absences/"

    entry = format_record(make_record(status_code=503, request=Request(), cause=object()))
    assert entry["status_code"] == 503
    assert entry["request"] == {"method": "POST", "path": "/api/absences/"}
    assert entry["cause"].startswith("<object object")


def test_gunicorn_access_records_carry_the_request_as_fields(monkeypatch):
    monkeypatch.setenv("LOG_CLIENT_ADDRESSES", "on")  # off by default: tests/unit/test_logs_personal_data.py
    atoms = {"h": "10.0.0.1", "m": "GET", "U": "/healthz", "q": "", "s": "200", "B": 50, "D": 1500, "a": "probe"}
    record = logging.LogRecord(
        "gunicorn.access", logging.INFO, __file__, 1, '%(h)s "%(m)s %(U)s" %(s)s', (atoms,), None
    )
    entry = format_record(record)
    assert entry["message"] == '10.0.0.1 "GET /healthz" 200'
    assert (entry["method"], entry["path"], entry["status"], entry["duration_ms"]) == ("GET", "/healthz", "200", 1.5)


def test_logs_are_json_in_production_and_text_in_development_unless_told(monkeypatch):
    monkeypatch.delenv("LOG_FORMAT", raising=False)
    monkeypatch.setenv("REGISTER_ENV", "production")
    assert log_format() == "json"
    monkeypatch.setenv("REGISTER_ENV", "development")
    assert log_format() == "text"
    monkeypatch.setenv("LOG_FORMAT", "json")
    assert log_format() == "json"
