"""Importing people from the register's CSV format and from Popolo JSON: every bad line reported by
number and field, nothing saved until the whole file is clean, the same file twice changes nothing."""

import json

from register.services.people.imports import MAX_LINES, LineProblem, parse_people_file

HEADER = (
    "given_name,family_name,email,kind,member_type,group,group_role,directorate,post,"
    "politically_restricted,reports_to,start_date\n"
)


def csv_file(*rows: str, header: str = HEADER) -> bytes:
    return (header + "".join(row + "\n" for row in rows)).encode("utf-8")


def fields_at(parsed) -> set[tuple[int, str]]:
    return {(problem.line, problem.field) for problem in parsed.problems}


# Reading the file


def test_a_clean_csv_gives_one_line_per_person_numbered_as_the_reader_counts():
    """Each person's line number is the line in the file, the header being line 1."""
    parsed = parse_people_file(
        csv_file(
            "Ann,Jones,ann@council.example,member,elected,Red Group,leader,,,,,2026-05-11",
            "",
            "Bob,Smith,Bob@Council.example,officer,,,,Place,Planning Officer,yes,dir@council.example,",
        ),
        "people.csv",
    )
    assert parsed.problems == []
    ann, bob = parsed.lines
    assert (ann.line, ann.kind, ann.member_type, ann.group, ann.group_role) == (
        2,
        "member",
        "elected",
        "Red Group",
        "leader",
    )
    assert ann.start_date.isoformat() == "2026-05-11"
    assert (bob.line, bob.kind, bob.directorate, bob.post, bob.politically_restricted) == (
        4,
        "officer",
        "Place",
        "Planning Officer",
        True,
    )
    assert bob.reports_to == "dir@council.example" and bob.start_date is None


def test_a_utf8_file_with_a_byte_order_mark_is_read_and_welsh_and_gaelic_names_come_through_intact():
    """Excel's "CSV UTF-8" starts with a byte order mark; ŵ and ò survive."""
    data = "\ufeff".encode() + csv_file(
        "Gwenllïan,Ŵyn,gwen@council.example,member,,,,,,,,", "Mòrag,Dòmhnallach,morag@council.example,member,,,,,,,,"
    )
    parsed = parse_people_file(data, "people.csv")
    assert parsed.problems == []
    assert [(line.given_name, line.family_name) for line in parsed.lines] == [
        ("Gwenllïan", "Ŵyn"),
        ("Mòrag", "Dòmhnallach"),
    ]


def test_a_file_that_is_not_utf8_is_refused_saying_so():
    """A Windows-1252 file is refused with a message naming UTF-8, not read as mojibake."""
    parsed = parse_people_file(
        csv_file("Siân,Hughes,sian@council.example,member,,,,,,,,").decode().encode("cp1252"), "p.csv"
    )
    assert parsed.lines == []
    [problem] = parsed.problems
    assert (problem.line, problem.field) == (0, "file")
    assert "UTF-8" in problem.message and "line 2" in problem.message


def test_wrong_columns_are_named_missing_and_unknown():
    """A header without "email" and with "emial" names both."""
    parsed = parse_people_file(csv_file("Ann,Jones,x,member", header="given_name,family_name,emial,kind\n"), "p.csv")
    assert parsed.lines == []
    messages = " ".join(problem.message for problem in parsed.problems)
    assert fields_at(parsed) == {(1, "columns")}
    assert "“email”" in messages and "“emial”" in messages


def test_a_file_of_10000_people_is_refused_with_the_limit_named():
    """10,000 rows: one clear refusal naming the limit, no lines read."""
    rows = [f"P{n},Person,p{n}@council.example,officer,,,,,,,," for n in range(10_000)]
    parsed = parse_people_file(csv_file(*rows), "big.csv")
    assert parsed.lines == []
    [problem] = parsed.problems
    assert "10,000" in problem.message and f"{MAX_LINES:,}" in problem.message


def test_a_file_at_the_limit_is_read():
    rows = [f"P{n},Person,p{n}@council.example,officer,,,,,,,," for n in range(MAX_LINES)]
    parsed = parse_people_file(csv_file(*rows), "limit.csv")
    assert parsed.problems == [] and len(parsed.lines) == MAX_LINES


def test_a_formula_in_a_cell_is_kept_as_text():
    """=HYPERLINK(...) in a name is the name's text, never evaluated; an escaped cell ('=...) is unescaped."""
    parsed = parse_people_file(
        csv_file(
            '"=HYPERLINK(""http://evil.example"",""x"")",Jones,ann@council.example,member,,,,,,,,',
            "'=1+2,'@Smith,bob@council.example,member,,,,,,,,",
        ),
        "p.csv",
    )
    assert parsed.problems == []
    assert parsed.lines[0].given_name == '=HYPERLINK("http://evil.example","x")'
    assert (parsed.lines[1].given_name, parsed.lines[1].family_name) == ("=1+2", "@Smith")


def test_every_bad_line_is_reported_by_number_and_field():
    """An unknown kind, a date that does not parse, a bad e-mail, a group role that is not one, an
    e-mail used twice in the file: each on its own line and field."""
    parsed = parse_people_file(
        csv_file(
            "Ann,Jones,ann@council.example,alderman,,,,,,,,",
            "Bob,Smith,bob@council.example,member,,Red,,,,,,31/02/2026",
            "Cat,Lee,not-an-address,member,,,,,,,,",
            "Dan,Hall,dan@council.example,member,,Red,chair,,,,,",
            "Eve,Ng,ANN@council.example,officer,,,,Place,,,,",
            "Fay,Cox,fay@council.example,officer,,,,,,,fay@council.example,",
        ),
        "p.csv",
    )
    assert fields_at(parsed) == {
        (2, "kind"),
        (3, "start_date"),
        (4, "email"),
        (5, "group_role"),
        (6, "email"),
        (7, "reports_to"),
    }
    assert all(isinstance(problem, LineProblem) for problem in parsed.problems)
    assert "line 2" in next(p.message for p in parsed.problems if p.line == 6)


def test_popolo_json_gives_the_same_lines_as_the_csv():
    """persons, organizations and memberships: a councillor in a group as its leader, an officer in a
    directorate with a post."""
    document = {
        "persons": [
            {"id": "p1", "given_name": "Ann", "family_name": "Jones", "email": "ann@council.example"},
            {"id": "p2", "given_name": "Bob", "family_name": "Smith", "email": "bob@council.example"},
        ],
        "organizations": [
            {"id": "council", "name": "Testshire Council", "classification": "council"},
            {"id": "red", "name": "Red Group", "classification": "party"},
            {"id": "place", "name": "Place", "classification": "directorate"},
        ],
        "memberships": [
            {"person_id": "p1", "organization_id": "council", "role": "councillor", "start_date": "2026-05-11"},
            {"person_id": "p1", "organization_id": "red", "role": "leader", "start_date": "2026-05-11"},
            {
                "person_id": "p2",
                "organization_id": "place",
                "role": "Planning Officer",
                "politically_restricted": True,
                "reports_to": "dir@council.example",
            },
        ],
    }
    from_json = parse_people_file(json.dumps(document).encode(), "people.json")
    from_csv = parse_people_file(
        csv_file(
            "Ann,Jones,ann@council.example,member,elected,Red Group,leader,,,,,2026-05-11",
            "Bob,Smith,bob@council.example,officer,,,,Place,Planning Officer,yes,dir@council.example,",
        ),
        "people.csv",
    )
    assert from_json.problems == [] and from_json.format == "popolo"
    assert [(line.line, line) for line in from_json.lines] == [
        (1, from_csv.lines[0].__class__(**{**from_csv.lines[0].__dict__, "line": 1})),
        (2, from_csv.lines[1].__class__(**{**from_csv.lines[1].__dict__, "line": 2})),
    ]


def test_popolo_json_that_is_not_json_or_names_unknown_organizations_is_refused_by_person_and_field():
    assert fields_at(parse_people_file(b"{not json", "people.json")) == {(0, "file")}
    document = {
        "persons": [{"id": "p1", "given_name": "Ann", "family_name": "Jones", "email": "ann@council.example"}],
        "memberships": [{"person_id": "p1", "organization_id": "nowhere", "role": "member"}],
    }
    assert (1, "organization_id") in fields_at(parse_people_file(json.dumps(document).encode(), "people.json"))
