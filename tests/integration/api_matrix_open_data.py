"""The API access matrix's rows for correcting the published register (issue 22, open data;
tests/integration/api_matrix.py adds them). Only the acting Chief Executive corrects an entry (A2,
A8); those who see the request are told they may not (403); the rest find nothing (404)."""

from tests.integration.api_matrix import SEE_ALL_BUT_NOT_PERMITTED, Cell, attendance_kwargs, by_role

HELD = attendance_kwargs("held")


def correction_body(world, role, target):
    import datetime

    return {"date": datetime.date(2020, 1, 1).isoformat(), "subject": "Corrected", "reason": "The access matrix."}


CELLS = [
    Cell(
        "attendance-request-correct-published-entry",
        "POST",
        by_role(403, member=404, chief_executive=200),
        kwargs=HELD,
        body=correction_body,
        notes="the acting Chief Executive corrects the published register (A2, A8)",
    ),
    Cell(
        "attendance-request-correct-published-entry",
        "POST",
        by_role(404, **{**SEE_ALL_BUT_NOT_PERMITTED, "chief_executive": 200}),
        target="other",
        kwargs=HELD,
        body=correction_body,
    ),
]
