"""The API access matrix's rows for the standards report endpoints (tests/integration/api_matrix.py adds them)."""

from tests.integration.api_matrix import Cell, by_role, period_query

CELLS: list[Cell] = [
    Cell(
        "api-standards-report",
        "GET",
        by_role(404, monitoring_officer=200, auditor=200),
        body=period_query,
        notes="the Standards Committee report is the Monitoring Officer's and deputy's, and auditors read it (D5); "
        "the deputy is in tests/integration/test_standards_report_D5.py",
    ),
]
