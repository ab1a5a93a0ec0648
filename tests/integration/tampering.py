"""Tampering with the database as someone with access to it would: plain SQL behind the register's back.

History tables refuse UPDATE and DELETE to everyone but the database's maintenance role (issue 20), so
where that role exists the statement runs as it, for that statement only; before the role exists, plain
SQL as the test's own role does the same.
"""

from django.db import connection

MAINTENANCE_ROLE = "register_maintenance"


def tamper(statement: str, params=()) -> tuple | None:
    """Run one SQL statement as the maintenance role (when there is one); return its first row, if any."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = %s)", [MAINTENANCE_ROLE])
        as_maintenance = cursor.fetchone()[0]
        if as_maintenance:
            cursor.execute(f"SET LOCAL ROLE {MAINTENANCE_ROLE}")
        cursor.execute(statement, params)
        row = cursor.fetchone() if cursor.description else None
        if as_maintenance:
            cursor.execute("RESET ROLE")
    return row
