"""Reads of the register, always scoped to the viewer, one module per area; this package names
them all, so that ``selectors.holder_of`` or ``selectors.attendance_request_for`` is found in one place.

Every role is derived from posts held on a date (DOMAIN.md, "People, groups and posts").
"""

import datetime

from register.selectors import clock
from register.selectors.briefings import (
    BriefingFact,
    OfficerInPost,
    PublishedEntry,
    briefing_facts,
    entry_key,
    published_briefings,
    published_entries,
    published_register,
    updated_entries,
)
from register.selectors.notices import inbox, notice_in_inbox, unread_count
from register.selectors.people import *  # noqa: F403 -- who holds which post, named here too
from register.selectors.requests import *  # noqa: F403 -- the attendance reads, named here too
from register.selectors.standing import (
    people_with_standing,
    standing_for_request,
    standing_loaded_with,
    standing_of,
    tokens_with_standing,
)


def today() -> datetime.date:
    """The council's date now (Europe/London), which is what posts and absences are dated in."""
    return clock.today()


def now() -> datetime.datetime:
    """The time now. Services read the clock here, so that tests can set it (``clock.now``)."""
    return clock.now()


__all__ = [
    "BriefingFact",
    "OfficerInPost",
    "PublishedEntry",
    "briefing_facts",
    "clock",
    "entry_key",
    "published_briefings",
    "published_entries",
    "published_register",
    "updated_entries",
    "inbox",
    "notice_in_inbox",
    "now",
    "standing_for_request",
    "standing_loaded_with",
    "standing_of",
    "people_with_standing",
    "tokens_with_standing",
    "today",
    "unread_count",
]
