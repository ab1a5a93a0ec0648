"""A mail server for tests whose e-mail is sent by another process (the Celery worker).

Each message the "server" accepts is one JSON line appended to REGISTER_TEST_MAIL_LOG, so a test
can count exactly what was sent. Like the simulator addresses some mail services offer, the
recipient's address chooses how the server behaves:

- ``slow-before-...@``: wait REGISTER_TEST_MAIL_SLOW_SECONDS, then accept (a slow server);
- ``slow-after-...@``: accept, then wait before answering (the window in which the mail has gone
  but the register has not yet heard so);
- ``flaky-N-...@``: refuse the first N attempts at that address, then accept;
- anything else: accept at once.

Selected with EMAIL_BACKEND=tests.mail.RecordingBackend in the worker's environment.
"""

import json
import os
import re
import smtplib
import time
from pathlib import Path

from django.core.mail.backends.base import BaseEmailBackend

FLAKY = re.compile(r"^flaky-(\d+)-")


class RecordingBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        for message in email_messages:
            self._send(message)
        return len(email_messages)

    def _send(self, message):
        address = message.to[0]
        pause = float(os.environ.get("REGISTER_TEST_MAIL_SLOW_SECONDS", "5"))
        if address.startswith("slow-before-"):
            time.sleep(pause)
        flaky = FLAKY.match(address)
        if flaky and len(read_log(log_path(), event="refused", to=address)) < int(flaky.group(1)):
            _append("refused", message)
            raise smtplib.SMTPServerDisconnected("The test mail server hung up")
        _append("accepted", message)
        if address.startswith("slow-after-"):
            time.sleep(pause)


def log_path() -> Path:
    return Path(os.environ["REGISTER_TEST_MAIL_LOG"])


def _append(event: str, message) -> None:
    line = json.dumps(
        {
            "event": event,
            "to": message.to,
            "subject": message.subject,
            "pid": os.getpid(),
            "html": any(mimetype == "text/html" for _, mimetype in getattr(message, "alternatives", [])),
        }
    )
    # One short write in append mode: lines from several processes never interleave.
    with open(log_path(), "a", encoding="utf-8") as log:
        log.write(line + "\n")


def read_log(path: Path, *, event: str = "accepted", to: str | None = None) -> list[dict]:
    """The server's log lines of one kind, optionally for one address."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return []
    entries = [json.loads(line) for line in lines if line.strip()]
    return [e for e in entries if e["event"] == event and (to is None or to in e["to"])]
