"""Changing the database behind the register's back, as a test does on purpose (C4).

The register's history is append-only in the database itself (docs/database-roles.md): the application's
role may not UPDATE, DELETE or TRUNCATE it, and a trigger refuses UPDATE and DELETE to everyone, the owner
included, but the maintenance role. A test that tampers with the history therefore does so as the
maintenance role, as a DBA (or an intruder holding the owner's password) would have to.

The test connection is the superuser of `make test`, which may take any role with SET ROLE. The role
lasts until the block ends: SET LOCAL inside a savepoint, undone by RESET ROLE (or by the savepoint's
rollback when the block raises, e.g. the refusal a test expects).
"""

from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.db import connection, transaction


def quoted(role: str) -> str:
    return '"' + role.replace('"', '""') + '"'


@contextmanager
def as_role(role: str) -> Iterator[None]:
    """Run the block's SQL and ORM writes on the test connection as ``role`` (PostgreSQL)."""
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(f"SET LOCAL ROLE {quoted(role)}")
        yield
        with connection.cursor() as cursor:
            cursor.execute("RESET ROLE")


def as_app():
    """The role the web, worker and beat processes connect as."""
    return as_role(settings.DATABASE_APP_ROLE)


def as_maintenance():
    """The one role the append-only triggers let change or remove history."""
    return as_role(settings.DATABASE_MAINTENANCE_ROLE)


def sql(statement: str, params=()):
    """One statement on the test connection, as it is; its first row, if it returns any."""
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.fetchone() if cursor.description else None


def tamper(statement: str, params=()):
    """One statement as the maintenance role: how the tests edit, insert or delete history rows."""
    with as_maintenance():
        return sql(statement, params)
