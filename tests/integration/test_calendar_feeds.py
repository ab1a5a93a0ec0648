"""Calendar feeds (issue 22): each feed holds only what its owner may see on the day it is read;
a cancelled briefing keeps its UID and says STATUS:CANCELLED; a reset address is refused in plain
words; times are Europe/London across the changes to and from British Summer Time, as read by two
independent parsers (icalendar, and vobject)."""

import datetime
from zoneinfo import ZoneInfo

import icalendar
import pytest
import vobject
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from register.models import CalendarFeed, Membership, Post
from register.services import attendance, people
from register.services.calendar_feeds import calendar_feed_make, calendar_feed_reset
from tests.factories import approved_request, row_counts, submit_request

LONDON = ZoneInfo("Europe/London")
GONE = "This calendar address has been reset or does not exist"


def at(y, m, d, hh=18, mm=0):
    return datetime.datetime(y, m, d, hh, mm, tzinfo=LONDON)


def read(token: str, kind: str = "briefings", expect: int = 200):
    response = Client().get(f"/calendar/{token}/{kind}.ics")
    assert response.status_code == expect, response.content[:300]
    return response


def events_of(response) -> dict[str, icalendar.Event]:
    calendar = icalendar.Calendar.from_ical(response.content)
    return {str(event["UID"]): event for event in calendar.walk("VEVENT")}


@pytest.fixture
def officer_of(council):
    return council.directorates[0].officers[0]


def test_an_officers_feed_holds_their_briefings_with_place_group_subject_and_link(council, clock, officer_of):
    request = approved_request(council, officers=[officer_of], subject="Library closures")
    attendance.attendance_invitation_respond(request=request, actor=officer_of, accept=True)
    token = calendar_feed_make(actor=officer_of, person=officer_of).token

    response = read(token)

    assert response["Content-Type"].startswith("text/calendar")
    assert response["Cache-Control"] == "private, no-store"
    assert "Set-Cookie" not in response
    (event,) = events_of(response).values()
    assert str(event["STATUS"]) == "CONFIRMED"
    assert "Red Group" in str(event["SUMMARY"]) and "Library closures" in str(event["SUMMARY"])
    assert str(event["LOCATION"]) == "Committee Room 1"
    assert str(event["URL"]).endswith(f"/attendance/{request.pk}/")
    assert str(event["UID"]) == f"briefing-{request.pk}-{request.invitations.get().pk}@localhost"
    assert event.decoded("DTSTART") == request.meeting.starts_at
    assert "DTSTAMP" in event and "LAST-MODIFIED" in event


def test_a_pending_briefing_is_tentative_and_an_amendment_raises_its_sequence_A5(council, clock, officer_of):
    request = submit_request(council, officers=[officer_of])
    token = calendar_feed_make(actor=officer_of, person=officer_of).token
    (before,) = events_of(read(token)).values()
    assert str(before["STATUS"]) == "TENTATIVE"

    attendance.attendance_request_amend_brief(
        request=request, actor=council.groups[0].leader, reason="Wider scope", subject="Libraries and museums"
    )

    (after,) = events_of(read(token)).values()
    assert after["UID"] == before["UID"]
    assert int(after["SEQUENCE"]) > int(before["SEQUENCE"])
    assert "Libraries and museums" in str(after["SUMMARY"])


def test_a_declined_or_refused_briefing_stays_in_the_feed_as_cancelled_with_its_uid_A2_A4(council, clock, officer_of):
    declined = approved_request(council, officers=[officer_of])
    refused = submit_request(council, officers=[officer_of])
    token = calendar_feed_make(actor=officer_of, person=officer_of).token
    before = events_of(read(token))
    assert sorted(str(e["STATUS"]) for e in before.values()) == ["TENTATIVE", "TENTATIVE"]

    attendance.attendance_invitation_respond(request=declined, actor=officer_of, accept=False)
    attendance.attendance_request_refuse(request=refused, actor=council.chief_executive, reason="Not for officers")

    after = events_of(read(token))
    assert set(after) == set(before)
    assert {str(e["STATUS"]) for e in after.values()} == {"CANCELLED"}
    assert all(int(after[uid]["SEQUENCE"]) > int(before[uid]["SEQUENCE"]) for uid in after)


def test_an_officer_sees_only_their_own_briefings(council, clock, officer_of):
    other = council.directorates[0].officers[1]
    mine = approved_request(council, officers=[officer_of])
    approved_request(council, officers=[other])
    token = calendar_feed_make(actor=officer_of, person=officer_of).token

    events = events_of(read(token))

    assert list(events) == [f"briefing-{mine.pk}-{mine.invitations.get().pk}@localhost"]
    # Nor does the officer's address open a group's or the Chief Executive's feed.
    assert events_of(read(token, "group-briefings")) == {}
    assert events_of(read(token, "decisions-due")) == {}


def test_a_group_leaders_feed_holds_the_groups_briefings_and_a_former_leaders_nothing_A1(council, clock):
    group = council.groups[0]
    request = submit_request(council)
    submit_request(council, group=1)  # another group's: never in this feed
    token = calendar_feed_make(actor=group.leader, person=group.leader).token
    deputy_token = calendar_feed_make(actor=group.deputy, person=group.deputy).token
    assert list(events_of(read(token, "group-briefings"))) == [f"group-briefing-{request.pk}@localhost"]
    assert list(events_of(read(deputy_token, "group-briefings"))) == [f"group-briefing-{request.pk}@localhost"]

    holding = Membership.objects.get(person=group.leader, post__role=Post.Role.GROUP_LEADER)
    people.membership_end(actor=council.system, reason="Stood down as leader", membership=holding, end_date=clock.today)
    clock.advance(days=1)

    assert events_of(read(token, "group-briefings")) == {}


def test_decisions_due_are_the_chief_executives_and_the_deputys_only_during_an_absence_A2(council, clock):
    request = submit_request(council)
    chief = calendar_feed_make(actor=council.chief_executive, person=council.chief_executive).token
    deputy = calendar_feed_make(actor=council.deputy_chief_executive, person=council.deputy_chief_executive).token

    (event,) = events_of(read(chief, "decisions-due")).values()
    assert event.decoded("DTSTART") == request.due_on
    assert events_of(read(deputy, "decisions-due")) == {}

    people.absence_record(
        actor=council.democratic_services,
        reason="On leave",
        start_date=clock.today,
        end_date=clock.today + datetime.timedelta(days=5),
    )
    assert list(events_of(read(deputy, "decisions-due"))) == [f"decision-due-{request.pk}@localhost"]

    attendance.attendance_request_approve(request=request, actor=council.deputy_chief_executive, reason="Agreed")
    assert events_of(read(chief, "decisions-due")) == {}


def test_a_reset_address_is_refused_in_plain_words_and_the_new_one_works(council, clock, officer_of):
    approved_request(council, officers=[officer_of])
    old = calendar_feed_make(actor=officer_of, person=officer_of).token
    new = calendar_feed_reset(actor=officer_of, person=officer_of, reason="Shared it by mistake").token

    before = row_counts()
    refused = read(old, expect=404)
    assert refused["Content-Type"].startswith("text/plain")
    assert GONE in refused.content.decode()
    assert row_counts() == before
    assert read("not-a-token-at-all", expect=404).content.decode().startswith(GONE)

    assert len(events_of(read(new))) == 1
    old_row = CalendarFeed.objects.get(person=officer_of, reset_at__isnull=False)
    assert old_row.reset_because == "Shared it by mistake"
    assert old_row.history.latest().history_user == officer_of
    assert old_row.history.latest().history_change_reason == "Calendar feed address reset: Shared it by mistake"
    new_row = CalendarFeed.objects.get(person=officer_of, reset_at__isnull=True)
    assert new_row.history.get().history_change_reason == "Calendar feed address made again: Shared it by mistake"
    assert new_row.digest != old_row.digest and new not in str(new_row.history.values())  # only the digest, once


def test_signing_out_everywhere_ends_the_calendar_address_and_a_new_one_can_be_made(council, clock, officer_of):
    """A lost laptop's calendar holds the address too: "sign out everywhere" ends it with the sessions."""
    from register.services.sign_in.sessions import sign_out_everywhere

    approved_request(council, officers=[officer_of])
    old = calendar_feed_make(actor=officer_of, person=officer_of).token
    sign_out_everywhere(actor=officer_of, person=officer_of, reason="Laptop stolen")
    assert GONE in read(old, expect=404).content.decode()
    ended = CalendarFeed.objects.get(person=officer_of)
    assert ended.reset_because == "Signed out everywhere: Laptop stolen"
    assert (
        ended.history.latest().history_change_reason
        == "Calendar feed address ended: Signed out everywhere: Laptop stolen"
    )
    officer_of.refresh_from_db()
    new = calendar_feed_make(actor=officer_of, person=officer_of).token
    assert len(events_of(read(new))) == 1


def test_a_reset_needs_a_reason_and_changes_nothing_without_one(council, clock, officer_of):
    from register.errors import RuleViolation

    calendar_feed_make(actor=officer_of, person=officer_of)
    before = row_counts()
    with pytest.raises(RuleViolation) as refused:
        calendar_feed_reset(actor=officer_of, person=officer_of, reason="  ")
    assert refused.value.field == "reason"
    assert row_counts() == before


def test_the_feed_is_read_in_a_fixed_number_of_queries(council, clock, officer_of, django_assert_num_queries):
    token = calendar_feed_make(actor=officer_of, person=officer_of).token
    leader = council.groups[0].leader
    leader_token = calendar_feed_make(actor=leader, person=leader).token
    chief = calendar_feed_make(actor=council.chief_executive, person=council.chief_executive).token

    def counts():
        found = []
        for key, kind in ((token, "briefings"), (leader_token, "group-briefings"), (chief, "decisions-due")):
            with CaptureQueriesContext(connection) as queries:
                read(key, kind)
            found.append(len(queries))
        return found

    submit_request(council, officers=[officer_of])
    clock.advance(hours=2)  # past the last-read granularity, so each read writes it
    small = counts()
    for _ in range(4):
        submit_request(council, officers=[officer_of])
    clock.advance(hours=2)
    assert counts() == small
    # The token with its owner, the owner's standing, the events, and the hourly note of the read.
    assert small == [4, 5, 4]  # a group's feed also fetches its officers (one query for all)
    with django_assert_num_queries(3):
        read(token)  # read again within the hour: the read is not noted again


def test_done_when_an_officers_feed_shows_local_times_across_bst_and_a_withdrawn_briefing_cancelled(
    council, clock, officer_of
):
    """Issue 22's "Done when": briefings on either side of the change to BST (28 March 2027) and from
    it (31 October 2027), read by icalendar (round trip) and by vobject, are at the local times entered;
    the withdrawn one is STATUS:CANCELLED with the UID it had before."""
    clock.set(at(2027, 3, 15, 9))
    entered = [at(2027, 3, 26, 18), at(2027, 3, 29, 18, 30), at(2027, 10, 29, 17), at(2027, 11, 1, 19)]
    requests = [approved_request(council, officers=[officer_of], starts_at=moment) for moment in entered]
    for request in requests:
        attendance.attendance_invitation_respond(request=request, actor=officer_of, accept=True)
    token = calendar_feed_make(actor=officer_of, person=officer_of).token
    uid_before = {str(e["UID"]) for e in events_of(read(token)).values()}

    withdrawn = requests[1]
    attendance.attendance_request_withdraw(request=withdrawn, actor=council.groups[0].leader, reason="Meeting moved")
    body = read(token).content

    # icalendar: parse, write again, parse again: the same calendar.
    parsed = icalendar.Calendar.from_ical(body)
    assert icalendar.Calendar.from_ical(parsed.to_ical()) == parsed
    assert [str(tz["TZID"]) for tz in parsed.walk("VTIMEZONE")] == ["Europe/London"]
    by_uid = {str(e["UID"]): e for e in parsed.walk("VEVENT")}
    assert set(by_uid) == uid_before

    # vobject: an independent parser, which reads the times through the feed's own VTIMEZONE.
    second = vobject.readOne(body.decode())
    seen = {}
    for vevent in second.vevent_list:
        start = vevent.dtstart.value
        # vobject turns the TZID into a time zone built from the feed's VTIMEZONE.
        assert start.tzinfo is not None and "Europe/London" in repr(start.tzinfo), repr(start.tzinfo)
        local = start.astimezone(LONDON)
        seen[vevent.uid.value] = (local.replace(tzinfo=None), start.utcoffset(), vevent.status.value)
    expected = {}
    for request, moment in zip(requests, entered, strict=True):
        uid = f"briefing-{request.pk}-{request.invitations.get().pk}@localhost"
        assert by_uid[uid].decoded("DTSTART").astimezone(LONDON) == moment
        status = "CANCELLED" if request is withdrawn else "CONFIRMED"
        expected[uid] = (moment.replace(tzinfo=None), moment.utcoffset(), status)
    assert seen == expected
    # The offsets really differ: GMT, BST, BST, GMT.
    assert [offset.total_seconds() / 3600 for _, offset, _ in expected.values()] == [0, 1, 1, 0]


def test_the_account_page_makes_the_address_once_and_resets_it_with_a_reason(council, clock, officer_of):
    client = Client()
    client.force_login(officer_of)
    assert b'href="/account/calendar-feeds/"' in client.get("/account/").content
    assert b'href="/account/calendar-feeds/"' in client.get("/").content
    page = client.get("/account/calendar-feeds/")
    assert page.status_code == 200 and b"Your briefings of political groups" in page.content

    made = client.post("/account/calendar-feeds/", {"make": "1"})
    addresses = made.context["addresses"]
    assert [name for name, _ in addresses] == ["Your briefings of political groups"]
    assert b"Subscribe from web" in made.content
    url = addresses[0][1]
    path = url.split("://", 1)[1].split("/", 1)[1]
    assert Client().get("/" + path).status_code == 200
    assert b"/calendar/" not in client.get("/account/calendar-feeds/").content  # shown once

    assert client.post("/account/calendar-feeds/", {"reason": ""}).status_code == 400
    reset = client.post("/account/calendar-feeds/", {"reason": "Lost my phone"})
    assert reset.status_code == 200
    assert Client().get("/" + path).status_code == 404
    assert CalendarFeed.objects.filter(person=officer_of).count() == 2


def test_a_councillor_with_no_feed_is_told_none_applies(council, clock):
    member = council.groups[0].members[0]
    client = Client()
    client.force_login(member)
    page = client.get("/account/calendar-feeds/")
    assert b"None applies to you" in page.content
    assert b'href="/account/calendar-feeds/"' not in client.get("/account/").content
    assert client.post("/account/calendar-feeds/", {"make": "1"}).status_code == 400
    assert not CalendarFeed.objects.filter(person=member).exists()
