"""Celery tasks. Thin: each calls a service."""
from celery import shared_task


@shared_task(name="notifications.deliver")
def deliver_notification(notification_id: int) -> str:
    from register.services.delivery import deliver

    return deliver(notification_id)
