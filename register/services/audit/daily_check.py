"""The daily check of the audit history (C4): verify the chain, send its head (or the failure) to those who keep it."""

import datetime
import logging

from django.conf import settings
from django.db import transaction

from register import selectors
from register.models import Post
from register.services.audit.hashing import sha256
from register.services.audit.verification import Verification, verify_history

logger = logging.getLogger(__name__)


def history_daily_check(*, on: datetime.date | None = None) -> Verification:
    """Verify the chain; send the Monitoring Officer and the auditors the day's head hash, or tell
    them at once that verification failed (C4). The heads they keep are what catches a rewrite of
    the whole chain later."""
    from register.services.notifications import notify

    day = on or selectors.today()
    result = verify_history()
    recipients = _monitoring_officer_and_auditors(day)
    if not recipients:
        logger.warning(
            "Nobody holds the Monitoring Officer's or an auditor's post on %s to receive the history check", day
        )
    context = {
        "day": day,
        "council_name": settings.COUNCIL_NAME,
        "verification": result,
        "problems": result.problems[:10],
    }
    with transaction.atomic():
        if result.ok:
            notify(
                cause=f"history-head:{day.isoformat()}",
                kind="history-head",
                recipients=recipients,
                about=None,
                actor=None,
                context=context,
            )
        else:
            failure = sha256("|".join(p.message for p in result.problems))[:12]
            notify(
                cause=f"history-check-failed:{day.isoformat()}:{failure}",
                kind="history-check-failed",
                recipients=recipients,
                about=None,
                actor=None,
                context=context,
            )
    return result


def _monitoring_officer_and_auditors(day: datetime.date) -> list:
    people = [selectors.holder_of(Post.Role.MONITORING_OFFICER, day)]
    people += [holding.person for holding in selectors.holdings_on(Post.Role.AUDITOR, day)]
    return [person for person in people if person is not None]
