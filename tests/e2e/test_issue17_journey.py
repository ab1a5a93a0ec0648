"""Issue 17's journey, end to end in a real Chromium as ``democratic-services`` on the demo council:
import the council's successor from a CSV (60 councillors in 4 groups, a new leader of the Independent
Group), preview it, correct the bad line it names, import; record a by-election; the Independents'
former leader no longer sees the group's request and the new leader does (A1); an officer leaves
and their pending invitation lapses with notices sent (A4). axe-core finds nothing serious on any page."""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from register import selectors, workflow
from register.models import AttendanceInvitation, Notification, Person
from register.services import attendance, people
from register.services.people.exports import export_people_csv
from register.services.system import system_user
from tests.e2e.conftest import assert_reads_well
from tests.e2e.test_declarations_journey import PASSWORD, Journey
from tests.factories import meeting

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

GROUPS = ["Labour Group", "Conservative Group", "Liberal Democrat Group", "Independent Group"]
NEW_LEADER_EMAIL = "rhiannon.pugh@demoshire.example"


def successor_csv(*, bad_date: bool) -> bytes:
    """Today's register as exported, the Independents' leader now an ordinary member, and 22 new
    councillors (60 in all), the first of them the Independents' new leader. With ``bad_date``, one
    newcomer's start date is the 31st of February."""
    lines = export_people_csv().replace("'", "").splitlines()
    old_leader = Person.objects.get(username="leader-4")
    lines = [
        line.replace(",Independent Group,leader,", ",Independent Group,,") if old_leader.email in line else line
        for line in lines
    ]
    day = timezone.localdate().isoformat()
    lines.append(f"Rhiannon,Pugh,{NEW_LEADER_EMAIL},member,elected,Independent Group,leader,,,,,{day}")
    for number in range(1, 22):
        start = "31/02/2026" if bad_date and number == 7 else day
        lines.append(
            f"Newcomer{number},Cynghorydd,newcomer-{number}@demoshire.example,member,elected,"
            f"{GROUPS[number % 4]},,,,,,{start}"
        )
    return ("\r\n".join(lines) + "\r\n").encode()


def upload(page, journey, data: bytes) -> None:
    page.get_by_label("Upload a file").set_input_files(
        files=[{"name": "successor.csv", "mimeType": "text/csv", "buffer": data}]
    )
    page.get_by_label("Why are you importing these people?").fill("The council after the boundary review")
    journey.submit("Upload and preview")


def fill_date(page, day: datetime.date) -> None:
    page.get_by_label("Day").fill(str(day.day))
    page.get_by_label("Month").fill(str(day.month))
    page.get_by_label("Year").fill(str(day.year))


def test_democratic_services_run_the_register_through_an_import_an_election_and_a_leaver_A1_A4(live_server, page):
    call_command("seed_demo")
    today = timezone.localdate()
    old_leader, officer = Person.objects.get(username="leader-4"), Person.objects.get(username="officer-1")
    request = attendance.attendance_request_submit(
        actor=old_leader,
        reason="Briefing wanted before the planning committee",
        meeting=meeting(),
        officers=[officer],
        subject="The local plan's housing sites",
        scope="Which sites the draft local plan proposes and why",
    )
    journey = Journey(page, live_server.url)
    journey.sign_in("democratic-services")

    # The import: a bad line named, nothing saved; the corrected file previewed and imported.
    page.goto(f"{live_server.url}/people/import/")
    assert_reads_well(page)
    upload(page, journey, successor_csv(bad_date=True))
    assert "start_date" in page.locator(".govuk-error-summary").inner_text()
    assert_reads_well(page)
    assert not Person.objects.filter(email=NEW_LEADER_EMAIL).exists()
    upload(page, journey, successor_csv(bad_date=False))
    assert journey.heading() == "Check the people before importing them"
    assert "Rhiannon Pugh" in page.get_by_role("region", name="Who joins (22)").inner_text()
    assert_reads_well(page)
    journey.submit("Import these people")
    assert page.locator(".govuk-panel__title").inner_text() == "People imported"
    assert_reads_well(page)
    councillors = [p for p in Person.objects.filter(member_type=Person.MemberType.ELECTED) if p.is_current_on(today)]
    assert len(councillors) == 60
    assert {selectors.group_of(p, today).name for p in councillors} == set(GROUPS)
    new_leader = Person.objects.get(email=NEW_LEADER_EMAIL)
    assert selectors.groups_led_by(new_leader, today) and not selectors.groups_led_by(old_leader, today)

    # A by-election: a week ahead, for one Labour member's seat, won by a newcomer.
    retiring = Person.objects.get(username="member-1")
    polling_day = today + datetime.timedelta(days=7)
    page.goto(f"{live_server.url}/people/election/")
    assert_reads_well(page)
    fill_date(page, polling_day)
    page.get_by_label("One seat (a by-election)").check()
    journey.submit("Continue")
    page.get_by_label(retiring.name, exact=True).check()
    results = "given_name,family_name,email,kind,group\nSiôn,Prys,sion.prys@demoshire.example,member,Labour Group\n"
    page.get_by_label("Upload the results file").set_input_files(
        files=[{"name": "by-election.csv", "mimeType": "text/csv", "buffer": results.encode()}]
    )
    journey.submit("Check the results")
    assert journey.heading() == "Check the election before recording it"
    assert "Siôn Prys" in page.locator("#joins").inner_text()
    assert retiring.name in page.locator("#leaves").inner_text()
    assert_reads_well(page)
    journey.submit("Record the election")
    assert page.locator(".govuk-panel__title").inner_text() == "Election recorded"
    assert_reads_well(page)
    takes_office = polling_day + datetime.timedelta(days=4)
    assert selectors.group_of(Person.objects.get(email="sion.prys@demoshire.example"), takes_office).name == (
        "Labour Group"
    )

    # An officer leaves: their pending invitation lapses and those affected are told.
    page.goto(f"{live_server.url}/people/{officer.pk}/leave/")
    assert_reads_well(page)
    fill_date(page, today)
    page.get_by_label("Why did they leave?").fill("Resigned: took a post with another council")
    journey.submit("Continue")
    assert_reads_well(page)
    journey.submit("Record that they left")
    assert_reads_well(page)
    assert AttendanceInvitation.objects.get(request=request).state == workflow.LAPSED
    told = set(Notification.objects.filter(kind="attendance-officer-left").values_list("recipient__email", flat=True))
    assert NEW_LEADER_EMAIL in told
    journey.sign_out()

    # Access follows the posts on the day (A1): the former leader is told there is no such request.
    journey.sign_in("leader-4")
    assert page.goto(f"{live_server.url}/attendance/{request.pk}/").status == 404
    journey.sign_out()
    people.person_set_password(
        actor=system_user(),
        reason="The new leader's first password, for this test (invitations are tested on their own)",
        person=new_leader,
        raw_password=PASSWORD,
    )
    journey.sign_in(new_leader.username)
    assert page.goto(f"{live_server.url}/attendance/{request.pk}/").status == 200
    assert page.get_by_text("The local plan's housing sites").first.is_visible()
    assert page.get_by_text("Lapsed (the officer has left)").first.is_visible()
    assert_reads_well(page)
