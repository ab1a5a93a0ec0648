"""The daily check of the audit history (C4): verify the chain, sign a checkpoint of it (issue 20), and send
both (or the failure) to those who keep them."""

import datetime
import logging

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction

from register import selectors
from register.models import Post, TransparencyLog
from register.services.audit import checkpoints
from register.services.audit.hashing import sha256
from register.services.audit.verification import Verification, verify_history

logger = logging.getLogger(__name__)


def history_daily_check(*, on: datetime.date | None = None) -> Verification:
    """Verify the chain; if it verifies, sign a checkpoint of the history (and of the access log) and send
    the Monitoring Officer and the auditors the day's head hash and the signed checkpoints; otherwise
    tell them at once that verification failed (C4). The heads and checkpoints they keep are what
    catches a rewrite of the whole history later. A history that does not verify is not signed."""
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
    if result.ok:
        context.update(_signed_checkpoints())
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


def _signed_checkpoints() -> dict:
    """The day's checkpoints for the notice, as published (with the line around each note), or why none
    could be signed: a missing key is said in the notice and logged as an error, and the head still goes."""
    try:
        history = checkpoints.sign_checkpoint(log=TransparencyLog.HISTORY, reason="daily check")
        access = checkpoints.sign_checkpoint(log=TransparencyLog.ACCESS, reason="daily check")
    except ImproperlyConfigured as error:
        logger.error("The daily check signed no checkpoint: %s", error)
        return {"checkpoint_problem": str(error)}
    return {
        "checkpoint": history,
        "checkpoint_markers": checkpoints.note_markers(TransparencyLog.HISTORY),
        "access_checkpoint": access,
        "access_markers": checkpoints.note_markers(TransparencyLog.ACCESS),
    }


def _monitoring_officer_and_auditors(day: datetime.date) -> list:
    people = [selectors.holder_of(Post.Role.MONITORING_OFFICER, day)]
    people += [holding.person for holding in selectors.holdings_on(Post.Role.AUDITOR, day)]
    return [person for person in people if person is not None]
