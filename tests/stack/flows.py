"""The change the fault tests make through the web, and the notices it causes.

In this branch it is the Chief Executive recording an absence over the API (A2): the Deputy is
told in the register and by e-mail, through the outbox. Once the attendance workflow is merged,
an approval flow with the same members (`actor`, `DONE`, `act`, `cause_of`, `stored`,
`count_stored`) takes its place in the fault tests' `flow = ...` lines, and the tests stay as they are.
"""

import datetime
import itertools

from tests.stack.conftest import Answer, Client, Stack


class AbsenceRecorded:
    """The Chief Executive records an absence; the Deputy Chief Executive is told of it."""

    actor = "chief-executive"
    DONE = 201

    def __init__(self, first_day: datetime.date = datetime.date(2031, 1, 6)):
        # Recorded absences may not overlap, so each change takes a day of its own.
        self._days = (first_day + datetime.timedelta(days=n) for n in itertools.count())

    def act(self, client: Client) -> Answer:
        """Make one change through the web, as its actor; answered DONE when it was made."""
        day = next(self._days).isoformat()
        return client.post_json("/api/absences/", {"start_date": day, "end_date": day, "reason": "Fault test"})

    def cause_of(self, answer: Answer) -> str:
        """The cause the change's notices carry (their idempotency key's first part)."""
        return f"absence:{answer.json()['id']}:recorded"

    def stored(self, stack: Stack, answer: Answer) -> bool:
        return bool(stack.query("SELECT 1 FROM register_absence WHERE id = %s", (answer.json()["id"],)))

    def count_stored(self, stack: Stack) -> int:
        return stack.query("SELECT count(*) FROM register_absence")[0][0]
