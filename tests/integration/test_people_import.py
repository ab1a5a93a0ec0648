"""Importing people from the register's CSV format and from Popolo JSON: every bad line reported by
number and field, nothing saved until the whole file is clean, the same file twice changes nothing."""

import csv
import datetime
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from register.errors import NotPermitted, RuleViolation
from register.models import Membership, Organization, Person, Post
from register.services.people.exports import export_people_csv, export_people_popolo
from register.services.people.import_plan import import_people, plan_import
from register.services.people.imports import MAX_LINES, LineProblem, parse_people_file
from register.services.people.persons import person_update

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


# Planning and applying against the register


ON = datetime.date(2026, 5, 11)


def plan_of(data: bytes, filename="people.csv", on=ON):
    return plan_import(parse_people_file(data, filename), on=on)


def history_rows() -> int:
    return sum(model.history.count() for model in (Person, Membership, Organization, Post))


def test_a_new_group_and_its_leader_are_imported_and_shown_in_the_preview(council):
    """A group the file names that the register lacks is created by the import, and the preview says so."""
    plan = plan_of(
        csv_file(
            "Gwilym,Ŵyn,gwilym@council.example,member,elected,Independent Group,leader,,,,,",
            "Mòrag,Dòmhnallach,morag@council.example,member,co-opted,Independent Group,,,,,,",
        )
    )
    assert plan.problems == [] and plan.new_groups == ["Independent Group"]
    assert [planned.line.email for planned in plan.added] == ["gwilym@council.example", "morag@council.example"]

    import_people(actor=council.democratic_services, reason="May elections", plan=plan)

    gwilym = Person.objects.get(email="gwilym@council.example")
    assert (gwilym.first_name, gwilym.last_name, gwilym.kind) == ("Gwilym", "Ŵyn", "member")
    group = Organization.objects.get(name="Independent Group", classification="party")
    leader = Membership.objects.on(ON).get(organization=group, post__role=Post.Role.GROUP_LEADER)
    assert leader.person == gwilym
    assert Person.objects.get(email="morag@council.example").member_type == "co-opted"


def test_the_register_refuses_each_bad_line_by_number_and_field(council):
    """An unknown directorate, a second leader of a group, an e-mail already used by another person
    (whatever its case) with another kind, a line manager in neither register nor file."""
    red = council.groups[0]
    plan = plan_of(
        csv_file(
            "Ann,Jones,ann@council.example,officer,,,,Nowhere,,,,",
            f"Bob,Smith,bob@council.example,member,elected,{red.organization.name},leader,,,,,",
            f"Cat,Lee,{council.chief_executive.email.upper()},member,elected,,,,,,,",
            "Dan,Hall,dan@council.example,officer,,,,Place,,,ghost@council.example,",
            "Eve,Ng,eve@council.example,member,elected,Green Group,leader,,,,,",
            "Fay,Cox,fay@council.example,member,elected,Green Group,leader,,,,,",
        )
    )
    assert fields_at(plan) == {
        (2, "directorate"),
        (3, "group_role"),
        (4, "kind"),
        (5, "reports_to"),
        (7, "group_role"),
    }
    assert "line 6" in next(p.message for p in plan.problems if p.line == 7)
    assert red.leader.name in next(p.message for p in plan.problems if p.line == 3)


def test_nothing_is_saved_unless_the_whole_file_is_clean(council):
    """One bad line among good ones: refused, nothing saved, no history rows."""
    plan = plan_of(
        csv_file(
            "Ann,Jones,ann@council.example,member,elected,Red Group,,,,,,",
            "Bob,Smith,bob@council.example,member,elected,Red Group,,,,,,07/13/2026",
        )
    )
    assert fields_at(plan) == {(3, "start_date")}
    before = history_rows()
    with pytest.raises(RuleViolation) as refused:
        import_people(actor=council.democratic_services, reason="May elections", plan=plan)
    assert refused.value.field == "start_date" and "line 3" in refused.value.message
    assert history_rows() == before
    assert not Person.objects.filter(email="ann@council.example").exists()


def test_a_refusal_by_a_service_part_way_saves_nothing(council):
    """The file is clean but a service refuses a later line while saving (the new person's username,
    their e-mail address, is taken): the people and groups saved before it are rolled back too."""
    person_update(
        actor=council.democratic_services,
        reason="Test",
        person=council.auditor,
        changes={"username": "bob@other.example"},
    )
    plan = plan_of(
        csv_file(
            "Ann,Jones,ann@council.example,member,elected,Green Group,leader,,,,,",
            "Bob,Smith,bob@other.example,member,elected,,,,,,,",
        )
    )
    assert plan.is_clean
    before = history_rows()
    with pytest.raises(RuleViolation) as refused:
        import_people(actor=council.democratic_services, reason="May elections", plan=plan)
    assert refused.value.field == "username"
    assert history_rows() == before
    assert not Person.objects.filter(email="ann@council.example").exists()
    assert not Organization.objects.filter(name="Green Group").exists()


def test_importing_the_same_file_twice_changes_nothing(council):
    """The second import finds everyone unchanged and writes no history row."""
    data = csv_file(
        "Ann,Jones,ann@council.example,member,elected,Red Group,,,,,,",
        "Bob,Smith,bob@council.example,officer,,,,Place,Planning Officer,yes,ann.boss@council.example,",
        "Ann,Boss,ann.boss@council.example,officer,,,,Place,,,,",
    )
    import_people(actor=council.democratic_services, reason="First", plan=plan_of(data))
    before = history_rows()
    again = plan_of(data)
    assert again.is_clean and not again.changes_anything
    assert len(again.unchanged) == 3
    import_people(actor=council.democratic_services, reason="Second", plan=again)
    assert history_rows() == before
    bob = Person.objects.get(email="bob@council.example")
    assert bob.reports_to.email == "ann.boss@council.example"
    assert Membership.objects.on(ON).get(person=bob, post__isnull=False).post.politically_restricted


def test_a_changed_line_moves_the_person_and_the_preview_names_each_change(council):
    """A member changing group and name: the old membership ends the day before, the new starts on the day."""
    member = council.groups[0].members[0]
    plan = plan_of(csv_file(f"Rhiannon,{member.last_name},{member.email},member,elected,Blue Group,,,,,,"))
    [planned] = plan.changed
    assert {change.field for change in planned.changes} == {"given_name", "group"}
    import_people(actor=council.democratic_services, reason="Crossed the floor", plan=plan)
    member.refresh_from_db()
    assert member.first_name == "Rhiannon"
    ended = Membership.objects.get(person=member, organization=council.groups[0].organization, post__isnull=True)
    assert ended.end_date == ON - datetime.timedelta(days=1)
    assert Membership.objects.on(ON).get(person=member, post__isnull=True).organization.name == "Blue Group"


@pytest.mark.parametrize("who", ["chief_executive", "monitoring_officer", "auditor"])
def test_only_democratic_services_import_people(council, who):
    """Anyone else is refused, naming the rule, and nothing is saved."""
    plan = plan_of(csv_file("Ann,Jones,ann@council.example,member,elected,Red Group,,,,,,"))
    with pytest.raises(NotPermitted):
        import_people(actor=getattr(council, who), reason="Trying", plan=plan)
    assert not Person.objects.filter(email="ann@council.example").exists()


def test_a_formula_is_stored_as_text_and_escaped_on_export(council):
    """=HYPERLINK(...) is saved as the name's text; the export prefixes an apostrophe so a spreadsheet
    shows it, and importing the export gives the same text back."""
    plan = plan_of(csv_file('"=HYPERLINK(""http://evil.example"",""x"")",+Jones,ann@council.example,member,,,,,,,,'))
    import_people(actor=council.democratic_services, reason="Test", plan=plan)
    assert Person.objects.get(email="ann@council.example").first_name == '=HYPERLINK("http://evil.example","x")'
    exported = export_people_csv(on=ON)
    assert "'=HYPERLINK" in exported and ",'+Jones," in exported
    for line in exported.splitlines()[1:]:
        for cell in next(csv.reader([line])):
            assert not cell or cell[0] not in "=+-@\t\r"


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_the_export_imports_again_unchanged(council, fmt):
    """Export the council (Welsh names included), import the export: everyone unchanged, no history."""
    plan = plan_of(
        csv_file(
            "Siân,Ŵyn,sian@council.example,member,co-opted,Red Group,,,,,,",
            "Mòrag,Dòmhnallach,morag@council.example,officer,,,,Place,Policy Officer,yes,,",
        )
    )
    import_people(actor=council.democratic_services, reason="Test", plan=plan)
    if fmt == "csv":
        data, name = export_people_csv(on=ON).encode(), "people.csv"
    else:
        data, name = export_people_popolo(on=ON).encode(), "people.json"
    assert "Ŵyn" in data.decode() and "Dòmhnallach" in data.decode()
    before = history_rows()
    again = plan_of(data, name)
    assert again.problems == []
    assert not again.changes_anything, [(p.line.email, p.changes) for p in again.changed]
    assert len(again.unchanged) == Person.objects.exclude(kind="system").count()
    import_people(actor=council.democratic_services, reason="Round trip", plan=again)
    assert history_rows() == before


# The pages


def upload(client, data: bytes, name="people.csv", reason="May elections"):
    return client.post(reverse("people:import"), {"file": SimpleUploadedFile(name, data), "reason": reason})


def test_democratic_services_upload_see_the_problems_upload_again_and_confirm(client, council):
    """Upload a file with a bad line: the preview names it by line and field and nothing is saved;
    upload the corrected file, see who joins, confirm, and the person is in the register."""
    client.force_login(council.democratic_services)
    assert client.get(reverse("people:import")).status_code == 200
    bad = csv_file("Siân,Ŵyn,sian@council.example,member,elected,Red Group,,,,,,2026-02-30")
    assert upload(client, bad)["Location"] == reverse("people:import-preview")
    preview = client.get(reverse("people:import-preview"))
    assert preview.status_code == 400
    assert "Line 2, start_date" in preview.content.decode()
    assert reverse("people:import-confirm") not in preview.content.decode()

    upload(client, csv_file("Siân,Ŵyn,sian@council.example,member,elected,Red Group,,,,,,2026-03-02"))
    preview = client.get(reverse("people:import-preview"))
    assert preview.status_code == 200 and "Siân Ŵyn" in preview.content.decode()
    assert not Person.objects.filter(email="sian@council.example").exists()
    digest = preview.context["kept"]["digest"]

    done = client.post(reverse("people:import-confirm"), {"digest": digest}, follow=True)
    assert done.status_code == 200 and "People imported" in done.content.decode()
    assert Person.objects.get(email="sian@council.example").last_name == "Ŵyn"


def test_a_confirmation_of_another_preview_imports_nothing(client, council):
    """The confirmation names the file it was drawn from; a file replaced meanwhile is not imported unseen."""
    client.force_login(council.democratic_services)
    upload(client, csv_file("Ann,Jones,ann@council.example,member,elected,Red Group,,,,,,"))
    response = client.post(reverse("people:import-confirm"), {"digest": "0" * 64})
    assert response["Location"] == reverse("people:import-preview")
    assert not Person.objects.filter(email="ann@council.example").exists()


@pytest.mark.parametrize("name", ["people:import", "people:export", "people:export-json"])
def test_only_democratic_services_reach_the_import_and_export_pages(client, council, name):
    """The Monitoring Officer (who reads people's records) is refused; a councillor finds no such page."""
    client.force_login(council.monitoring_officer)
    assert client.get(reverse(name)).status_code == 403
    client.force_login(council.groups[0].leader)
    assert client.get(reverse(name)).status_code == 404
    client.force_login(council.democratic_services)
    assert client.get(reverse(name)).status_code == 200


def test_the_exports_download_as_files(client, council):
    client.force_login(council.democratic_services)
    csv_response = client.get(reverse("people:export"))
    assert csv_response["Content-Type"].startswith("text/csv")
    assert csv_response.content.decode().startswith("given_name,family_name,email,kind")
    json_response = client.get(reverse("people:export-json"))
    assert {"persons", "organizations", "memberships"} <= set(json.loads(json_response.content))
