"""The API access matrix's rows for the subject access endpoint (tests/integration/api_matrix.py adds them)."""

from tests.integration.api_matrix import Cell, by_role


def subject_kwargs(world, role, target):
    return {"pk": world.council.groups[0].members[0].pk}


def export_body(world, role, target):
    return {"reason": "Subject access request received in the access matrix", "form": "zip"}


CELLS: list[Cell] = [
    Cell(
        "api-subject-access",
        "POST",
        by_role(404, monitoring_officer=200),
        kwargs=subject_kwargs,
        body=export_body,
        notes="the Monitoring Officer and the Data Protection Officer produce subject access exports (issue 21); "
        "the Data Protection Officer is in tests/integration/test_subject_access_pages_and_api.py",
    ),
]
