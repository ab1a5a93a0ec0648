"""Reads of a person's own notices: their inbox, and nobody else's."""

from register.errors import NotFound
from register.models import Notification, Person


def inbox(viewer: Person):
    """The viewer's in-app notices that have been delivered, newest first. Nobody else's."""
    return (
        Notification.objects.filter(
            recipient=viewer, channel=Notification.Channel.IN_APP, status=Notification.Status.SENT
        )
        .select_related("actor")
        .order_by("-created_at", "-id")
    )


def unread_count(viewer: Person) -> int:
    return inbox(viewer).filter(read_at__isnull=True).count()


def notice_in_inbox(viewer: Person, notice_id: int) -> Notification:
    """One notice from the viewer's inbox; anyone else's is not found, not forbidden."""
    notice = inbox(viewer).filter(pk=notice_id).first()
    if notice is None:
        raise NotFound("There is no such notice in your inbox.")
    return notice
