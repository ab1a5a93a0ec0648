"""Reading a file of people (the register's CSV format or Popolo JSON) into ``PersonLine``s, with every
problem a reader can correct reported by line and field. Reading saves nothing and reads nothing from
the database: planning (``plan_import``) compares the lines with the register, applying saves them.

The CSV format (docs/people-import-example.csv; the README's "Importing people" section):
UTF-8 (a byte order mark is allowed), a header line naming the columns, one person a line. The columns
are PersonLine's fields; ``given_name``, ``family_name``, ``email`` and ``kind`` are required, the others
may be left out. The stdlib ``csv`` module reads it: ``tablib`` wraps that same module and
``django-import-export`` saves rows straight into models (round the services, the history and the
checks), so neither adds anything the register can use.

A person's identity is their e-mail address, compared without regard to case.
"""

import csv
import datetime
import io
import json
import os
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from register.services.people.lines import GROUP_ROLES, PersonLine

# More lines than a council has people to name; a file longer than this is refused before it is read.
MAX_LINES = 5000

REQUIRED_COLUMNS = ("given_name", "family_name", "email", "kind")
COLUMNS = (
    "given_name",
    "family_name",
    "email",
    "kind",
    "member_type",
    "group",
    "group_role",
    "directorate",
    "post",
    "politically_restricted",
    "reports_to",
    "start_date",
)
KINDS = ("member", "officer", "independent")
MEMBER_TYPES = ("elected", "co-opted")
TRUE_WORDS = ("yes", "y", "true", "1")
FALSE_WORDS = ("", "no", "n", "false", "0")

# A cell a spreadsheet would run as a formula starts with one of these (OWASP "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

# A problem with the whole file rather than one line of it.
WHOLE_FILE = 0
FILE_FIELD = "file"
COLUMNS_FIELD = "columns"

# Popolo: the council's organization, and the roles of memberships of it.
POPOLO_COUNCIL_ID = "council"
POPOLO_ROLE_BY_MEMBER_TYPE = {"elected": "councillor", "co-opted": "co-opted member"}
POPOLO_MEMBER_TYPE_BY_ROLE = {role: member_type for member_type, role in POPOLO_ROLE_BY_MEMBER_TYPE.items()}
POPOLO_GROUP_MEMBER_ROLE = "member"


@dataclass(frozen=True)
class LineProblem:
    """Something wrong with one line of a file: ``line`` as the reader counts it (the CSV header is
    line 1; in Popolo JSON, the person's place in ``persons``, the first being 1; 0 for the whole file),
    ``field`` the column at fault."""

    line: int
    field: str
    message: str


@dataclass
class ParsedFile:
    lines: list[PersonLine]
    problems: list[LineProblem]
    format: str = field(default="csv")  # "csv" or "popolo"

    @property
    def is_clean(self) -> bool:
        return not self.problems


def parse_people_file(data: bytes, filename: str) -> ParsedFile:
    """The people a file describes, CSV or Popolo JSON by the file's extension (or, without one, by
    whether it starts with ``{``), and every problem found in it."""
    text, problem = _decode(data)
    if problem:
        return ParsedFile(lines=[], problems=[problem])
    extension = os.path.splitext(filename or "")[1].lower()
    if extension == ".json" or (extension != ".csv" and text.lstrip().startswith("{")):
        return _parse_popolo(text)
    return _parse_csv(text)


def unescape_formula(value: str) -> str:
    """A cell the register's export protected from being run as a formula (``'=SUM(A1)``), as it was."""
    if len(value) > 1 and value[0] == "'" and value[1] in FORMULA_STARTS:
        return value[1:]
    return value


def escape_formula(value: str) -> str:
    """A cell a spreadsheet will show as text, never run: one starting like a formula gets a leading
    apostrophe (OWASP's advice for CSV injection). ``unescape_formula`` undoes it."""
    if value and (value[0] in FORMULA_STARTS or unescape_formula(value) != value):
        return "'" + value
    return value


def _decode(data: bytes) -> tuple[str, LineProblem | None]:
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        return "", LineProblem(
            WHOLE_FILE,
            FILE_FIELD,
            f"The file is not UTF-8 text (the first character that is not is on line {line}). "
            "Save it from your spreadsheet as “CSV UTF-8” and upload it again.",
        )


def _too_many(count: int) -> LineProblem:
    return LineProblem(
        WHOLE_FILE,
        FILE_FIELD,
        f"The file has {count:,} people; an import takes at most {MAX_LINES:,}. Split it into smaller files.",
    )


# CSV


def _column_name(header: str) -> str:
    return header.strip().lower().replace(" ", "_").replace("-", "_")


def _parse_csv(text: str) -> ParsedFile:
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        return ParsedFile(lines=[], problems=[LineProblem(WHOLE_FILE, FILE_FIELD, "The file is empty.")])
    except csv.Error as error:
        return ParsedFile(lines=[], problems=[LineProblem(1, COLUMNS_FIELD, f"The header cannot be read: {error}.")])
    columns = [_column_name(name) for name in header]
    problems = _column_problems(columns)
    if problems:
        return ParsedFile(lines=[], problems=problems)

    rows = []
    start = reader.line_num + 1
    try:
        for row in reader:
            if any(cell.strip() for cell in row):
                rows.append((start, row))
                if len(rows) > MAX_LINES:
                    break
            start = reader.line_num + 1
    except csv.Error as error:
        return ParsedFile(lines=[], problems=[LineProblem(start, FILE_FIELD, f"This line cannot be read: {error}.")])
    if len(rows) > MAX_LINES:
        total = len(rows) + sum(1 for row in reader if any(cell.strip() for cell in row))
        return ParsedFile(lines=[], problems=[_too_many(total)])

    lines, problems, emails = [], [], []
    for number, row in rows:
        if len(row) > len(columns):
            problems.append(
                LineProblem(
                    number,
                    COLUMNS_FIELD,
                    f"This line has {len(row)} cells but the header names {len(columns)} columns.",
                )
            )
            continue
        cells = {name: unescape_formula(value.strip()) for name, value in zip(columns, row, strict=False)}
        emails.append((number, cells.get("email", "")))
        line, line_problems = _line_from_cells(number, cells)
        problems.extend(line_problems)
        if line is not None:
            lines.append(line)
    problems.extend(_duplicate_emails(emails))
    problems.sort(key=lambda problem: problem.line)
    return ParsedFile(lines=lines, problems=problems)


def _column_problems(columns: list[str]) -> list[LineProblem]:
    problems = []
    missing = [name for name in REQUIRED_COLUMNS if name not in columns]
    if missing:
        problems.append(
            LineProblem(1, COLUMNS_FIELD, f"The header line lacks the column{_s(missing)} {_names(missing)}.")
        )
    unknown = [name or "(an empty name)" for name in columns if name not in COLUMNS]
    if unknown:
        problems.append(
            LineProblem(
                1,
                COLUMNS_FIELD,
                f"The header line names unknown column{_s(unknown)} {_names(unknown)}; "
                f"the columns are {_names(COLUMNS)}.",
            )
        )
    repeated = sorted({name for name in columns if name and columns.count(name) > 1})
    if repeated:
        problems.append(LineProblem(1, COLUMNS_FIELD, f"The header line repeats {_names(repeated)}."))
    return problems


def _s(items) -> str:
    return "s" if len(items) > 1 else ""


def _names(items) -> str:
    return ", ".join(f"“{name}”" for name in items)


# One person, from either format


def _line_from_cells(number: int, cells: dict[str, str]) -> tuple[PersonLine | None, list[LineProblem]]:
    """A PersonLine from one line's cells (strings, formulas as text), or None and why not."""
    problems = []

    def problem(field_name, message):
        problems.append(LineProblem(number, field_name, message))

    given_name = cells.get("given_name", "")
    family_name = cells.get("family_name", "")
    if not given_name and not family_name:
        problem("family_name", "Enter the person’s name (a given name, a family name or both).")

    email = cells.get("email", "")
    if not email:
        problem("email", "Enter the person’s e-mail address: it is how the register knows them.")
    else:
        try:
            validate_email(email)
        except ValidationError:
            problem("email", f"“{email}” is not an e-mail address.")

    kind = cells.get("kind", "").lower()
    if kind not in KINDS:
        problem("kind", f"The kind must be “member”, “officer” or “independent”, not “{cells.get('kind', '')}”.")

    member_type = cells.get("member_type", "").lower()
    group = cells.get("group", "")
    group_role = cells.get("group_role", "").lower()
    directorate = cells.get("directorate", "")
    post = cells.get("post", "")
    reports_to = cells.get("reports_to", "")
    restricted_word = cells.get("politically_restricted", "").lower()

    if kind == "member":
        member_type = member_type or "elected"
        if member_type not in MEMBER_TYPES:
            problem("member_type", f"A member is “elected” or “co-opted”, not “{cells.get('member_type')}”.")
        for name, value in (("directorate", directorate), ("post", post), ("reports_to", reports_to)):
            if value:
                problem(name, f"Only an officer has a {name.replace('_', ' ')}; this line is a member’s.")
        if restricted_word in TRUE_WORDS:
            problem("politically_restricted", "Only an officer’s post is politically restricted.")
    elif kind == "officer":
        if member_type:
            problem("member_type", "Only a member is elected or co-opted; this line is an officer’s.")
        if group or group_role:
            problem("group", "Only a member belongs to a political group; this line is an officer’s.")
        if post and not directorate:
            problem("directorate", "Name the directorate the post is in.")
        if reports_to:
            try:
                validate_email(reports_to)
            except ValidationError:
                problem("reports_to", f"The line manager is named by e-mail address; “{reports_to}” is not one.")
            if reports_to.casefold() == email.casefold():
                problem("reports_to", "A person cannot be their own line manager.")

    elif kind == "independent":
        # An Independent Person (D4) is neither a councillor nor an officer: they hold the council's
        # Independent Person post, which Democratic Services appoint them to.
        for name, value in (
            ("member_type", member_type),
            ("group", group),
            ("group_role", group_role),
            ("directorate", directorate),
            ("post", post),
            ("reports_to", reports_to),
        ):
            if value:
                problem(name, f"An Independent Person has no {name.replace('_', ' ')}; this line is theirs.")
        if restricted_word in TRUE_WORDS:
            problem("politically_restricted", "Only an officer’s post is politically restricted.")

    if group_role not in GROUP_ROLES:
        problem("group_role", f"The group role is empty, “leader” or “deputy leader”, not “{cells['group_role']}”.")
    elif group_role and not group:
        problem("group", "Name the group the person leads.")

    if restricted_word in TRUE_WORDS:
        restricted = True
    elif restricted_word in FALSE_WORDS:
        restricted = False
    else:
        restricted = False
        problem("politically_restricted", f"Politically restricted is “yes” or “no”, not “{restricted_word}”.")

    start_date, date_problem = _parse_date(cells.get("start_date", ""))
    if date_problem:
        problem("start_date", date_problem)

    if problems:
        return None, problems
    return (
        PersonLine(
            line=number,
            given_name=given_name,
            family_name=family_name,
            email=email,
            kind=kind,
            member_type=member_type if kind == "member" else "",
            group=group,
            group_role=group_role,
            directorate=directorate,
            post=post,
            politically_restricted=restricted,
            reports_to=reports_to,
            start_date=start_date,
        ),
        [],
    )


DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y")


def _parse_date(value: str) -> tuple[datetime.date | None, str]:
    if not value:
        return None, ""
    for date_format in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(value, date_format).date(), ""
        except ValueError:
            continue
    return None, f"“{value}” is not a date: write it as 2026-05-07 (or 07/05/2026)."


def _duplicate_emails(emails: list[tuple[int, str]]) -> list[LineProblem]:
    """Each line whose e-mail address (whatever its case) an earlier line has already."""
    first_line = {}
    problems = []
    for number, email in emails:
        key = email.casefold()
        if not key:
            continue
        if key in first_line:
            problems.append(
                LineProblem(number, "email", f"The e-mail address {email} is on line {first_line[key]} too.")
            )
        else:
            first_line[key] = number
    return problems


# Popolo JSON


def _parse_popolo(text: str) -> ParsedFile:
    """People from Popolo JSON (https://www.popoloproject.com/specs/): ``persons`` (given_name,
    family_name, email), ``organizations`` (classification ``council``, ``party`` or ``directorate``) and
    ``memberships`` linking them: of the council with role ``councillor`` or ``co-opted member`` (a
    member), of a party with role ``member``, ``leader`` or ``deputy leader``, of a directorate with the
    officer's post as ``role``. The register's own additions on a directorate membership:
    ``politically_restricted`` (true/false) and ``reports_to`` (the line manager's e-mail address)."""
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        return _popolo_refused(f"The file is not JSON: {error.msg} on line {error.lineno}.")
    if not isinstance(document, dict) or not isinstance(document.get("persons"), list):
        return _popolo_refused("The file is not Popolo JSON: it has no list of “persons”.")
    persons = document["persons"]
    if len(persons) > MAX_LINES:
        return ParsedFile(lines=[], problems=[_too_many(len(persons))], format="popolo")
    organizations = {
        str(organization.get("id")): organization
        for organization in document.get("organizations") or []
        if isinstance(organization, dict)
    }
    memberships_of = {}
    for membership in document.get("memberships") or []:
        if isinstance(membership, dict):
            memberships_of.setdefault(str(membership.get("person_id")), []).append(membership)

    lines, problems, emails = [], [], []
    for number, person in enumerate(persons, start=1):
        if not isinstance(person, dict):
            problems.append(LineProblem(number, FILE_FIELD, "This entry of “persons” is not an object."))
            continue
        cells, cell_problems = _popolo_cells(
            number, person, memberships_of.get(str(person.get("id")), []), organizations
        )
        problems.extend(cell_problems)
        emails.append((number, cells["email"]))
        line, line_problems = _line_from_cells(number, cells)
        problems.extend(line_problems)
        if line is not None and not cell_problems:
            lines.append(line)
    problems.extend(_duplicate_emails(emails))
    problems.sort(key=lambda problem: problem.line)
    return ParsedFile(lines=lines, problems=problems, format="popolo")


def _popolo_refused(message: str) -> ParsedFile:
    return ParsedFile(lines=[], problems=[LineProblem(WHOLE_FILE, FILE_FIELD, message)], format="popolo")


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value).strip()


def _popolo_cells(number, person, memberships, organizations) -> tuple[dict[str, str], list[LineProblem]]:
    problems = []
    cells = {name: "" for name in COLUMNS}
    cells["given_name"] = _text(person.get("given_name"))
    cells["family_name"] = _text(person.get("family_name"))
    if not cells["given_name"] and not cells["family_name"]:
        cells["family_name"] = _text(person.get("name"))
    cells["email"] = _text(person.get("email"))
    for membership in memberships:
        organization = organizations.get(str(membership.get("organization_id")))
        if organization is None:
            problems.append(
                LineProblem(
                    number,
                    "organization_id",
                    f"A membership names the organization “{_text(membership.get('organization_id'))}”, "
                    "which is not in “organizations”.",
                )
            )
            continue
        classification = _text(organization.get("classification")).lower()
        role = _text(membership.get("role"))
        start_date = _text(membership.get("start_date"))
        if classification == "council":
            cells["kind"] = "member"
            cells["member_type"] = POPOLO_MEMBER_TYPE_BY_ROLE.get(role.lower(), role)
        elif classification == "party":
            cells["kind"] = cells["kind"] or "member"
            cells["group"] = _text(organization.get("name"))
            cells["group_role"] = "" if role.lower() == POPOLO_GROUP_MEMBER_ROLE else role
        elif classification == "directorate":
            cells["kind"] = "officer"
            cells["directorate"] = _text(organization.get("name"))
            cells["post"] = role
            cells["politically_restricted"] = _text(membership.get("politically_restricted"))
            cells["reports_to"] = _text(membership.get("reports_to"))
        else:
            problems.append(
                LineProblem(
                    number,
                    "classification",
                    f"The organization “{_text(organization.get('name'))}” is classified "
                    f"“{classification}”; the register knows council, party and directorate.",
                )
            )
            continue
        if start_date and not cells["start_date"]:
            cells["start_date"] = start_date
    if not memberships:
        # The register's addition for someone in no group or directorate (an officer in the council itself).
        cells["kind"] = _text(person.get("kind"))
        cells["reports_to"] = _text(person.get("reports_to"))
    return cells, problems
