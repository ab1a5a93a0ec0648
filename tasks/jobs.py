"""Celery tasks. Thin: each calls a service."""
from celery import shared_task


@shared_task(name="notifications.deliver")
def deliver_notification(notification_id: int) -> str:
    from register.services.delivery import deliver

    return deliver(notification_id)


@shared_task(name="history.daily_check")
def check_history_daily() -> str:
    """Verify the audit history's chain and send the day's head to the Monitoring Officer and auditors (C4)."""
    from register.services.audit import history_daily_check

    result = history_daily_check()
    return f"verified, head {result.head_hash}" if result.ok else f"FAILED: {result.first_problem}"
