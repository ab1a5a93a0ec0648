"""Issue 17, point 3, in a real Chromium: Democratic Services record that an officer with a pending
invitation has left; the page shows what will happen first, and then the invitation shows lapsed to
the group's leader and the notices are written (A4). axe-core and 320 px on every page."""

import pytest
from django.core.management import call_command
from django.utils import timezone

from register import workflow
from register.models import AttendanceInvitation, Notification, Person
from register.services import attendance
from tests.e2e.conftest import assert_reads_well
from tests.e2e.test_declarations_journey import Journey
from tests.factories import meeting

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_an_officer_leaves_and_their_pending_invitation_lapses_with_notices_sent_A4(live_server, page_at_width):
    call_command("seed_demo")
    leader, officer = Person.objects.get(username="leader-1"), Person.objects.get(username="officer-1")
    request = attendance.attendance_request_submit(
        actor=leader,
        reason="Briefing wanted before the budget meeting",
        meeting=meeting(),
        officers=[officer],
        subject="Library opening hours",
        scope="The options for opening hours in the draft budget",
    )
    page, today = page_at_width, timezone.localdate()
    journey = Journey(page, live_server.url)

    journey.sign_in("democratic-services")
    page.goto(f"{live_server.url}/people/{officer.pk}/leave/")
    assert journey.heading() == "Record that they have left"
    assert_reads_well(page)
    page.get_by_label("Day").fill(str(today.day))
    page.get_by_label("Month").fill(str(today.month))
    page.get_by_label("Year").fill(str(today.year))
    page.get_by_label("Why did they leave?").fill("Resigned: took a post with another council")
    journey.submit("Continue")

    assert journey.heading() == "Check what happens when they leave"
    assert page.locator("#invitations-lapsing").get_by_text(f"{request.group} meeting on").is_visible()
    assert page.locator("#people-told").get_by_text(str(leader)).is_visible()
    assert_reads_well(page)
    assert AttendanceInvitation.objects.get(request=request).state == workflow.INVITED

    journey.submit("Record that they left")
    assert f"{officer} is recorded as having left" in page.content()
    assert_reads_well(page)
    assert AttendanceInvitation.objects.get(request=request).state == workflow.LAPSED
    told = set(
        Notification.objects.filter(kind="attendance-officer-left").values_list("recipient__username", flat=True)
    )
    assert "leader-1" in told and "chief-executive" in told

    journey.sign_out()
    journey.sign_in("leader-1")
    page.goto(f"{live_server.url}/attendance/{request.pk}/")
    assert page.get_by_text("Lapsed (the officer has left)").first.is_visible()
    assert_reads_well(page)
