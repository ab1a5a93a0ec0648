"""Celery tasks. Thin: each calls a service."""
from celery import shared_task


@shared_task(name="notifications.deliver")
def deliver_notification(notification_id: int) -> str:
    from register.services.delivery import deliver

    return deliver(notification_id)


@shared_task(name="declarations.send_confirmation_reminders")
def send_declaration_confirmation_reminders() -> int:
    """Daily (CELERY_BEAT_SCHEDULE): remind people before and after their re-confirmation is due (B6)."""
    from register.services.declarations import confirmation_reminders_send

    return confirmation_reminders_send()
