"""GOV.UK Notify's delivery-receipt callback, POST /notify/receipts/ (issue 22): each bad input gets a clear
answer and changes nothing; a good receipt is recorded once, with history."""

import datetime
import json
import uuid

import pytest
from django.test import Client
from rest_framework.test import APIClient

from register.models import Notification
from register.services import delivery, people
from register.services.system import system_user
from register.views.notify_receipts import RECEIPT_MAX_BYTES
from tests.notify_stand_in import CALLBACK_TOKEN

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

URL = "/notify/receipts/"
DAY = datetime.date(2026, 3, 3)


@pytest.fixture
def emailed(council, notify_api, django_capture_on_commit_callbacks) -> Notification:
    """An absence's e-mail to the deputy, sent through the Notify stand-in in this process."""
    with django_capture_on_commit_callbacks(execute=True):
        absence = people.absence_record(
            actor=council.chief_executive, reason="Annual leave", start_date=DAY, end_date=DAY
        )
    notice = Notification.objects.get(cause=f"absence:{absence.pk}:recorded", channel=Notification.Channel.EMAIL)
    assert notice.status == "sent" and notice.provider_id
    return notice


def receipt_for(notice: Notification, **changes) -> dict:
    body = {
        "id": notice.provider_id,
        "reference": notice.reference,
        "to": notice.recipient.email,
        "status": "delivered",
        "created_at": "2026-03-02T09:00:00.000000Z",
        "completed_at": "2026-03-02T09:00:05.123456Z",
        "sent_at": "2026-03-02T09:00:01.000000Z",
        "notification_type": "email",
    }
    body.update(changes)
    return body


def post(body, *, token: str | None = CALLBACK_TOKEN, raw: bytes | None = None, client: Client | None = None):
    client = client or Client(enforce_csrf_checks=True)
    headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
    data = raw if raw is not None else json.dumps(body)
    return client.post(URL, data=data, content_type="application/json", headers=headers)


def unchanged(notice: Notification) -> bool:
    before = notice.history.count()
    notice.refresh_from_db()
    return notice.receipt == "" and notice.receipt_at is None and notice.history.count() == before


def test_a_receipt_is_recorded_on_its_notice_with_its_time_by_the_system_user_without_csrf_or_session(emailed):
    response = post(receipt_for(emailed))

    assert response.status_code == 200, response.content
    assert response.json() == {"reference": emailed.reference, "receipt": "delivered", "recorded": True}
    assert not response.cookies, "no session, no CSRF cookie"
    emailed.refresh_from_db()
    assert emailed.receipt == Notification.Receipt.DELIVERED
    assert emailed.receipt_at == datetime.datetime(2026, 3, 2, 9, 0, 5, 123456, tzinfo=datetime.UTC)
    recorded = emailed.history.first()
    assert recorded.history_change_reason.startswith("GOV.UK Notify receipt: delivered")
    assert recorded.history_user == system_user()


def test_a_replayed_receipt_answers_200_and_changes_nothing(emailed):
    assert post(receipt_for(emailed)).status_code == 200
    rows = emailed.history.count()

    again = post(receipt_for(emailed, completed_at="2026-03-02T10:00:00Z"))

    assert again.status_code == 200
    assert again.json()["recorded"] is False
    emailed.refresh_from_db()
    assert emailed.history.count() == rows
    assert emailed.receipt_at == datetime.datetime(2026, 3, 2, 9, 0, 5, 123456, tzinfo=datetime.UTC)


@pytest.mark.parametrize("token", [None, "", "wrong-token-wrong-token-wrong", CALLBACK_TOKEN + "x"])
def test_a_receipt_without_the_right_bearer_token_is_refused_401(emailed, token):
    response = post(receipt_for(emailed), token=token)

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Bearer"
    assert unchanged(emailed)


def test_a_token_in_another_scheme_is_refused_401(emailed):
    response = Client().post(
        URL, data=receipt_for(emailed), content_type="application/json", headers={"Authorization": CALLBACK_TOKEN}
    )
    assert response.status_code == 401
    assert unchanged(emailed)


def test_no_token_is_accepted_while_none_is_configured(emailed, settings):
    settings.NOTIFY_CALLBACK_BEARER_TOKEN = ""
    assert post(receipt_for(emailed), token="").status_code == 401
    assert unchanged(emailed)


def test_a_receipt_for_an_unknown_notice_is_404(emailed):
    response = post(receipt_for(emailed, reference="notice-987654321"))

    assert response.status_code == 404
    assert response.json()["field"] == "reference"
    assert unchanged(emailed)


def test_a_receipt_naming_an_in_app_notice_is_404(emailed):
    in_app = Notification.objects.get(cause=emailed.cause, channel=Notification.Channel.IN_APP)
    response = post(receipt_for(emailed, reference=in_app.reference))
    assert response.status_code == 404


def test_a_receipt_whose_id_is_not_the_notification_notify_was_given_is_refused(emailed):
    response = post(receipt_for(emailed, id=str(uuid.uuid4())))

    assert response.status_code == 409
    assert response.json()["field"] == "id"
    assert unchanged(emailed)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"id": None}, "id"),
        ({"id": "not-a-uuid"}, "id"),
        ({"reference": "order-12"}, "reference"),
        ({"reference": "notice-12-1"}, "reference"),
        ({"reference": "notice-12-02"}, "reference"),
        ({"reference": 12}, "reference"),
        ({"status": "sending"}, "status"),
        ({"status": None}, "status"),
        ({"notification_type": "sms"}, "notification_type"),
        ({"completed_at": "yesterday"}, "completed_at"),
        ({"completed_at": None, "sent_at": None, "created_at": None}, "completed_at"),
    ],
)
def test_a_malformed_receipt_is_400_naming_the_field(emailed, changes, field):
    response = post(receipt_for(emailed, **changes))

    assert response.status_code == 400
    assert response.json()["field"] == field
    assert unchanged(emailed)


@pytest.mark.parametrize("raw", [b"{not json", b"[1, 2]", b"\xff\xfe"])
def test_a_body_that_is_not_a_json_object_is_400(emailed, raw):
    response = post(None, raw=raw)
    assert response.status_code == 400
    assert response.json()["field"] == "body"


def test_a_body_over_a_few_kilobytes_is_refused_413_before_it_is_read(emailed):
    response = post(receipt_for(emailed, padding="x" * RECEIPT_MAX_BYTES))
    assert response.status_code == 413
    assert unchanged(emailed)


def test_only_post_is_answered(emailed):
    response = Client().get(URL, headers={"Authorization": f"Bearer {CALLBACK_TOKEN}"})
    assert response.status_code == 405


# --- Sending again: each send its own reference; only the latest send's receipt is recorded ------------


def sent_again(notice: Notification, actor, capture) -> Notification:
    """``notice`` sent again by ``actor`` and delivered to the stand-in after the commit, in this process."""
    with capture(execute=True):
        delivery.notice_retry(notice=notice, actor=actor, reason="Address corrected")
    notice.refresh_from_db()
    assert notice.status == "sent" and notice.provider_id
    return notice


def test_a_resend_is_recorded_under_its_own_reference_and_the_superseded_sends_receipt_changes_nothing(
    emailed, council, notify_api, django_capture_on_commit_callbacks
):
    """The first send's permanent failure is recorded; Democratic Services send it again (notice-<id>-2, a
    new Notify id); its receipt is recorded; the first send's receipt, posted again late, is answered 200
    and changes nothing, since it is true only of a send the register replaced (answering an error would
    only make Notify post it again)."""
    first = receipt_for(emailed, status="permanent-failure")
    assert post(first).status_code == 200
    emailed.refresh_from_db()
    again = sent_again(emailed, council.democratic_services, django_capture_on_commit_callbacks)
    assert again.reference == f"notice-{again.pk}-2"
    assert [sent.reference for sent in notify_api.sent] == [f"notice-{again.pk}", again.reference]

    recorded = post(receipt_for(again, status="delivered"))
    assert recorded.status_code == 200
    assert recorded.json() == {"reference": again.reference, "receipt": "delivered", "recorded": True}

    rows = again.history.count()
    late = post({**first, "status": "temporary-failure"})
    assert late.status_code == 200
    assert late.json() == {
        "reference": f"notice-{again.pk}",
        "receipt": "temporary-failure",
        "recorded": False,
        "superseded_by": again.reference,
    }
    again.refresh_from_db()
    assert (again.receipt, again.history.count()) == ("delivered", rows)


def test_a_receipt_for_a_send_not_yet_made_is_404(emailed):
    response = post(receipt_for(emailed, reference=f"{emailed.reference}-2"))
    assert response.status_code == 404 and response.json()["field"] == "reference"
    assert unchanged(emailed)


def test_a_technical_failure_sends_the_email_again_once_and_a_second_is_left_for_democratic_services(
    emailed, council, notify_api, django_capture_on_commit_callbacks
):
    """Notify's technical failure on the first send: the register sends it again by itself (the system
    user, saying Notify's receipt), under notice-<id>-2. A technical failure on that send is recorded and
    left on Democratic Services' list, not sent a third time."""
    with django_capture_on_commit_callbacks(execute=True):
        assert post(receipt_for(emailed, status="technical-failure")).status_code == 200
    emailed.refresh_from_db()
    assert (emailed.status, emailed.sends, emailed.receipt) == ("sent", 2, "")
    assert len(notify_api.sent) == 2 and notify_api.sent[1].reference == f"notice-{emailed.pk}-2"
    resent = emailed.history.get(history_change_reason__startswith="Sent again by the register")
    assert resent.history_user == system_user()
    assert "technical failure" in resent.history_change_reason
    assert resent.prev_record.receipt == "technical-failure", "the first send's receipt is kept in the history"

    with django_capture_on_commit_callbacks(execute=True) as queued:
        assert post(receipt_for(emailed, status="technical-failure")).status_code == 200
    assert queued == [] and len(notify_api.sent) == 2
    emailed.refresh_from_db()
    assert (emailed.status, emailed.sends, emailed.receipt) == ("sent", 2, "technical-failure")
    api = APIClient()
    api.force_authenticate(council.democratic_services)
    assert [row["id"] for row in api.get("/api/notices/undelivered/").json()["results"]] == [emailed.pk]


def test_a_temporary_failure_is_not_sent_again_by_the_register(emailed, notify_api, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as queued:
        assert post(receipt_for(emailed, status="temporary-failure")).status_code == 200
    emailed.refresh_from_db()
    assert (emailed.receipt, emailed.sends, queued) == ("temporary-failure", 1, [])
    assert len(notify_api.sent) == 1
