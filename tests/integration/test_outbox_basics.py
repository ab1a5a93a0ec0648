"""The outbox, in-process: a change writes its notices in its own transaction."""

import datetime

import pytest
from django.core import mail
from django.db import transaction

from register.models import Absence, Notification
from register.services import people

DAY = datetime.date(2026, 3, 3)


def test_recording_an_absence_tells_the_deputy_by_email_and_in_the_register(
    council, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        absence = people.absence_record(actor=council.chief_executive, reason="Leave", start_date=DAY, end_date=DAY)

    notices = Notification.objects.filter(cause=f"absence:{absence.pk}:recorded")
    assert {(n.recipient, n.channel, n.status) for n in notices} == {
        (council.deputy_chief_executive, "in-app", "sent"),
        (council.deputy_chief_executive, "email", "sent"),
    }
    assert notices.first().actor == council.chief_executive
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [council.deputy_chief_executive.email]
    assert "acting Chief Executive" in mail.outbox[0].subject


def test_a_change_that_rolls_back_leaves_no_notice(council):
    with pytest.raises(RuntimeError), transaction.atomic():
        people.absence_record(actor=council.chief_executive, reason="Leave", start_date=DAY, end_date=DAY)
        raise RuntimeError("the caller's transaction fails after the service")
    assert not Absence.objects.exists()
    assert not Notification.objects.exists()
