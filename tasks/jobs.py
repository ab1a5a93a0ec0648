"""Celery tasks. Thin: each calls a service."""
from celery import shared_task


@shared_task(name="notifications.deliver")
def deliver_notification(notification_id: int) -> str:
    from register.services.delivery import deliver

    return deliver(notification_id)


@shared_task(name="attendance.send_reminders")
def send_attendance_reminders() -> dict:
    """Run by Celery beat (settings.CELERY_BEAT_SCHEDULE): deadlines of A12."""
    from register.services.attendance import attendance_send_reminders

    return attendance_send_reminders()
