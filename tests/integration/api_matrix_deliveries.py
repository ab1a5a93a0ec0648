"""The API access matrix's rows for the e-mails that did not arrive (issue 22's follow-up;
tests/integration/api_matrix.py adds them). Democratic Services and the register's administrators read the
list and send an e-mail again (tests/integration/test_undelivered_emails.py: the matrix's roles hold
neither post); to every role here they do not exist (404), auditors included."""

from tests.integration.api_matrix import Cell, by_role


def failed_email_kwargs(world, role, target):
    from tests.integration.notice_helpers import failed

    world.failed_emails = getattr(world, "failed_emails", 0) + 1
    return {"pk": failed(world.council.deputy_chief_executive, number=world.failed_emails).pk}


CELLS: list[Cell] = [
    Cell("api-notices-undelivered", "GET", by_role(404), notes="Democratic Services and administrators: 200"),
    Cell(
        "api-notice-send-again",
        "POST",
        by_role(404),
        kwargs=failed_email_kwargs,
        body=lambda world, role, target: {"reason": "Address corrected"},
        notes="Democratic Services and administrators: 200",
    ),
]
