"""The conflict check's reminder (B7): a member with a declared relationship declares it at the meeting."""

import datetime
from collections import defaultdict
from collections.abc import Iterable

from django.db import models

from register.models import Notification, Person
from register.selectors.declarations import ActiveRelationship
from register.services.declarations.common import common_context
from register.services.notifications import notify


def declare_at_meeting_remind(
    *,
    relationships: Iterable[ActiveRelationship],
    about: models.Model,
    meeting_on: datetime.date,
    actor: Person | None,
    cause: str,
) -> list[Notification]:
    """Remind each member in ``relationships`` (from ``active_relationships``) to declare the
    interest at the meeting the officer attends (B7, B3). For the attendance service to call
    inside its own transaction; names the officer and the kind, never the description."""
    by_member, seen = defaultdict(list), set()
    for relationship in relationships:
        # Both sides' declarations of one relationship make one line of the reminder.
        key = (relationship.member.pk, relationship.officer.pk, relationship.kind)
        if key not in seen:
            seen.add(key)
            by_member[relationship.member].append(relationship)
    written = []
    for member, theirs in by_member.items():
        written += notify(
            cause=cause,
            kind="declaration-declare-at-meeting",
            recipients=[member],
            about=about,
            actor=actor,
            context=common_context(relationships=theirs, meeting_on=meeting_on),
        )
    return written
