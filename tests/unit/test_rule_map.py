"""The map from rule to code (docs/rules.md), checked without a database.

Every rule of DOMAIN.md has one row; every function, move, command and test a row names exists;
the moves column is exactly the moves of ``register/workflow.py`` whose ``rules`` name the rule;
a test named after rules is listed only under those rules; a policy whose docstring names a rule is
in that rule's row; and no row says "not built yet".
Each check is a function returning its problems, so that the tests at the end can show that each
one catches what it is for in a doctored copy of the map.
"""

import importlib
import inspect
import os
import pkgutil
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest

from register import policies, workflow

ROOT = Path(__file__).resolve().parents[2]
RULES_MD = ROOT / "docs" / "rules.md"
NOT_BUILT = "not built yet"
# Rules that a later issue builds: only their rows may say "not built yet" (issue 15, item 10).
NOT_BUILT_ALLOWED: tuple[str, ...] = ()  # every rule is built (issue 19 built D)

RULE_IN_DOMAIN = re.compile(r"^- \*\*([A-Z]\d+)\*\*", re.MULTILINE)
RULE_ID = re.compile(r"\b([A-Z]\d{1,2})\b")
SPAN = re.compile(r"`([^`]+)`")
DOTTED = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)+$")
COMMAND = re.compile(r"^python manage\.py ([a-z_]+)")
HEADER = ["rule", "policy", "moves", "services", "tests"]


# --- Finding DOMAIN.md ---------------------------------------------------------------------------


def domain_md_places(root: Path = ROOT) -> list[Path]:
    """Where DOMAIN.md may be: ``$REGISTER_DOMAIN_MD``; ``shared/`` beside the clone (as CI has it);
    beside the main checkout when this is a git worktree elsewhere; beside any folder above."""
    places = []
    if os.environ.get("REGISTER_DOMAIN_MD"):
        places.append(Path(os.environ["REGISTER_DOMAIN_MD"]))
    places.append(root.parent / "shared" / "DOMAIN.md")
    git = root / ".git"
    if git.is_file() and git.read_text().startswith("gitdir:"):
        gitdir = Path(git.read_text().split(":", 1)[1].strip())
        gitdir = gitdir if gitdir.is_absolute() else (root / gitdir).resolve()
        commondir = gitdir / "commondir"
        common = (gitdir / commondir.read_text().strip()).resolve() if commondir.is_file() else gitdir
        places.append(common.parent.parent / "shared" / "DOMAIN.md")
    places.extend(folder / "shared" / "DOMAIN.md" for folder in root.parents[1:])
    return list(dict.fromkeys(places))


@cache
def domain_rules() -> tuple[str, ...]:
    """The rule ids of DOMAIN.md, in its order. CI's clone has ``../shared/`` beside it, so a
    missing DOMAIN.md fails rather than skips."""
    places = domain_md_places()
    found = next((place for place in places if place.is_file()), None)
    if found is None:
        pytest.fail(
            "DOMAIN.md, the specification the rule map follows, was not found. Looked in: "
            + ", ".join(str(place) for place in places)
            + ". Put the steering repository's shared/ beside the clone, or set REGISTER_DOMAIN_MD."
        )
    rules = tuple(RULE_IN_DOMAIN.findall(found.read_text()))
    assert len(rules) >= 30, f"{found} names only {len(rules)} rules; is it the right file?"
    return rules


# --- Reading docs/rules.md -----------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    rule: str
    cells: dict[str, str]

    def spans(self, column: str) -> list[str]:
        return SPAN.findall(self.cells[column])

    def not_built(self, column: str) -> bool:
        return NOT_BUILT in self.cells[column].lower()

    def moves(self) -> list[tuple[str, str]]:
        """(workflow, move) pairs from spans like ``ATTENDANCE_REQUEST: approve, refuse``."""
        pairs = []
        for span in self.spans("moves"):
            flow, _, names = span.partition(":")
            pairs.extend((flow.strip(), name.strip()) for name in names.split(","))
        return pairs


def parse(text: str) -> list[Row]:
    """The rows of the table whose header is rule | policy | moves | services | tests."""
    lines = text.splitlines()
    start = next(
        (i for i, line in enumerate(lines) if [c.strip() for c in line.strip().strip("|").split("|")] == HEADER),
        None,
    )
    assert start is not None, f"docs/rules.md has no table headed | {' | '.join(HEADER)} |"
    rows = []
    for line in lines[start + 2 :]:
        if not line.startswith("|"):
            break
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        assert len(cells) == len(HEADER), f"A row of docs/rules.md has {len(cells)} cells, not {len(HEADER)}: {line}"
        rule = re.match(r"^\**([A-Z]\d+)\**", cells[0])
        assert rule, f"A row of docs/rules.md does not start with a rule id in bold: {line}"
        rows.append(Row(rule.group(1), dict(zip(HEADER, cells, strict=True))))
    return rows


# --- Resolving what a row names --------------------------------------------------------------------


def resolve(path: str):
    """The object at a dotted path: the longest prefix that imports, then attributes."""
    parts = path.split(".")
    for cut in range(len(parts), 0, -1):
        module_name = ".".join(parts[:cut])
        try:
            obj = importlib.import_module(module_name)
        except ModuleNotFoundError as error:
            if error.name and (module_name == error.name or module_name.startswith(f"{error.name}.")):
                continue
            raise
        for attribute in parts[cut:]:
            obj = getattr(obj, attribute)
        return obj
    raise ModuleNotFoundError(path)


def name_problem(path: str) -> str | None:
    """Why a dotted path names nothing, or is not where the thing is defined."""
    try:
        obj = resolve(path)
    except (ImportError, AttributeError) as error:
        return f"`{path}` does not import ({error.__class__.__name__}: {error})"
    defined_in = getattr(obj, "__module__", None) if inspect.isfunction(obj) or inspect.isclass(obj) else None
    if defined_in and f"{defined_in}.{obj.__qualname__}" != path:
        return f"`{path}` is defined as `{defined_in}.{obj.__qualname__}`: name it where it is defined"
    return None


def workflows() -> dict[str, workflow.Workflow]:
    """The workflow tables of register/workflow.py, by their names there."""
    flows = {name: value for name, value in vars(workflow).items() if isinstance(value, workflow.Workflow)}
    assert set(map(id, flows.values())) == set(map(id, workflow.WORKFLOWS)), "every workflow has a name"
    return flows


def moves_naming(rule: str) -> set[tuple[str, str]]:
    """The (workflow, move) pairs whose rows name ``rule``."""
    return {(name, row.name) for name, flow in workflows().items() for row in flow.moves if rule in row.rules}


def node_problem(node: str, root: Path = ROOT) -> str | None:
    """Why a pytest node id names no test: its file, its classes or its function are missing."""
    file, *names = node.split("::")
    path = root / file
    if not names or not file.startswith("tests/") or not file.endswith(".py"):
        return f"`{node}` is not a test node id (tests/....py::test_name)"
    if not path.is_file():
        return f"`{node}`: there is no file {file}"
    source = path.read_text()
    *classes, function = names
    function = function.split("[", 1)[0]
    for name in classes:
        if not re.search(rf"^\s*class {re.escape(name)}\b", source, re.MULTILINE):
            return f"`{node}`: {file} has no class {name}"
    if not re.search(rf"^\s*(async\s+)?def {re.escape(function)}\(", source, re.MULTILINE):
        return f"`{node}`: {file} has no test {function}"
    return None


def rules_in_name(node: str) -> list[str]:
    """The rule ids a test's name ends with (``test_..._A6_A13`` -> A6, A13)."""
    words = node.split("::")[-1].split("[", 1)[0].split("_")
    rules = []
    while words and re.fullmatch(r"[A-Z]\d{1,2}", words[-1]):
        rules.insert(0, words.pop())
    return rules


def policy_functions() -> dict[str, Callable]:
    """Every public function of the policy modules (not the standing), by dotted path."""
    found = {}
    for info in pkgutil.iter_modules(policies.__path__):
        if info.name == "standing":
            continue
        module = importlib.import_module(f"{policies.__name__}.{info.name}")
        for name, function in inspect.getmembers(module, inspect.isfunction):
            if function.__module__ == module.__name__ and not name.startswith("_"):
                found[f"{module.__name__}.{name}"] = function
    return found


# --- The checks: each returns its problems ---------------------------------------------------------


def rows_problems(rows: list[Row], rules: tuple[str, ...]) -> list[str]:
    """One row per rule of DOMAIN.md, in its order, and none for a rule it does not have."""
    listed = [row.rule for row in rows]
    problems = [f"{rule} of DOMAIN.md has no row in docs/rules.md" for rule in rules if rule not in listed]
    problems += [f"{rule} has a row but DOMAIN.md has no rule {rule}" for rule in listed if rule not in rules]
    problems += [f"{rule} has {listed.count(rule)} rows" for rule in dict.fromkeys(listed) if listed.count(rule) > 1]
    if not problems and listed != list(rules):
        problems.append("the rows are not in DOMAIN.md's order")
    return problems


def cells_problems(rows: list[Row], rules: tuple[str, ...]) -> list[str]:
    """Every cell names something, says "-", or (rows of D only) says "not built yet"; a rule with
    no policy names the code that enforces it; every built rule names at least one test."""
    problems = []
    for row in rows:
        for column in HEADER[1:]:
            cell = row.cells[column]
            if row.not_built(column):
                if not row.rule.startswith(NOT_BUILT_ALLOWED):
                    problems.append(f"{row.rule}: {column} says {NOT_BUILT!r}, allowed for D rules alone")
            elif not cell:
                problems.append(f"{row.rule}: {column} is empty (say - where there is nothing)")
            elif cell != "-" and not row.spans(column):
                problems.append(f"{row.rule}: {column} names nothing in `backticks`: {cell!r}")
        if not row.not_built("tests") and not row.spans("tests"):
            problems.append(f"{row.rule}: no test is named")
        if row.cells["policy"] == "-" and not row.spans("services"):
            problems.append(f"{row.rule}: no policy, so the services column must name the code that enforces it")
    return problems


def names_problems(rows: list[Row], rules: tuple[str, ...]) -> list[str]:
    """Every policy, service, model and command named exists; policies are policies."""
    problems = []
    for row in rows:
        for path in row.spans("policy"):
            if not path.startswith(f"{policies.__name__}."):
                problems.append(f"{row.rule}: policy `{path}` is not in register.policies")
            elif problem := name_problem(path):
                problems.append(f"{row.rule}: {problem}")
            elif not callable(resolve(path)):
                problems.append(f"{row.rule}: policy `{path}` is not a function")
        for span in row.spans("services"):
            command = COMMAND.match(span)
            if command:
                if not (ROOT / "register" / "management" / "commands" / f"{command.group(1)}.py").is_file():
                    problems.append(f"{row.rule}: there is no command {command.group(1)}")
            elif not DOTTED.match(span):
                problems.append(f"{row.rule}: `{span}` is neither a dotted path nor `python manage.py ...`")
            elif problem := name_problem(span):
                problems.append(f"{row.rule}: {problem}")
    return problems


def moves_problems(rows: list[Row], rules: tuple[str, ...]) -> list[str]:
    """Each move named is a move of the workflow named, and the column is exactly the moves whose
    ``rules`` name the rule; every rule a move names is a rule of DOMAIN.md."""
    flows = workflows()
    problems = []
    for row in rows:
        listed = row.moves()
        for flow, move in listed:
            if flow not in flows:
                problems.append(f"{row.rule}: register.workflow has no workflow {flow}")
            elif move not in flows[flow].move_names():
                problems.append(f"{row.rule}: {move!r} is not a move of {flow} ({', '.join(flows[flow].move_names())})")
        expected = moves_naming(row.rule)
        if row.not_built("moves"):
            if expected:
                problems.append(f"{row.rule}: its row says {NOT_BUILT!r}, but moves name it: {sorted(expected)}")
            continue
        for flow, move in sorted(expected - set(listed)):
            problems.append(f"{row.rule}: {flow}'s move {move!r} names {row.rule} but is not in its row")
        for flow, move in sorted(set(listed) - expected):
            if flow in flows and move in flows[flow].move_names():
                problems.append(f"{row.rule}: {flow}'s move {move!r} is in its row but does not name {row.rule}")
    for name, flow in flows.items():
        for move in flow.moves:
            problems += [
                f"{name}'s move {move.name!r} names {rule}, which DOMAIN.md does not have"
                for rule in move.rules
                if rule not in rules
            ]
    return problems


def named_tests_problems(rows: list[Row], rules: tuple[str, ...]) -> list[str]:
    """Every test named exists, and a test named after rules is listed only under one of them."""
    problems = []
    for row in rows:
        for node in row.spans("tests"):
            if problem := node_problem(node):
                problems.append(f"{row.rule}: {problem}")
            named = rules_in_name(node)
            if named and row.rule not in named:
                problems.append(f"{row.rule}: `{node}` is named after {', '.join(named)}, not {row.rule}")
    return problems


def policies_problems(rows: list[Row], rules: tuple[str, ...]) -> list[str]:
    """A policy whose docstring names a rule is in that rule's row (the docstrings and the map agree)."""
    by_rule = {row.rule: set(row.spans("policy")) for row in rows}
    problems = []
    for path, function in policy_functions().items():
        for rule in dict.fromkeys(RULE_ID.findall(inspect.getdoc(function) or "")):
            if rule in by_rule and path not in by_rule[rule]:
                problems.append(f"{rule}: `{path}` names {rule} in its docstring but is not in its row")
    return problems


CHECKS = [rows_problems, cells_problems, names_problems, moves_problems, named_tests_problems, policies_problems]


@cache
def the_map() -> list[Row]:
    return parse(RULES_MD.read_text())


# --- The tests -------------------------------------------------------------------------------------


def test_domain_md_is_found_beside_the_clone_or_the_main_checkout():
    """DOMAIN.md is looked for in ../shared first, as CI has it, and names A1-A13, B1-B7, C1-C4, D1-D6."""
    assert ROOT.parent / "shared" / "DOMAIN.md" in domain_md_places()[:2]
    rules = domain_rules()
    for letter, count in {"A": 13, "B": 7, "C": 4, "D": 6}.items():
        assert [rule for rule in rules if rule[0] == letter] == [f"{letter}{n}" for n in range(1, count + 1)]


@pytest.mark.parametrize("check", CHECKS, ids=[check.__name__ for check in CHECKS])
def test_the_rule_map_agrees_with_domain_md_and_the_code(check):
    """docs/rules.md: a row per rule, and every function, move and test it names exists (issue 15)."""
    problems = check(the_map(), domain_rules())
    assert not problems, "docs/rules.md:\n  " + "\n  ".join(problems)


# --- Each check catches what it is for, in a doctored copy of the map ----------------------------


def doctored(*replacements: tuple[str, str]) -> list[Row]:
    text = RULES_MD.read_text()
    for old, new in replacements:
        assert text.count(old) >= 1, f"docs/rules.md no longer holds {old!r}: update this test"
        text = text.replace(old, new, 1)
    return parse(text)


def row_line(rule: str) -> str:
    return next(line for line in RULES_MD.read_text().splitlines() if line.startswith(f"| **{rule}**"))


def test_a_rule_with_no_row_is_caught():
    problems = rows_problems(doctored((row_line("A7") + "\n", "")), domain_rules())
    assert problems == ["A7 of DOMAIN.md has no row in docs/rules.md"]


def test_a_function_that_does_not_import_or_is_named_elsewhere_is_caught():
    rows = doctored(
        ("register.policies.attendance.decides_attendance`", "register.policies.attendance.decides_attendence`"),
        ("`register.services.attendance.reminders.attendance_send_reminders`", "`register.nowhere.at_all`"),
        (
            "`register.services.attendance.decisions.attendance_request_cancel`",
            "`register.services.attendance.attendance_request_cancel`",
        ),
    )
    problems = "\n".join(names_problems(rows, domain_rules()))
    assert "`register.policies.attendance.decides_attendence` does not import" in problems
    assert "`register.nowhere.at_all` does not import" in problems
    assert "is defined as `register.services.attendance.decisions.attendance_request_cancel`" in problems


def test_a_move_not_of_its_workflow_or_missing_from_its_rule_is_caught():
    rows = doctored(
        (
            "`ATTENDANCE_INVITATION: accept, decline, officer left`",
            "`ATTENDANCE_INVITATION: accept, approve, officer left`",
        ),
        ("`NOTICE: write, claim an attempt,", "`NOTICE: claim an attempt,"),
    )
    problems = moves_problems(rows, domain_rules())
    assert any(p.startswith("A4: 'approve' is not a move of ATTENDANCE_INVITATION") for p in problems), problems
    assert "A4: ATTENDANCE_INVITATION's move 'decline' names A4 but is not in its row" in problems
    assert "C1: NOTICE's move 'write' names C1 but is not in its row" in problems


def test_a_move_listed_under_a_rule_it_does_not_name_is_caught():
    rows = doctored(("`ATTENDANCE_REQUEST: approve`", "`ATTENDANCE_REQUEST: approve, refuse`"))
    assert moves_problems(rows, domain_rules()) == [
        "A8: ATTENDANCE_REQUEST's move 'refuse' is in its row but does not name A8"
    ]


def test_a_missing_test_or_one_named_after_another_rule_is_caught():
    rows = doctored(
        ("test_only_a_named_officer_responds_A4`", "test_only_a_named_officer_replies_A4`"),
        ("`tests/unit/test_policies.py::test_takes_up_equivalent`", "`tests/unit/test_policy.py::test_x`"),
        (
            "`tests/integration/test_declarations_rules.py::test_revised_advice_needs_a_new_acknowledgement_B5`",
            "`tests/integration/test_declarations_rules.py::test_nothing_is_deleted_ended_and_withdrawn_are_states_B1`",
        ),
    )
    problems = "\n".join(named_tests_problems(rows, domain_rules()))
    assert "has no test test_only_a_named_officer_replies_A4" in problems
    assert "there is no file tests/unit/test_policy.py" in problems
    assert "B5: `tests/integration/test_declarations_rules.py::test_nothing_is_deleted" in problems


def test_a_parametrized_test_may_be_named_with_or_without_its_brackets():
    assert node_problem("tests/unit/test_policies.py::test_decides_attendance") is None
    assert node_problem("tests/unit/test_policies.py::test_decides_attendance[A2-0]") is None
    assert rules_in_name("tests/x.py::test_a_thing_A6_A13[1]") == ["A6", "A13"]
    assert rules_in_name("tests/x.py::test_history_is_read_by_those_who_see_it_in_full_B_C2") == ["C2"]


def test_not_built_yet_outside_d_and_a_rule_with_neither_policy_nor_service_are_caught():
    b5 = row_line("B5")
    cells = b5.split(" | ")
    emptied = " | ".join([cells[0], "-", "-", "-", cells[4]])
    rows = doctored((row_line("A12"), row_line("A12").replace("| - |", "| not built yet |", 1)), (b5, emptied))
    problems = cells_problems(rows, domain_rules())
    assert "A12: policy says 'not built yet', allowed for D rules alone" in problems
    assert "B5: no policy, so the services column must name the code that enforces it" in problems
    assert not [p for p in problems if p.startswith("D")], problems


def test_a_policy_missing_from_a_rule_its_docstring_names_is_caught():
    rows = doctored(
        (
            "`register.policies.attendance.refers_requests`<br>`register.policies.declarations",
            "`register.policies.declarations",
        )
    )
    assert policies_problems(rows, domain_rules()) == [
        "C2: `register.policies.attendance.refers_requests` names C2 in its docstring but is not in its row"
    ]
