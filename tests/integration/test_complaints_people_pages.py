"""Democratic Services record an Independent Person and the parish and town councils in the area (D4):
the Independent Person holds the council's Independent Person post, signs in with a second factor, sees
only the complaints on which they are consulted and nothing else; a parish council added is offered on
the Record a complaint form. Nobody else changes these records."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from register import policies, selectors
from register.errors import RuleViolation
from register.models import Organization, Person, Post
from register.services.conduct import complaints
from tests.factories import row_counts
from tests.integration.complaint_helpers import consult, record


def signed_in(person) -> Client:
    client = Client()
    client.force_login(person)
    return client


def date_fields(name, day):
    return {f"{name}_0": str(day.day), f"{name}_1": str(day.month), f"{name}_2": str(day.year)}


def add_independent_person(council, **overrides):
    data = {
        "first_name": "Ruth",
        "last_name": "Independent",
        "email": "ruth.independent@example.org",
        "kind": "independent",
        "organization_directorate": str(council.directorates[0].organization.pk),  # typed, but not asked of them
        "post_label": "Should not be kept",
        "reason": "Appointed by Council on 5 January",
        **date_fields("start_date", datetime.date(2026, 1, 5)),
    }
    data.update(overrides)
    return signed_in(council.democratic_services).post(reverse("people:add"), data)


def test_democratic_services_add_an_independent_person_who_holds_the_post_D4(council):
    response = add_independent_person(council)
    person = Person.objects.get(email="ruth.independent@example.org")
    assert response.status_code == 302 and response.url == reverse("people:detail", args=[person.pk])
    assert person.kind == Person.Kind.INDEPENDENT and person.member_type == "" and person.reports_to is None
    assert selectors.holds(person, Post.Role.INDEPENDENT_PERSON, datetime.date(2026, 1, 5))
    assert selectors.directorate_of(person, datetime.date(2026, 1, 5)) is None
    assert not Post.objects.filter(label="Should not be kept").exists()
    assert policies.needs_two_factor(selectors.standing_of(person, on=datetime.date(2026, 3, 2)))
    page = signed_in(council.democratic_services).get(reverse("people:detail", args=[person.pk])).content.decode()
    assert "Independent Person" in page and "Directorate" not in page
    listed = signed_in(council.democratic_services).get(reverse("people:index"), {"kind": "independent"})
    assert person in listed.context["page"].object_list


def test_the_independent_person_added_can_be_consulted_and_changed_without_officer_questions_D4(council):
    add_independent_person(council)
    person = Person.objects.get(email="ruth.independent@example.org")
    complaint = record(council)
    consult(council, complaint, independent_person=person)
    assert signed_in(person).get(f"/complaints/{complaint.pk}/").status_code == 200
    change = signed_in(council.democratic_services).get(reverse("people:change", args=[person.pk])).content.decode()
    assert "Line manager" not in change and "Member type" not in change


def test_the_independent_person_sees_only_complaints_they_are_consulted_on_and_nothing_else_D4(
    council, independent_person
):
    consulted, other = record(council, reference="1"), record(council, reference="2")
    consult(council, consulted)
    client = signed_in(independent_person)
    listing = client.get("/complaints/").content.decode()
    assert f"/complaints/{consulted.pk}/" in listing and f"/complaints/{other.pk}/" not in listing
    assert client.get(f"/complaints/{other.pk}/").status_code == 404
    assert client.get("/complaints/new/").status_code == 403
    for path in ("/declarations/all/", "/attendance/queue/", "/people/", "/audit/", "/people/local-councils/"):
        assert client.get(path).status_code == 404, path


def test_an_independent_person_consulted_on_nothing_sees_an_empty_list_not_an_error_D4(independent_person):
    page = signed_in(independent_person).get("/complaints/")
    assert page.status_code == 200 and "There are no complaints for you to see" in page.content.decode()


def test_democratic_services_add_a_parish_council_offered_on_the_complaint_form_D4(council):
    keeper = signed_in(council.democratic_services)
    assert keeper.get(reverse("people:local-council-add")).status_code == 200
    response = keeper.post(
        reverse("people:local-council-add"),
        {"name": "Keyworth Parish Council", "classification": "parish", "reason": "In the area"},
    )
    assert response.status_code == 302
    keyworth = Organization.objects.get(name="Keyworth Parish Council")
    assert keyworth.classification == Organization.Classification.PARISH
    listing = keeper.get(reverse("people:local-councils")).content.decode()
    for name in ("Keyworth Parish Council", "Newton Parish Council", "Bingham Town Council"):
        assert name in listing
    form = signed_in(council.monitoring_officer).get("/complaints/new/").content.decode()
    assert "Keyworth Parish Council" in form and "Bingham Town Council" in form


def test_democratic_services_rename_a_town_council_and_a_duplicate_name_is_refused(council):
    keeper = signed_in(council.democratic_services)
    path = reverse("people:local-council-change", args=[council.town_council.pk])
    duplicate = keeper.post(path, {"name": "Newton Parish Council", "classification": "town", "reason": "Typo"})
    assert duplicate.status_code == 400 and "There is already an organization called" in duplicate.content.decode()
    keeper.post(path, {"name": "Bingham Town Council (renamed)", "classification": "town", "reason": "Renamed"})
    assert Organization.objects.get(pk=council.town_council.pk).name == "Bingham Town Council (renamed)"


@pytest.mark.parametrize("who", ["monitoring_officer", "auditor"])
def test_only_democratic_services_change_the_list_of_parish_and_town_councils(council, who):
    client = signed_in(getattr(council, who))
    assert client.get(reverse("people:local-councils")).status_code == 200
    before = row_counts()
    response = client.post(
        reverse("people:local-council-add"), {"name": "X Parish Council", "classification": "parish", "reason": "x"}
    )
    assert response.status_code == 403
    assert row_counts() == before


def test_a_complaint_cannot_name_a_political_group_as_its_parish_council_D4(council):
    with pytest.raises(RuleViolation) as refused:
        record(council, member=None, local_council=council.groups[0].organization, councillor_name="Cllr X")
    assert refused.value.field == "local_council"
    assert not complaints.Complaint.objects.exists()


def test_the_people_import_reads_an_independent_person_and_refuses_them_a_group_D4():
    from register.services.people.imports import parse_people_file

    header = "given_name,family_name,email,kind,member_type,group,group_role,directorate,post,"
    header += "politically_restricted,reports_to,start_date\n"
    clean = parse_people_file((header + "Ruth,Okonjo,ruth@example.org,independent,,,,,,,,\n").encode(), "people.csv")
    assert clean.problems == [] and clean.lines[0].kind == Person.Kind.INDEPENDENT
    grouped = parse_people_file(
        (header + "Ruth,Okonjo,ruth@example.org,independent,,Red Group,,,,,,\n").encode(), "people.csv"
    )
    assert [(problem.field, problem.message) for problem in grouped.problems] == [
        ("group", "An Independent Person has no group; this line is theirs.")
    ]


def test_the_export_of_everyone_carries_the_independent_person_and_imports_again_unchanged_D4(council):
    from register.services.people.exports import export_people_csv, export_people_popolo
    from register.services.people.import_plan import plan_import
    from register.services.people.imports import parse_people_file

    csv_text = export_people_csv()
    assert f"{council.independent_person.email},independent" in csv_text
    for data, name in ((csv_text.encode(), "people.csv"), (export_people_popolo().encode(), "people.json")):
        plan = plan_import(parse_people_file(data, name), on=selectors.today())
        assert plan.is_clean and not plan.changes_anything, plan.problems
