"""Delivering one notice from the outbox by e-mail or into the recipient's in-app inbox."""
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.utils import timezone

from register.models import Notification
from register.services.history import save_with_history


def deliver(notification_id: int) -> str:
    """Deliver a notice once: a notice already sent is left alone, so delivering twice sends once."""
    with transaction.atomic():
        notice = Notification.objects.select_for_update(no_key=True, of=("self",)).select_related("recipient").get(pk=notification_id)
        if notice.status == Notification.Status.SENT:
            return notice.status
        actor = notice.actor or _system_user()
        notice.attempts += 1
        if notice.channel == Notification.Channel.EMAIL:
            if not notice.recipient.email:
                notice.status = Notification.Status.FAILED
                notice.last_error = f"{notice.recipient} has no e-mail address."
                save_with_history(notice, actor=actor, reason="Notice failed: no e-mail address",
                                  update_fields=["status", "attempts", "last_error"])
                return notice.status
            message = EmailMultiAlternatives(notice.subject, notice.body_text, to=[notice.recipient.email])
            if notice.body_html:
                message.attach_alternative(notice.body_html, "text/html")
            message.send()
        notice.status = Notification.Status.SENT
        notice.sent_at = timezone.now()
        save_with_history(notice, actor=actor, reason="Notice delivered",
                          update_fields=["status", "attempts", "sent_at"])
        return notice.status


def _system_user():
    from register.services.people import system_user

    return system_user()
