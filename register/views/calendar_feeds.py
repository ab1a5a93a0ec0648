"""Calendar feeds (issue 22): the public feed addresses that calendar clients subscribe to, written
as RFC 5545 with the ``icalendar`` package, and the account page where a person makes and resets
their address. The token in the address is the only credential: no session, no cookie.

Times are written in Europe/London with its VTIMEZONE, so that a client shows a 6 pm meeting at
6 pm on either side of the change to and from British Summer Time.
"""

import datetime
from zoneinfo import ZoneInfo

import icalendar
from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from register import selectors
from register.errors import NotFound, RuleViolation
from register.forms_declarations import RegisterForm
from register.notice_links import absolute_url
from register.policies.calendar_feeds import BRIEFINGS, DECISIONS_DUE, GROUP_BRIEFINGS, calendar_feed_kinds
from register.selectors.calendar_feeds import (
    CalendarEvent,
    calendar_feed_for_token,
    calendar_feeds_of,
    events_for,
)
from register.services import calendar_feeds
from register.views.attendance.common import posted
from register.views.domain_errors import form_page

LONDON = "Europe/London"
GONE = "This calendar address has been reset or does not exist; get the new address from your account page.\n"

# What each feed is called, in the calendar client and on the account page.
FEED_NAMES = {
    BRIEFINGS: "Your briefings of political groups",
    GROUP_BRIEFINGS: "Your group's officer briefings",
    DECISIONS_DUE: "Attendance decisions due",
}

# Europe/London's rules since 1996 (EU summer time): BST from 01:00 UTC on the last Sunday of March to
# 01:00 UTC on the last Sunday of October. Written as rules, as Outlook and Google write theirs, rather
# than as a list of every change.
VTIMEZONE = """BEGIN:VTIMEZONE
TZID:Europe/London
BEGIN:DAYLIGHT
TZNAME:BST
TZOFFSETFROM:+0000
TZOFFSETTO:+0100
DTSTART:19960331T010000
RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU
END:DAYLIGHT
BEGIN:STANDARD
TZNAME:GMT
TZOFFSETFROM:+0100
TZOFFSETTO:+0000
DTSTART:19961027T020000
RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU
END:STANDARD
END:VTIMEZONE
"""


def calendar(kind: str, events: list[CalendarEvent], *, now: datetime.datetime) -> icalendar.Calendar:
    """The feed as an iCalendar object: one VTIMEZONE and a VEVENT per event."""
    london = ZoneInfo(LONDON)
    feed = icalendar.Calendar()
    feed.add("prodid", "-//Member and officer register//Calendar feeds//EN")
    feed.add("version", "2.0")
    feed.add("calscale", "GREGORIAN")
    feed.add("x-wr-calname", FEED_NAMES[kind])
    feed.add("x-wr-timezone", LONDON)
    # Ask clients to poll hourly; most take their own time (the README says so).
    feed.add("refresh-interval", datetime.timedelta(hours=1), parameters={"VALUE": "DURATION"})
    feed.add("x-published-ttl", "PT1H")
    feed.add_component(icalendar.Timezone.from_ical(VTIMEZONE))
    for event in events:
        vevent = icalendar.Event()
        vevent.add("uid", event.uid)
        vevent.add("dtstamp", now.astimezone(datetime.UTC))
        if event.day is not None:
            vevent.add("dtstart", event.day)
            vevent.add("dtend", event.day + datetime.timedelta(days=1))
        else:
            vevent.add("dtstart", event.starts_at.astimezone(london))
            vevent.add("dtend", event.ends_at.astimezone(london))
        vevent.add("summary", event.summary)
        vevent.add("description", f"{event.description}\n{absolute_url(event.path)}")
        vevent.add("url", absolute_url(event.path))
        if event.location:
            vevent.add("location", event.location)
        vevent.add("status", event.status)
        vevent.add("sequence", event.sequence)
        vevent.add("transp", "TRANSPARENT" if event.day is not None else "OPAQUE")
        if event.last_modified is not None:
            vevent.add("last-modified", event.last_modified.astimezone(datetime.UTC))
        feed.add_component(vevent)
    return feed


@require_safe
def feed(request, token: str, kind: str):
    """A calendar feed: what its owner may see on the day it is read. A reset or unknown token is
    told so, in plain text, and nothing changes."""
    found = calendar_feed_for_token(token)
    if found is None:
        return HttpResponse(GONE, status=404, content_type="text/plain; charset=utf-8")
    standing = selectors.standing_of(found.person)
    events = events_for(kind, standing)
    calendar_feeds.calendar_feed_note_read(found)
    response = HttpResponse(
        calendar(kind, events, now=standing.at).to_ical(), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = f'inline; filename="{kind}.ics"'
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


class ResetForm(RegisterForm):
    submit_label = "Reset the address"

    reason = forms.CharField(
        label="Why are you resetting it?",
        help_text="For example: I shared it by mistake; I lost my phone. The old address stops working at once.",
        max_length=200,
        error_messages={
            "required": "Say why you are resetting the address",
            "max_length": "Say why in 200 characters or fewer",
        },
    )


@never_cache
@login_required
def account_page(request):
    """Your calendar feeds: the kinds that apply to you, your address (shown once, when made or reset),
    how to subscribe, and the reset with a reason."""
    person = request.user
    standing = selectors.standing_of(person)
    kinds = calendar_feed_kinds(standing)
    form = ResetForm(None if "make" in request.POST else posted(request))
    issued = None
    refusal = ""
    if request.method == "POST" and "make" in request.POST:
        try:
            issued = calendar_feeds.calendar_feed_make(actor=person, person=person)
        except (RuleViolation, NotFound) as error:
            refusal = str(error)
    elif request.method == "POST" and form.is_valid():
        try:
            issued = calendar_feeds.calendar_feed_reset(actor=person, person=person, reason=form.cleaned_data["reason"])
        except RuleViolation as error:
            form.refuse(error)
        except NotFound as error:
            form.add_error(None, str(error))
        else:
            form = ResetForm()
    feeds = calendar_feeds_of(person)
    addresses = []
    if issued is not None:
        addresses = [
            (FEED_NAMES[kind], absolute_url(reverse("calendar-feed", args=[issued.token, kind]))) for kind in kinds
        ]
    response = form_page(
        request,
        "register/account/calendar_feeds.html",
        {
            "kinds": [FEED_NAMES[kind] for kind in kinds],
            "feeds": feeds,
            "live": next((f for f in feeds if f.reset_at is None), None),
            "issued": issued,
            "addresses": addresses,
            "refusal": refusal,
        },
        form=form,
    )
    if refusal:
        response.status_code = 400
    return response
