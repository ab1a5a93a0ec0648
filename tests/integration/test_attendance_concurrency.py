"""Two decisions at once on the same request, from two threads on PostgreSQL: exactly one is
applied, and the other is refused with a clear conflict error."""

import threading

import pytest
from django.db import connection

from register import workflow
from register.errors import Conflict, InvalidTransition
from register.models import AttendanceRequest
from register.services import attendance
from tests.factories import submit_request


@pytest.mark.django_db(transaction=True)
def test_two_decisions_at_once_apply_exactly_one_and_refuse_the_other_as_a_conflict(council, clock):
    request = submit_request(council)
    chief = council.chief_executive
    start_together = threading.Barrier(2, timeout=30)
    outcomes: dict[str, object] = {}

    def decide(name, service, **arguments):
        try:
            seen = AttendanceRequest.objects.get(pk=request.pk)  # each reads the request as a page would
            start_together.wait()
            outcomes[name] = service(request=seen, actor=chief, **arguments)
        except Exception as error:  # noqa: BLE001 - the outcome is what the test checks
            outcomes[name] = error
        finally:
            connection.close()

    threads = [
        threading.Thread(
            target=decide, args=("approve", attendance.attendance_request_approve), kwargs={"reason": "Agreed"}
        ),
        threading.Thread(
            target=decide, args=("refuse", attendance.attendance_request_refuse), kwargs={"reason": "Not now"}
        ),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    applied = {name for name, outcome in outcomes.items() if isinstance(outcome, AttendanceRequest)}
    refused = {name: outcome for name, outcome in outcomes.items() if not isinstance(outcome, AttendanceRequest)}
    assert len(applied) == 1 and len(refused) == 1, outcomes
    winner, (_loser, error) = applied.pop(), refused.popitem()
    assert isinstance(error, (Conflict, InvalidTransition)), error
    assert "changed this request first" in error.message
    assert str(chief) in error.message

    stored = AttendanceRequest.objects.get(pk=request.pk)
    assert stored.state == (workflow.APPROVED if winner == "approve" else workflow.REFUSED)
    decisions = stored.history.exclude(decision="").values_list("decision", flat=True)
    assert list(decisions) == [stored.decision], "exactly one decision in the history"
