"""Issue 17, point 4, in a real Chromium at 1,280 and 320 px: Democratic Services record an election on
the demo council from a results file, see the preview of who joins, leaves, changes group and
continues, and which groups will have no leader, then confirm it."""

import datetime

import pytest
from django.core.management import call_command

from register import selectors
from register.models import Person
from tests.e2e.conftest import assert_reads_well
from tests.e2e.test_declarations_journey import Journey

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def results_csv() -> bytes:
    """Everyone re-elected but the Conservative leader and one Labour member; the Liberal Democrats'
    deputy leader elected for the Independents; a newcomer for a new Green group (names in Welsh)."""
    keep = Person.objects.filter(member_type=Person.MemberType.ELECTED).exclude(
        username__in=["leader-2", "member-1", "deputy-leader-3"]
    )
    rows = ["given_name,family_name,email,kind,group"]
    for person in keep.order_by("username"):
        rows.append(
            f"{person.first_name},{person.last_name},{person.email.upper()},member,{selectors.group_of(person, selectors.today())}"
        )
    mover = Person.objects.get(username="deputy-leader-3")
    rows.append(f"{mover.first_name},{mover.last_name},{mover.email},member,Independent Group")
    rows.append("Siân,Llŷr,sian.llyr@demoshire.example,member,Green Group")
    return ("\n".join(rows) + "\n").encode()


def test_democratic_services_record_an_election_from_a_results_file_after_a_preview_A1(live_server, page_at_width):
    page = page_at_width
    call_command("seed_demo")
    journey = Journey(page, live_server.url)
    journey.sign_in("democratic-services")
    polling_day = selectors.today() - datetime.timedelta(days=14)

    page.goto(f"{live_server.url}/people/election/")
    assert_reads_well(page)
    page.get_by_label("Day").fill(str(polling_day.day))
    page.get_by_label("Month").fill(str(polling_day.month))
    page.get_by_label("Year").fill(str(polling_day.year))
    page.get_by_label("The whole council").check()
    journey.submit("Continue")
    # A polling day in the past, not said to be: refused on its field.
    assert page.title().startswith("Error:")
    assert "is in the past" in page.locator(".govuk-error-summary").inner_text()
    assert_reads_well(page)
    page.get_by_label("This election has already happened").check()
    journey.submit("Continue")

    assert journey.heading() == "Upload the results"
    assert_reads_well(page)
    page.get_by_label("Upload the results file").set_input_files(
        files=[{"name": "results.csv", "mimeType": "text/csv", "buffer": results_csv()}]
    )
    journey.submit("Check the results")

    assert journey.heading() == "Check the election before recording it"
    assert_reads_well(page)
    joins = page.locator("#joins").inner_text()
    assert "Siân Llŷr" in joins and "Green Group" in joins
    leaves = page.locator("#leaves").inner_text()
    assert "Leader of the Conservative Group" in leaves
    assert "Independent Group" in page.locator("#changes").inner_text()
    without = page.locator("#without-leader ~ ul").inner_text()
    assert "Conservative Group: No leader recorded" in without
    assert "Green Group (a new group): No leader recorded" in without
    assert not Person.objects.filter(email="sian.llyr@demoshire.example").exists()

    journey.submit("Record the election")
    assert page.locator(".govuk-panel__title").inner_text() == "Election recorded"
    assert "No leader recorded for: Conservative Group, Green Group" in page.locator("main").inner_text()
    assert_reads_well(page)
    takes_office = polling_day + datetime.timedelta(days=4)
    old_leader = Person.objects.get(username="leader-2")
    assert old_leader.left_on == takes_office - datetime.timedelta(days=1)
    assert not selectors.groups_led_by(old_leader, takes_office)
    assert (
        selectors.group_of(Person.objects.get(email="sian.llyr@demoshire.example"), takes_office).name == "Green Group"
    )


def test_a_councillor_crossing_the_floor_is_the_same_journey_for_one_person_A1(live_server, page_at_width):
    """The deputy leader of the Liberal Democrats joins the Independents from a day to come: chosen
    from the serving councillors, their new group on the file's one line; their old group is left
    with no deputy leader, which the preview says."""
    page = page_at_width
    call_command("seed_demo")
    journey = Journey(page, live_server.url)
    journey.sign_in("democratic-services")
    day = selectors.today() + datetime.timedelta(days=7)
    mover = Person.objects.get(username="deputy-leader-3")

    page.goto(f"{live_server.url}/people/election/")
    page.get_by_label("Day").fill(str(day.day))
    page.get_by_label("Month").fill(str(day.month))
    page.get_by_label("Year").fill(str(day.year))
    page.get_by_label("One councillor crossing the floor (no election)").check()
    journey.submit("Continue")

    assert_reads_well(page)
    page.get_by_label(mover.name).check()
    line = f"given_name,family_name,email,kind,group\n{mover.first_name},{mover.last_name},{mover.email},member,Independent Group\n"
    page.get_by_label("Upload the results file").set_input_files(
        files=[{"name": "crossing.csv", "mimeType": "text/csv", "buffer": line.encode()}]
    )
    journey.submit("Check the results")

    assert_reads_well(page)
    assert "Liberal Democrat Group" in page.locator("#changes").inner_text()
    assert "Liberal Democrat Group: No deputy leader recorded" in page.locator("#without-leader ~ ul").inner_text()
    journey.submit("Record the change of group")
    assert page.locator(".govuk-panel__title").inner_text() == "Change of group recorded"
    assert_reads_well(page)
    assert selectors.group_of(mover, day).name == "Independent Group"
    assert selectors.group_of(mover, day - datetime.timedelta(days=1)).name == "Liberal Democrat Group"
