"""A stand-in for GOV.UK Notify's API, for the tests: an HTTP server on loopback, in a thread of the test
process, that the official client (and so the Celery worker) talks to through NOTIFY_BASE_URL.

It implements what the register calls: POST /v2/notifications/email, GET /v2/notifications/<id> and
GET /v2/notifications?reference=...; it checks each request's JWT as Notify does (HS256 signed with the
API key's secret, ``iss`` the service id, ``iat`` within 30 seconds); it records what was sent; it can
be told to answer with an error the next N times, or to hold a request after recording it (the window in
which Notify has the e-mail but the register has not heard so); and it posts delivery receipts to the
register's callback as Notify does.
"""

import datetime
import json
import re
import threading
import time
import urllib.request
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import jwt

SERVICE_ID = "6f0f3b1e-8a7c-4a6e-9d55-1c2b3a4d5e6f"
SECRET = "0d3a6c2e-4b1f-4e8a-a1c9-7e5d3b2f1a90"
API_KEY = f"register_tests-{SERVICE_ID}-{SECRET}"
CALLBACK_TOKEN = "stand-in-callback-token-0123456789"
JWT_LEEWAY_SECONDS = 30

# Notify's error bodies for the answers the stand-in can be told to give.
ERRORS = {
    400: {"error": "ValidationError", "message": "email_address Not a valid email address"},
    403: {"error": "AuthError", "message": "Invalid token: API key not found"},
    429: {
        "error": "RateLimitError",
        "message": "Exceeded rate limit for key type LIVE of 3000 requests per 60 seconds",
    },
    500: {"error": "Exception", "message": "Internal server error"},
}


@dataclass
class Sent:
    id: str
    email_address: str
    template_id: str
    personalisation: dict
    reference: str
    created_at: str
    status: str = "sending"


@dataclass
class NotifyStandIn:
    """The server's state, shared with the tests that run it."""

    sent: list[Sent] = field(default_factory=list)
    refused: list[dict] = field(default_factory=list)  # requests answered with an error, and why
    _failures: list[int] = field(default_factory=list)  # the next answers to POST /v2/notifications/email
    hold_seconds: float = 0.0  # after recording an e-mail, wait this long before answering
    _lock: threading.Lock = field(default_factory=threading.Lock)
    url: str = ""

    # What a test tells it.

    def fail_next(self, status: int, times: int = 1) -> None:
        with self._lock:
            self._failures.extend([status] * times)

    def reset(self) -> None:
        with self._lock:
            self.sent.clear()
            self.refused.clear()
            self._failures.clear()
            self.hold_seconds = 0.0

    def sent_to(self, address: str) -> list[Sent]:
        with self._lock:
            return [sent for sent in self.sent if sent.email_address == address]

    def post_receipt(self, sent: Sent, *, status: str, callback_url: str, token: str = CALLBACK_TOKEN) -> int:
        """Post a delivery receipt for ``sent`` to the register's callback as Notify does; the answer's status."""
        now = _now()
        body = {
            "id": sent.id,
            "reference": sent.reference,
            "to": sent.email_address,
            "status": status,
            "created_at": sent.created_at,
            "completed_at": now,
            "sent_at": now,
            "notification_type": "email",
        }
        sent.status = status
        request = urllib.request.Request(
            callback_url,
            data=json.dumps(body).encode(),
            headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code

    # What the server does.

    def _next_failure(self) -> int | None:
        with self._lock:
            return self._failures.pop(0) if self._failures else None

    def _record(self, body: dict) -> Sent:
        sent = Sent(
            id=str(uuid.uuid4()),
            email_address=body["email_address"],
            template_id=body["template_id"],
            personalisation=body.get("personalisation") or {},
            reference=body.get("reference") or "",
            created_at=_now(),
        )
        with self._lock:
            self.sent.append(sent)
        return sent

    def _find(self, *, notification_id: str | None = None, reference: str | None = None) -> list[Sent]:
        with self._lock:
            return [
                sent
                for sent in self.sent
                if (notification_id is None or sent.id == notification_id)
                and (reference is None or sent.reference == reference)
            ]


def _now() -> str:
    return datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _as_notification(sent: Sent) -> dict:
    return {
        "id": sent.id,
        "reference": sent.reference,
        "email_address": sent.email_address,
        "type": "email",
        "status": sent.status,
        "template": {"id": sent.template_id, "version": 1, "uri": f"/v2/template/{sent.template_id}"},
        "subject": sent.personalisation.get("subject", ""),
        "body": sent.personalisation.get("body", ""),
        "created_at": sent.created_at,
    }


def token_problem(header: str) -> str | None:
    """Why a request's Authorization header would not satisfy Notify, or None if it would."""
    scheme, _, token = header.partition(" ")
    if scheme != "Bearer" or not token:
        return "Unauthorized: authentication token must be provided"
    try:
        claims = jwt.decode(token, SECRET, algorithms=["HS256"], options={"verify_iat": False})
    except jwt.InvalidTokenError as error:
        return f"Invalid token: {error}"
    if claims.get("iss") != SERVICE_ID:
        return "Invalid token: service not found"
    issued = claims.get("iat")
    if not isinstance(issued, int) or abs(time.time() - issued) > JWT_LEEWAY_SECONDS:
        return "Error: Your system clock must be accurate to within 30 seconds"
    return None


NOTIFICATION_PATH = re.compile(r"^/v2/notifications/([0-9a-f-]{36})$")


def _handler(stand_in: NotifyStandIn):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):  # quiet: the tests read the stand-in's state instead
            pass

        def _answer(self, status: int, body: dict) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _error(self, status: int, error: dict) -> None:
            stand_in.refused.append({"status": status, "path": self.path, **error})
            self._answer(status, {"status_code": status, "errors": [error]})

        def _authorised(self) -> bool:
            problem = token_problem(self.headers.get("Authorization", ""))
            if problem:
                self._error(403, {"error": "AuthError", "message": problem})
            return problem is None

        def do_POST(self):
            body = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)) or b"{}")
            if not self._authorised():
                return
            if self.path != "/v2/notifications/email":
                return self._error(404, {"error": "NotFound", "message": "Not Found"})
            failure = stand_in._next_failure()
            if failure is not None:
                return self._error(failure, ERRORS[failure])
            missing = [name for name in ("email_address", "template_id") if not body.get(name)]
            if missing:
                return self._error(400, {"error": "ValidationError", "message": f"{missing[0]} is a required property"})
            sent = stand_in._record(body)
            if stand_in.hold_seconds:
                time.sleep(stand_in.hold_seconds)
            self._answer(
                201,
                {
                    "id": sent.id,
                    "reference": sent.reference,
                    "content": {"subject": sent.personalisation.get("subject", ""), "body": ""},
                    "template": {"id": sent.template_id, "version": 1, "uri": ""},
                    "uri": f"{stand_in.url}/v2/notifications/{sent.id}",
                },
            )

        def do_GET(self):
            if not self._authorised():
                return
            url = urlsplit(self.path)
            one = NOTIFICATION_PATH.match(url.path)
            if one:
                found = stand_in._find(notification_id=one.group(1))
                if not found:
                    return self._error(404, {"error": "NoResultFound", "message": "No result found"})
                return self._answer(200, _as_notification(found[0]))
            if url.path == "/v2/notifications":
                reference = parse_qs(url.query).get("reference", [None])[0]
                found = stand_in._find(reference=reference)
                return self._answer(
                    200,
                    {
                        "notifications": [_as_notification(sent) for sent in reversed(found)],
                        "links": {"current": f"{stand_in.url}/v2/notifications"},
                    },
                )
            return self._error(404, {"error": "NotFound", "message": "Not Found"})

    return Handler


class NotifyServer:
    """The stand-in, served on 127.0.0.1 at a free port from a daemon thread."""

    def __init__(self):
        self.state = NotifyStandIn()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self.state))
        self.server.daemon_threads = True
        self.state.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, name="notify-stand-in", daemon=True)

    def start(self) -> "NotifyServer":
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def template_id(kind: str) -> str:
    """The stand-in's template id for a kind of notice (any UUID would do; this one says which kind)."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"notify-template:{kind}"))


def notify_settings(url: str) -> dict[str, str]:
    """The environment that sends the register's e-mail through the stand-in at ``url``."""
    from register.services.notify import notice_kinds, template_setting

    return {
        "NOTICE_EMAIL_SERVICE": "notify",
        "NOTIFY_API_KEY": API_KEY,
        "NOTIFY_BASE_URL": url,
        "NOTIFY_CALLBACK_BEARER_TOKEN": CALLBACK_TOKEN,
        **{template_setting(kind): template_id(kind) for kind in notice_kinds()},
    }
