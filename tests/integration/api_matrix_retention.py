"""The API access matrix's rows for the retention endpoints (issue 21; tests/integration/api_matrix.py adds
them). The Monitoring Officer changes the schedule, holds and runs; auditors read them (403 on a change);
to everyone else they do not exist (404)."""

from tests.integration.api_matrix import Cell, by_role

READERS = by_role(404, monitoring_officer=200, auditor=200)


def changes(success: int) -> dict[str, int]:
    return by_role(404, monitoring_officer=success, auditor=403)


def _access_log_entry(world):
    from register.services.audit.access_log import record_read

    return record_read(reader=world.council.auditor, record_kind="declaration", record_id=1, via="test")


def hold_body(world, role, target):
    return {"record_kind": "access-log", "record_id": str(_access_log_entry(world).pk), "reason": "A claim"}


def hold_kwargs(world, role, target):
    from register.services import retention

    hold = retention.legal_hold_place(
        actor=world.council.monitoring_officer,
        record_kind="access-log",
        record_id=str(_access_log_entry(world).pk),
        reason="A claim",
    )
    return {"pk": hold.pk}


def run_kwargs(world, role, target):
    """A proposed run: the one awaiting approval, else a new one (one run at a time: an approved one is run first)."""
    from register.models import DisposalRun
    from register.services import retention

    proposed = DisposalRun.objects.filter(state=DisposalRun.State.PROPOSED).first()
    if proposed is None:
        retention.approved_runs_execute()
        proposed = retention.disposal_run_propose(actor=world.council.monitoring_officer)
    return {"pk": proposed.pk}


def reason(world, role, target):
    return {"reason": "Checked"}


def period(world, role, target):
    return {"months": 96, "reason": "Counsel's advice"}


CELLS: list[Cell] = [
    Cell("api-retention-schedule", "GET", READERS, notes="the deputy and the DPO read it too: test_retention_pages"),
    Cell("api-retention-period", "POST", changes(200), kwargs=lambda w, r, t: {"record_kind": "notice"}, body=period),
    Cell("api-retention-holds", "GET", READERS),
    Cell("api-retention-holds", "POST", changes(201), body=hold_body),
    Cell("api-retention-hold-release", "POST", changes(200), kwargs=hold_kwargs, body=reason),
    Cell("api-retention-runs", "GET", READERS),
    Cell("api-retention-runs", "POST", changes(201), body=lambda w, r, t: {}, notes="before any other run is proposed"),
    Cell("api-retention-run", "GET", READERS, kwargs=run_kwargs),
    Cell("api-retention-run-approve", "POST", changes(200), kwargs=run_kwargs, body=reason),
    Cell("api-retention-run-reject", "POST", changes(200), kwargs=run_kwargs, body=reason),
]
