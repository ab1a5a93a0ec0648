"""GOV.UK Notify as the register's e-mail service (NOTICE_EMAIL_SERVICE=notify): sending a notice with
the official client, finding one Notify already has, its configuration, and its delivery receipts.

Each kind of notice has its own Notify template (NOTIFY_TEMPLATE_<KIND>); the register renders the
notice itself, so every template takes the same personalisation fields (``PERSONALISATION``) and
the README gives the text to paste in. The notice's reference (``notice-<pk>``) goes with it, so
that a receipt, or an attempt that takes over from one that died, finds the notice again.
"""

import logging
import re
import uuid
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from notifications_python_client import NotificationsAPIClient
from notifications_python_client.errors import HTTPError

from register.models import Notification
from register.notice_links import NoticeLink

logger = logging.getLogger(__name__)

# The fields every notice's template is given, and what each holds (the README lists them).
PERSONALISATION = {
    "subject": "the notice's subject line",
    "body": "the notice's text, without its link",
    "link": "the absolute address of the page where the reader acts (empty if none)",
    "link_label": "the words of that link (empty if none)",
}
# The text to paste into each template in Notify (subject line, then message).
TEMPLATE_SUBJECT = "((subject))"
TEMPLATE_MESSAGE = "((body))\n\n((link_label)): ((link))"

TEMPLATE_SETTING_PREFIX = "NOTIFY_TEMPLATE_"
# Notify's API keys are "<key name>-<service id>-<secret>", the last two UUIDs (the client reads them so).
_UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
API_KEY_FORMAT = re.compile(rf"^.+-{_UUID}-{_UUID}$", re.IGNORECASE)
# A notice's reference (Notification.reference), as Notify gives it back: the notice's id, and after the
# first send, which send it was (notice-123, then notice-123-2 when it is sent again; never -1 or -02,
# which no send is called).
REFERENCE_FORMAT = re.compile(r"^notice-(\d{1,18})(?:-([2-9]|[1-9]\d{1,8}))?$")
MIN_BEARER_TOKEN_LENGTH = 16


def notice_kinds() -> list[str]:
    """Every kind of notice the register writes: one per ``templates/notifications/<kind>.subject.txt``."""
    folder = Path(settings.BASE_DIR) / "templates" / "notifications"
    return sorted(path.name.removesuffix(".subject.txt") for path in folder.glob("*.subject.txt"))


def template_setting(kind: str) -> str:
    """The environment variable that holds ``kind``'s Notify template id."""
    return TEMPLATE_SETTING_PREFIX + kind.upper().replace("-", "_")


def configuration_problems(
    *, api_key: str, base_url: str, bearer_token: str, templates: dict[str, str], kinds: list[str]
) -> list[str]:
    """What is missing or malformed in the Notify settings, in words an operator acts on; [] if nothing."""
    problems = []
    if not api_key:
        problems.append("NOTIFY_API_KEY is not set.")
    elif not API_KEY_FORMAT.match(api_key):
        problems.append("NOTIFY_API_KEY is not a Notify API key (<key name>-<service id>-<secret>).")
    if not re.match(r"^https?://[^/\s]+", base_url or ""):
        problems.append(f"NOTIFY_BASE_URL {base_url!r} is not an http(s) address.")
    if len(bearer_token) < MIN_BEARER_TOKEN_LENGTH:
        problems.append(
            f"NOTIFY_CALLBACK_BEARER_TOKEN must be set, at least {MIN_BEARER_TOKEN_LENGTH} characters "
            "(the token given to Notify for its delivery-receipt callback)."
        )
    settings_for = {template_setting(kind): kind for kind in kinds}
    missing = [template_setting(kind) for kind in kinds if not templates.get(template_setting(kind))]
    if missing:
        problems.append(f"No Notify template id for {len(missing)} kind(s) of notice: {', '.join(missing)}.")
    for name, value in sorted(templates.items()):
        if name not in settings_for:
            problems.append(f"{name} names no kind of notice the register sends.")
        elif value and not is_uuid(value):
            problems.append(f"{name} is not a Notify template id (a UUID): {value!r}.")
    return problems


def check_configuration() -> None:
    """Raise ImproperlyConfigured naming every problem, when Notify is the chosen e-mail service."""
    if settings.NOTICE_EMAIL_SERVICE != Notification.Service.NOTIFY:
        return
    problems = configuration_problems(
        api_key=settings.NOTIFY_API_KEY,
        base_url=settings.NOTIFY_BASE_URL,
        bearer_token=settings.NOTIFY_CALLBACK_BEARER_TOKEN,
        templates=settings.NOTIFY_TEMPLATES,
        kinds=notice_kinds(),
    )
    if problems:
        raise ImproperlyConfigured("NOTICE_EMAIL_SERVICE=notify, but " + " ".join(problems))


def is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


# Sending


class NotifyRefused(Exception):
    """Notify answered that it will not send this e-mail (400, 403, another 4xx but 429): not retried."""

    def __init__(self, status_code: int, message: str):
        super().__init__(f"GOV.UK Notify refused the e-mail ({status_code}): {message}")
        self.status_code = status_code
        self.message = message

    @property
    def address_rejected(self) -> bool:
        """Notify's 400 that names the address (``email_address Not a valid email address``)."""
        return self.status_code == 400 and "email_address" in self.message


def client() -> NotificationsAPIClient:
    check_configuration()
    return NotificationsAPIClient(settings.NOTIFY_API_KEY, base_url=settings.NOTIFY_BASE_URL)


def personalisation(notice: Notification) -> dict[str, str]:
    """The template's fields (PERSONALISATION): the notice as the register rendered it."""
    link = NoticeLink(notice.link_label, notice.link_path) if notice.link_path else None
    body = notice.body_text
    if link is not None:
        # The e-mail's text ends with its link (services/notifications.py); the template places it instead.
        body = body.removesuffix(f"\n\n{link.label}: {link.url}")
    return {
        "subject": notice.subject,
        "body": body,
        "link": link.url if link else "",
        "link_label": link.label if link else "",
    }


def send(notice: Notification) -> str:
    """Hand the notice to Notify; Notify's id for it. Raises NotifyRefused for an answer that a retry
    would not change; anything else (429, 5xx, no connection) propagates, to be retried."""
    try:
        answer = client().send_email_notification(
            email_address=notice.recipient.email,
            template_id=settings.NOTIFY_TEMPLATES[template_setting(notice.kind)],
            personalisation=personalisation(notice),
            reference=notice.reference,
        )
    except HTTPError as error:
        _raise_if_refused(error)
        raise
    return str(answer["id"])


def already_sent(notice: Notification) -> str | None:
    """Notify's id for this notice if an earlier attempt already handed it over (found by its
    reference), else None. Notify lists what it has sent in the last 7 days."""
    try:
        answer = client().get_all_notifications(reference=notice.reference, template_type="email")
    except HTTPError as error:
        _raise_if_refused(error)
        raise
    for found in answer.get("notifications", []):
        if found.get("reference") == notice.reference:
            return str(found["id"])
    return None


def _raise_if_refused(error: HTTPError) -> None:
    if error.status_code != 429 and 400 <= error.status_code < 500:
        raise NotifyRefused(error.status_code, _words(error.message)) from error


def _words(message) -> str:
    """Notify's error body, ``[{"error": ..., "message": ...}]``, as one line."""
    if isinstance(message, list):
        return "; ".join(str(item.get("message", item)) if isinstance(item, dict) else str(item) for item in message)
    return str(message)
