"""Reads of the statutory officers' recorded absences (A2), for Democratic Services' absences page."""

import datetime

from django.db.models import Q

from register import policies
from register.errors import NotFound
from register.models import Absence, Post
from register.policies.standing import Standing

# Absences that ended this many days ago are still listed: one ended early is seen to have ended.
RECENTLY = datetime.timedelta(days=30)


def statutory_absences(*, viewer: Standing):
    """The Chief Executive's and the Monitoring Officer's absences that have not ended, or ended in the
    last 30 days, whatever their state, soonest first: for those who keep or read the records of people
    (Democratic Services, the Monitoring Officer and deputy, auditors). One query, whatever the number."""
    if not policies.reads_people_records(viewer):
        raise NotFound("There is no such list.")
    statutory = Q(post__isnull=True) | Q(post__role__in=list(Post.ABSENCE_DEPUTIES))
    return (
        Absence.objects.filter(statutory, end_date__gte=viewer.on - RECENTLY)
        .select_related("person", "recorded_by", "post")
        .order_by("start_date", "id")
    )


def absence_posts() -> dict[str, Post]:
    """The posts whose holders' absences are recorded, by role (one query)."""
    return {post.role: post for post in Post.objects.filter(role__in=list(Post.ABSENCE_DEPUTIES))}
