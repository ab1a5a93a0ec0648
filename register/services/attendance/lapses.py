"""A request still awaiting a decision when its meeting begins lapses (A12, C3): a state of its own,
made by the register itself, so that it does not stay "awaiting a decision" for ever. Run by the
Celery beat task every few minutes; safe to run any number of times."""

from django.db import transaction

from register import selectors, workflow
from register.models import AttendanceRequest
from register.services.attendance import notices
from register.services.attendance.common import REQUEST
from register.services.history import save_with_history
from register.services.system import system_user

LAPSE_REASON = "Lapsed: no decision was made before the meeting began (A12)"


def attendance_requests_lapse() -> list[int]:
    """Lapse every request still awaiting a decision whose meeting has begun, each in its own
    transaction: the history names the system user with the reason, and the group, the officers
    asked and the acting Chief Executive are told. Answers the ids of the requests lapsed."""
    now = selectors.now()
    due = (
        AttendanceRequest.objects.filter(state=workflow.SUBMITTED, meeting__starts_at__lte=now)
        .order_by("meeting__starts_at", "id")
        .values_list("pk", flat=True)
    )
    return [pk for pk in list(due) if _lapse(pk, now)]


def _lapse(pk: int, now) -> bool:
    with transaction.atomic():
        request = (
            AttendanceRequest.objects.select_for_update(no_key=True, of=("self",))
            .select_related("group", "meeting", "requested_by")
            .filter(pk=pk)
            .first()
        )
        # Decided, withdrawn or amended to a later meeting since the list was read: nothing to do.
        if request is None or not workflow.allows(REQUEST, request.state, workflow.LAPSE):
            return False
        if request.meeting.starts_at > now:
            return False
        request.state = workflow.next_state(REQUEST, request.state, workflow.LAPSE)
        request.closing_reason = LAPSE_REASON
        save_with_history(request, actor=system_user(), reason=LAPSE_REASON, update_fields=["state", "closing_reason"])
        notices.tell_lapsed(request)
    return True
