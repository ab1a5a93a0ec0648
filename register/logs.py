"""Structured logs: one JSON object per line, for whatever collects the processes' output.

Used by Django's LOGGING (settings.py), by Celery's worker and beat (tasks/celery.py) and by
gunicorn (gunicorn.conf.py), so that every process of the topology writes the same shape.
Imports nothing from Django: gunicorn loads it before the application.
"""

import datetime
import json
import logging
import os

# The attributes every LogRecord has; anything else on a record was passed in `extra=`.
_STANDARD_ATTRIBUTES = frozenset(
    vars(logging.LogRecord("", 0, "", 0, "", (), None)).keys() | {"message", "asctime", "color_message"}
)


def log_format() -> str:
    """`json` in production, `text` elsewhere, unless LOG_FORMAT says which."""
    default = "json" if os.environ.get("REGISTER_ENV") == "production" else "text"
    chosen = os.environ.get("LOG_FORMAT", default).strip().lower()
    if chosen not in {"json", "text"}:
        raise ValueError(f"LOG_FORMAT must be json or text, not {chosen!r}.")
    return chosen


class JsonFormatter(logging.Formatter):
    """Formats a record as one line of JSON: time, level, logger, message, process, and extras."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.datetime.fromtimestamp(record.created, tz=datetime.UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "process": record.process,
        }
        entry.update(_extras(record))
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        # default=str: an extra that JSON cannot represent is written as its text, never dropped
        # and never a reason for the log line itself to fail.
        return json.dumps(entry, default=str, ensure_ascii=False)


def _extras(record: logging.LogRecord) -> dict:
    extras = {}
    for name, value in vars(record).items():
        if name in _STANDARD_ATTRIBUTES or name.startswith("_"):
            continue
        if name == "request":
            # django.request passes the HttpRequest itself; its method and path are what help.
            value = {"method": getattr(value, "method", None), "path": getattr(value, "path", None)}
        extras[name] = value
    if record.name == "gunicorn.access" and isinstance(record.args, dict):
        extras.update(_gunicorn_access_fields(record.args))
    return extras


def _gunicorn_access_fields(atoms: dict) -> dict:
    """Gunicorn passes the request's details as a dict of its access-log atoms."""
    fields = {
        "remote_address": atoms.get("h"),
        "method": atoms.get("m"),
        "path": atoms.get("U"),
        "query": atoms.get("q") or None,
        "status": atoms.get("s"),
        "bytes": atoms.get("B"),
        "user_agent": atoms.get("a"),
    }
    if isinstance(atoms.get("D"), int):
        fields["duration_ms"] = round(atoms["D"] / 1000, 1)
    return {key: value for key, value in fields.items() if value not in (None, "-")}
