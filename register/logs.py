"""Structured logs: one JSON object per line, for whatever collects the processes' output.

Used by Django's LOGGING (settings.py), by Celery's worker and beat (tasks/celery.py) and by
gunicorn (gunicorn.conf.py), so that every process of the topology writes the same shape.
Imports nothing from Django: gunicorn loads it before the application.

No personal data beyond ids (issue 21, README "Logs"): both formatters write e-mail addresses as
``[e-mail address]`` and the tokens of password links as ``[token]``, wherever they appear (a message,
an extra, a traceback); a request is logged by method, path and status, without its query string, its
browser, or its client's address unless LOG_CLIENT_ADDRESSES is on; django-axes names no username and
no address (``axes_client_description``). The sign-in history in the database keeps those, under the
retention schedule. LOG_SYSLOG_ADDRESS also sends every line to syslog, as the same JSON.
"""

import copy
import datetime
import json
import logging
import logging.handlers
import os
import re

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


def logs_client_addresses() -> bool:
    """LOG_CLIENT_ADDRESSES=on keeps each request's client address in the access log (README, "Logs")."""
    chosen = os.environ.get("LOG_CLIENT_ADDRESSES", "off").strip().lower()
    if chosen not in {"on", "off"}:
        raise ValueError(f"LOG_CLIENT_ADDRESSES must be on or off, not {chosen!r}.")
    return chosen == "on"


EMAIL_ADDRESS = re.compile(r"[\w.%+-]+@[\w-]+(?:\.[\w-]+)+")
# The links in an invitation and a password reset (register/urls.py): /sign-in/.../<uidb64>/<token>/.
PASSWORD_LINK = re.compile(r"(/sign-in/(?:set-password|forgotten-password)/[^/\s?\"']+/)[^/\s?\"']+")
# A calendar feed's address (issue 22): /calendar/<token>/<kind>.ics, the token being the credential.
CALENDAR_LINK = re.compile(r"(/calendar/)[^/\s?\"']+(?=/)")


def redacted(text: str) -> str:
    """``text`` without e-mail addresses, password links' or calendar feeds' tokens (a uidb64 is a person's id, kept)."""
    text = CALENDAR_LINK.sub(r"\1[token]", text)
    return PASSWORD_LINK.sub(r"\1[token]", EMAIL_ADDRESS.sub("[e-mail address]", text))


def _redacted_value(value):
    if isinstance(value, str):
        return redacted(value)
    if isinstance(value, dict):
        return {key: _redacted_value(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_redacted_value(item) for item in value]
    if isinstance(value, int | float | bool) or value is None:
        return value
    return redacted(str(value))


def message_of(record: logging.LogRecord) -> str:
    """The record's message without personal data; gunicorn's access line from its atoms without the
    client's address (unless kept), query string and browser."""
    if record.name == "gunicorn.access" and isinstance(record.args, dict):
        return redacted(str(record.msg) % _access_atoms(record.args))
    return redacted(record.getMessage())


def _access_atoms(atoms: dict) -> dict:
    safe = copy.copy(atoms)  # gunicorn's SafeAtoms, which answers "-" for an atom it does not have
    path = atoms.get("U") or "-"
    safe.update({"U": path, "q": "", "a": "-", "f": "-"})
    safe["r"] = f"{atoms.get('m', '-')} {path} {atoms.get('H', '')}".strip()
    if not logs_client_addresses():
        safe["h"] = "-"
    return safe


class JsonFormatter(logging.Formatter):
    """Formats a record as one line of JSON: time, level, logger, message, process, and extras."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.datetime.fromtimestamp(record.created, tz=datetime.UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": message_of(record),
            "process": record.process,
        }
        entry.update(_extras(record))
        if record.exc_info:
            entry["exception"] = redacted(self.formatException(record.exc_info))
        if record.stack_info:
            entry["stack"] = redacted(self.formatStack(record.stack_info))
        # default=str: an extra that JSON cannot represent is written as its text, never dropped
        # and never a reason for the log line itself to fail.
        return json.dumps(entry, default=str, ensure_ascii=False)


class TextFormatter(logging.Formatter):
    """The development format (LOG_FORMAT=text), with the same redaction as the JSON lines."""

    def formatMessage(self, record: logging.LogRecord) -> str:  # noqa: N802 (logging's name)
        record.message = message_of(record)
        return super().formatMessage(record)

    def formatException(self, ei) -> str:  # noqa: N802
        return redacted(super().formatException(ei))


def _extras(record: logging.LogRecord) -> dict:
    extras = {}
    for name, value in vars(record).items():
        if name in _STANDARD_ATTRIBUTES or name.startswith("_"):
            continue
        if name == "request":
            # django.request passes the HttpRequest itself; its method and path are what help.
            value = {"method": getattr(value, "method", None), "path": getattr(value, "path", None)}
        extras[name] = _redacted_value(value)
    if record.name == "gunicorn.access" and isinstance(record.args, dict):
        extras.update(_gunicorn_access_fields(record.args))
    return extras


def _gunicorn_access_fields(atoms: dict) -> dict:
    """Gunicorn passes the request's details as a dict of its access-log atoms: the method, the path (a
    password link's token redacted), the status, the size and the time; the client's address only when
    LOG_CLIENT_ADDRESSES is on; never the query string (a search for a name, a sign-in code) nor the browser."""
    fields = {
        "remote_address": atoms.get("h") if logs_client_addresses() else None,
        "method": atoms.get("m"),
        "path": redacted(atoms["U"]) if isinstance(atoms.get("U"), str) else None,
        "status": atoms.get("s"),
        "bytes": atoms.get("B"),
    }
    if isinstance(atoms.get("D"), int):
        fields["duration_ms"] = round(atoms["D"] / 1000, 1)
    return {key: value for key, value in fields.items() if value not in (None, "-")}


def axes_client_description(username, ip_address, user_agent, path_info, request) -> str:
    """What django-axes writes into its log lines about an attempt (AXES_CLIENT_STR_CALLABLE): the page, not
    the username or the address; the sign-in history (SignInEvent) keeps those, under the retention schedule."""
    path = path_info[0] if isinstance(path_info, list | tuple) and path_info else path_info
    return f'{{path_info: "{redacted(str(path or "-"))}"}}'


class SyslogHandler(logging.handlers.SysLogHandler):
    """Python's syslog handler, without the NUL byte it appends by default (rsyslog and syslog-ng take a
    datagram as one message; a trailing NUL ends up in the stored line)."""

    append_nul = False


def syslog_address() -> tuple[str, int] | str | None:
    """LOG_SYSLOG_ADDRESS: ``host:port`` (UDP), or a Unix socket's path such as ``/dev/log``; None when unset."""
    given = os.environ.get("LOG_SYSLOG_ADDRESS", "").strip()
    if not given:
        return None
    if given.startswith("/"):
        return given
    host, _, port = given.rpartition(":")
    host = host.strip("[]")
    if not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise ValueError(f"LOG_SYSLOG_ADDRESS must be host:port or a socket's path such as /dev/log, not {given!r}.")
    return host, int(port)


def syslog_handler() -> dict | None:
    """The logging configuration's syslog handler (JSON lines, as the console's in production), or None."""
    address = syslog_address()
    if address is None:
        return None
    return {
        "class": "register.logs.SyslogHandler",
        "address": address,
        "facility": os.environ.get("LOG_SYSLOG_FACILITY", "local0").strip().lower(),
        "formatter": "json",
    }
