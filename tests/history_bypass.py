"""A static check that nothing changes register records behind the history's back (C1, C3).

It reads the source of register/, api/ and tasks/ (with ``ast``, so comments and strings do not
count) and reports every call that writes without django-simple-history seeing it: a queryset's
``update()``, ``bulk_create``, ``bulk_update``, ``delete()``, ``raw()``/``extra()`` and raw SQL
(``cursor()``, ``execute()``, ``RawSQL``). Source cannot say which model a queryset is of, so
every such call counts unless it is in ALLOWED below, by module and function, with the reason.
"""

import ast
from dataclasses import dataclass
from pathlib import Path

SCANNED = ("register", "api", "tasks")

ALWAYS_FLAGGED = {
    "bulk_create": "bulk_create writes no history (use simple_history's bulk_create_with_history)",
    "bulk_update": "bulk_update writes no history (use simple_history's bulk_update_with_history)",
    "raw": "raw() is raw SQL",
    "extra": "extra() is raw SQL",
    "cursor": "a database cursor is raw SQL",
    "execute": "execute() is raw SQL",
    "executemany": "executemany() is raw SQL",
    "_raw_delete": "_raw_delete() deletes behind the history",
    "_update": "_update() updates behind the history",
}

# (module path, function) -> why it may: keep this list short, and every entry narrow.
ALLOWED = {
    # Issue 21: erasure under the retention schedule. The record itself is blanked through save_with_history
    # (the erasure's own history entry); these erase the value from earlier history rows and the access log.
    (
        "register/services/retention/erasure.py",
        "erase_history_value",
    ): "calls the one SECURITY DEFINER erasure function (PostgreSQL), or takes its steps on SQLite, which has none: "
    "blanks one value of one history row and keeps its digest on its link, so the leaf still verifies",
    (
        "register/services/retention/erasure.py",
        "erase_access_log_value",
    ): "calls the access log's SECURITY DEFINER erasure function (PostgreSQL), or takes its steps on SQLite: blanks "
    "an entry's reader and keeps its digest, so the entry's leaf still verifies",
    (
        "register/services/audit/chain.py",
        "_lock_chain_and_read_head",
    ): "the PostgreSQL advisory lock that serialises writers of the hash chain, and the read of its head",
    (
        "register/services/audit/chain.py",
        "_link_one_row_in_one_statement",
    ): "takes the chain's lock and appends one link after its head in one statement (PostgreSQL), in plain SQL for speed",
    (
        "register/services/audit/chain.py",
        "install_chain_functions",
    ): "after migrate, installs the chain's two database functions, its hash and its one-link append (DDL; no rows written)",
    (
        "register/services/audit/chain.py",
        "_append_links",
    ): "appends the hash chain's own links (not a tracked model: the evidence about the history), in plain SQL for speed",
    (
        "register/services/audit/database_roles.py",
        "_read_state",
    ): "after migrate, reads the roles, grants and triggers of the database from PostgreSQL's catalog; writes nothing",
    (
        "register/services/audit/database_roles.py",
        "_execute",
    ): "after migrate, grants and revokes the roles' rights and installs the append-only triggers (DDL; no rows written)",
    (
        "register/services/audit/access_log.py",
        "_append",
    ): "takes the access log's own lock and appends one entry after its last position in one statement (issue 20): "
    "not a tracked model, and no ORM statement can give a gap-free position",
    (
        "register/services/audit/tree.py",
        "extend_tree",
    ): "stores the Merkle tree's complete nodes (not a tracked model: computed from the history, written once)",
    (
        "register/services/audit/tree.py",
        "_lock",
    ): "the PostgreSQL advisory lock that gives one extension of a log's tree at a time; it reads no table",
    (
        "register/health.py",
        "database_status",
    ): "/healthz runs SELECT 1 to see that the database answers; it reads no table and writes nothing",
    (
        "register/backends.py",
        "username_turn",
    ): "the PostgreSQL advisory lock that gives a username's sign-in attempts one turn each; it reads no table and writes nothing",
}


@dataclass(frozen=True)
class Bypass:
    path: str
    line: int
    function: str
    why: str

    def __str__(self):
        return f"{self.path}:{self.line} in {self.function or 'module'}(): {self.why}"


def find_bypasses(root: Path, packages=SCANNED, allowed=None) -> list[Bypass]:
    allowed = ALLOWED if allowed is None else allowed
    found = []
    for package in packages:
        for path in sorted((root / package).rglob("*.py")):
            relative = path.relative_to(root).as_posix()
            tree = ast.parse(path.read_text(encoding="utf-8"), filename=relative)
            for line, function, why in _calls_that_bypass(tree):
                if (relative, function) not in allowed:
                    found.append(Bypass(relative, line, function, why))
    return found


def _calls_that_bypass(tree: ast.AST):
    for function, node in _calls_with_enclosing_function(tree):
        why = _why_it_bypasses(node)
        if why:
            yield node.lineno, function, why


def _calls_with_enclosing_function(tree: ast.AST, function: str = ""):
    for child in ast.iter_child_nodes(tree):
        inner = child.name if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)) else function
        if isinstance(child, ast.Call):
            yield function, child
        yield from _calls_with_enclosing_function(child, inner)


def _why_it_bypasses(call: ast.Call) -> str | None:
    if isinstance(call.func, ast.Name) and call.func.id == "RawSQL":
        return "RawSQL is raw SQL"
    if not isinstance(call.func, ast.Attribute):
        return None
    name = call.func.attr
    if name in ALWAYS_FLAGGED:
        return ALWAYS_FLAGGED[name]
    # QuerySet.update() takes only keywords; dict.update() is called with a mapping.
    if name == "update" and call.keywords and not call.args:
        return "a queryset's update() writes no history (lock the row, change it, save_with_history)"
    # Model.delete() and QuerySet.delete() take no positional argument; cache.delete(key) does.
    if name == "delete" and not call.args:
        return "delete() removes a record and its place in history (C3: records are never deleted)"
    return None
