"""Issue 17, point 5: Democratic Services import people from a CSV on the demo council: a file with
a bad line is previewed with the line and column named and nothing saved; the corrected file is
previewed (who joins, the new group), confirmed, and the people are in the register."""

import pytest
from django.core.management import call_command

from register.models import Membership, Person, Post
from tests.e2e.conftest import assert_reads_well
from tests.e2e.test_declarations_journey import Journey

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

HEADER = (
    "given_name,family_name,email,kind,member_type,group,group_role,directorate,post,"
    "politically_restricted,reports_to,start_date\n"
)


def people_csv(tmp_path, start_date: str):
    path = tmp_path / "new-councillors.csv"
    path.write_text(
        HEADER
        + "Gwenllïan,Ŵyn,gwenllian.wyn@demo.example,member,elected,Green Group,leader,,,,,2026-05-11\n"
        + f"Mòrag,Dòmhnallach,morag.d@demo.example,member,elected,Green Group,,,,,,{start_date}\n",
        encoding="utf-8",
    )
    return path


def test_democratic_services_import_a_corrected_file_after_a_preview_names_the_bad_line(
    live_server, page_at_width, tmp_path
):
    call_command("seed_demo")
    page = page_at_width
    journey = Journey(page, live_server.url)
    journey.sign_in("democratic-services")

    page.goto(f"{live_server.url}/people/import/")
    assert journey.heading() == "Import people"
    assert_reads_well(page)
    page.get_by_label("Upload a file").set_input_files(people_csv(tmp_path, "31/02/2026"))
    page.get_by_label("Why are you importing these people?").fill("A new group after the May elections")
    journey.submit("Upload and preview")

    summary = page.locator(".govuk-error-summary")
    assert "Line 3, start_date" in summary.inner_text()
    assert journey.heading() == "Correct the file and upload it again"
    assert page.get_by_role("button", name="Import these people").count() == 0
    assert_reads_well(page)
    assert not Person.objects.filter(email="gwenllian.wyn@demo.example").exists()

    page.get_by_label("Upload a file").set_input_files(people_csv(tmp_path, "2026-05-11"))
    journey.submit("Upload and preview")
    assert journey.heading() == "Check the people before importing them"
    assert "Green Group" in page.locator("#new-groups").inner_text()
    joining = page.get_by_role("region", name="Who joins (2)").inner_text()
    assert "Gwenllïan Ŵyn" in joining and "Mòrag Dòmhnallach" in joining
    assert_reads_well(page)

    journey.submit("Import these people")
    assert page.locator(".govuk-panel__title").inner_text() == "People imported"
    assert "Gwenllïan Ŵyn" in page.locator("#added").inner_text()
    assert_reads_well(page)
    leader = Membership.objects.get(post__role=Post.Role.GROUP_LEADER, organization__name="Green Group")
    assert leader.person.email == "gwenllian.wyn@demo.example"
    assert leader.person.last_name == "Ŵyn"


def test_others_cannot_open_the_import_page(live_server, page_at_width):
    """A councillor is told there is no such page."""
    call_command("seed_demo")
    journey = Journey(page_at_width, live_server.url)
    leader = Person.objects.filter(kind="member").order_by("username").first()
    journey.sign_in(leader.username)
    response = page_at_width.goto(f"{live_server.url}/people/import/")
    assert response.status == 404
    assert_reads_well(page_at_width)
