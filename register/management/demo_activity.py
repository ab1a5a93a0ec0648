"""A year in the life of the demo council, for ``seed_demo --with-activity``: attendance requests in
every state, relationship declarations in every state, concerns and complaints (demo_conduct.py), a recorded absence of the Chief Executive
with the Deputy's decisions during it, yearly re-confirmations, and the notices all of these send.

Everything is done through the services, as the people of the demo council would do it through the
pages, at moments of the past year: the register's clock is moved to each moment
(``register.management.demo_clock``), so that the rules are checked as they were then (a decision
before the meeting, attendance after it), and the history and the notices are dated then. Each
*story* is a generator that yields the moment of its next step; the stories' steps are taken in the
order of their moments, whoever's story they are in. A daily beat does what Celery beat does each
morning (reminders), delivers the notices as the worker would, and people read what they were sent.

Deterministic: fixed lists and dates counted back from today, no randomness. The last step is today.
"""

import datetime
import heapq
from collections.abc import Iterator

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from register import selectors, workflow
from register.management.demo_clock import DemoClock
from register.management.demo_conduct import ConductStories
from register.models import (
    AttendanceInvitation,
    AttendanceRecord,
    AttendanceRequest,
    Concern,
    Declaration,
    InformationProvided,
    Notification,
    Person,
)
from register.selectors.declarations import confirmation_due_on, people_in_confirmation_scope
from register.services import attendance, declarations, delivery
from register.services.attendance import MeetingDetails
from register.services.audit import history_daily_check
from register.services.conduct.concerns import concerns_send_reminders
from register.services.notifications import notice_mark_read
from register.services.people.absences import absence_record

# The council is loaded this many days before today; its year of briefings follows a few weeks later.
LOADED_DAYS_AGO = 395
# Notices are read by their recipients a couple of days after they arrive, except the last fortnight's.
READ_AFTER = datetime.timedelta(days=2)
UNREAD_DAYS = 14
# Who has not re-confirmed their declarations this year, so that the reviewers see someone overdue (B6).
NOT_RECONFIRMED = ("member-11", "co-opted-2", "officer-15")

Story = Iterator[datetime.datetime]

COUNTY_HALL = "Committee Room 2, County Hall"
GROUP_ROOM = "Group Room, County Hall"


class DemoYear(ConductStories):
    """The demo council's year, ending today. ``run()`` inside ``clock_moved(year.clock)``, after the
    council is loaded at ``year.start``."""

    def __init__(self, now: datetime.datetime | None = None):
        self.end = timezone.localtime(now or timezone.now())
        self.today = self.end.date()
        self.start = self.day(LOADED_DAYS_AGO, "09:00")
        self.clock = DemoClock(self.start)
        self.next_confirmation_reminder = self.start.date()
        self._people: dict[str, Person] = {}

    # --- Moments of the year ------------------------------------------------------------------

    def day(self, days_ago: int, at: str) -> datetime.datetime:
        """``at`` (HH:MM, London) on the day ``days_ago`` days before today (negative: after today)."""
        return self._at(self.today - datetime.timedelta(days=days_ago), at)

    def meeting(self, days_ago: int, at: str = "18:00") -> datetime.datetime:
        """A group meeting: as ``day``, moved on to the Monday if it falls on a weekend."""
        date = self.today - datetime.timedelta(days=days_ago)
        while date.weekday() >= 5:
            date += datetime.timedelta(days=1)
        return self._at(date, at)

    @staticmethod
    def after(
        moment: datetime.datetime, *, days: int = 0, at: str | None = None, minutes: int = 0
    ) -> datetime.datetime:
        """``days`` later at ``at`` (or at the same time), plus ``minutes``."""
        local = timezone.localtime(moment)
        date = local.date() + datetime.timedelta(days=days)
        base = DemoYear._at(date, at) if at else local + datetime.timedelta(days=days)
        return base + datetime.timedelta(minutes=minutes)

    @staticmethod
    def _at(date: datetime.date, at: str) -> datetime.datetime:
        hours, minutes = (int(part) for part in at.split(":"))
        return timezone.make_aware(datetime.datetime.combine(date, datetime.time(hours, minutes)))

    # --- Running the stories ------------------------------------------------------------------

    def run(self) -> None:
        beat = self.daily_beat()
        stories = [
            beat,
            self.confirmations(),
            self.public_health_briefing_and_its_equivalent(),
            self.highways_briefing(),
            self.safeguarding_briefing_refused(),
            self.council_tax_request_withdrawn(),
            self.workforce_briefing_cancelled(),
            self.chief_executive_on_leave(),
            self.charging_briefing_with_a_report(),
            self.enforcement_information_cited_later(),
            self.local_plan_brief_amended(),
            self.admissions_request_referred(),
            self.winter_pressures_approved(),
            self.bus_subsidies_overdue(),
            self.polling_districts_due_soon(),
            self.libraries_request_lapsed(),
            self.friendship_declared_on_both_sides(),
            self.family_relationship_reviewed(),
            self.business_relationship_ended(),
            self.declaration_withdrawn(),
            self.declarations_awaiting_review(),
            *self.conduct_stories(),
        ]
        queue: list[tuple[datetime.datetime, int, Story]] = []
        for order, story in enumerate(stories):
            self._next_step(queue, order, story, after=None)
        while queue:
            moment, order, story = heapq.heappop(queue)
            self.clock.at = moment
            self._next_step(queue, order, story, after=moment)
            if story is not beat:  # the beat delivers what it sends itself, on the mornings it sends anything
                self.deliver()

    def _next_step(self, queue, order: int, story: Story, *, after: datetime.datetime | None) -> None:
        """Take the story's step now due (if ``after``), and queue its next."""
        try:
            moment = next(story)
        except StopIteration:
            return
        if after is not None and moment < after:
            raise ValueError(f"{story.__name__} goes back in time, from {after} to {moment}.")
        if moment > self.end:
            raise ValueError(f"{story.__name__} has a step after today: {moment}.")
        heapq.heappush(queue, (moment, order, story))

    def deliver(self) -> None:
        """What the worker does after each commit: deliver the notices waiting in the outbox."""
        pending = list(
            Notification.objects.filter(status=Notification.Status.PENDING).order_by("pk").values_list("pk", flat=True)
        )
        if pending:
            delivery.deliver_batch(pending)

    def person(self, username: str) -> Person:
        if username not in self._people:
            self._people[username] = Person.objects.get(username=username)
        return self._people[username]

    # --- The register's own routine, each morning ---------------------------------------------

    def daily_beat(self) -> Story:
        """Celery beat's reminders each morning (A12, B6); and people reading their notices twice a week."""
        for days_ago in range(LOADED_DAYS_AGO - 1, 0, -1):
            yield self.day(days_ago, "07:00")
            self.send_reminders()
            if days_ago > UNREAD_DAYS and self.clock.now().weekday() in (0, 3):
                self.read_notices()
        yield self.end
        self.send_reminders()
        history_daily_check()
        self.deliver()

    def send_reminders(self) -> None:
        """What the beat's reminder tasks do, skipped (to keep the demo quick to load) on mornings
        when they could send nothing: no request awaiting a decision or an officer's answer, and
        nobody's re-confirmation due within the reminder period or overdue."""
        if AttendanceInvitation.objects.filter(
            Q(request__state=workflow.SUBMITTED) | Q(state=workflow.INVITED, request__state=workflow.APPROVED)
        ).exists():
            attendance.attendance_send_reminders()
            self.deliver()
        if self.clock.now().date() >= self.next_confirmation_reminder:
            declarations.confirmation_reminders_send()
            self.deliver()
            self.next_confirmation_reminder = self.first_confirmation_reminder()
        if Concern.objects.filter(state__in=Concern.OPEN_STATES).exists():
            concerns_send_reminders()
            self.deliver()

    def first_confirmation_reminder(self) -> datetime.date:
        """The first day on which anyone's re-confirmation reminder could be due (B6)."""
        on = selectors.today()
        before = datetime.timedelta(days=settings.DECLARATIONS_REMIND_BEFORE_DAYS)
        due = [confirmation_due_on(person) for person in people_in_confirmation_scope(on)]
        return min(due, default=datetime.date.max) - before

    def read_notices(self) -> None:
        unread = (
            Notification.objects.filter(
                channel=Notification.Channel.IN_APP,
                status=Notification.Status.SENT,
                read_at__isnull=True,
                sent_at__lte=self.clock.now() - READ_AFTER,
            )
            .select_related("recipient")
            .order_by("pk")
        )
        for notice in unread:
            notice_mark_read(notice=notice, actor=notice.recipient)

    def confirmations(self) -> Story:
        """Everyone confirms their declarations (or that they have nothing to declare) at the
        register's launch, and again a year later: most before the reminder, some after it, and a
        few not at all (B6)."""
        yield self.after(self.start, minutes=30)
        people = list(Person.objects.filter(kind__in=[Person.Kind.MEMBER, Person.Kind.OFFICER]).order_by("username"))
        plan = []
        for number, person in enumerate(people):
            # The first returns at the register's launch, on its first day; due again a year later.
            plan.append((self.day(LOADED_DAYS_AGO, f"{10 + number % 7:02d}:{(number * 7) % 60:02d}"), person.username))
            if person.username in NOT_RECONFIRMED:
                continue
            # Most confirm before they are reminded (a month ahead), every sixth a few days after the reminder.
            ahead = 25 if number % 6 == 0 else 35 + number % 7
            plan.append(
                (
                    self.day(LOADED_DAYS_AGO - 365 + ahead, f"{10 + number % 6:02d}:{(number * 11) % 60:02d}"),
                    person.username,
                )
            )
        for moment, username in sorted(plan):
            yield moment
            self.confirm(username)

    def confirm(self, username: str) -> None:
        person = self.person(username)
        if Declaration.objects.filter(declarant=person, state__in=Declaration.OPEN_STATES).exists():
            declarations.declarations_reconfirm(actor=person, reason="My declarations are current and complete")
        else:
            declarations.declarations_nothing_to_declare(actor=person, reason="Nothing to declare")

    # --- Steps of the stories, through the services --------------------------------------------

    def submit(self, leader: str, *, officers, meeting, subject: str, scope: str, **options) -> AttendanceRequest:
        return attendance.attendance_request_submit(
            actor=self.person(leader),
            meeting=self.meeting_details(meeting, **options),
            officers=[self.person(officer) for officer in officers],
            subject=subject,
            scope=scope,
            needs_confidential_information=options.get("confidential", False),
        )

    @staticmethod
    def meeting_details(starts_at, *, place=COUNTY_HALL, others_present="", confidential=False) -> MeetingDetails:
        return MeetingDetails(
            starts_at=starts_at,
            ends_at=starts_at + datetime.timedelta(hours=2),
            place=place,
            others_present=bool(others_present),
            others_present_description=others_present,
        )

    @staticmethod
    def fresh(request: AttendanceRequest) -> AttendanceRequest:
        return AttendanceRequest.objects.get(pk=request.pk)

    def approve(self, request, by: str = "chief-executive", reason: str = "") -> AttendanceRequest:
        return attendance.attendance_request_approve(request=self.fresh(request), actor=self.person(by), reason=reason)

    def respond(self, request, officer: str, *, accept: bool, reason: str = "") -> None:
        attendance.attendance_invitation_respond(
            request=self.fresh(request), actor=self.person(officer), accept=accept, reason=reason
        )

    def attended(self, request, officer: str, meeting, *, minutes: int = 40, **record) -> None:
        """The officer records, the evening of the meeting, that they came, gave the briefing and left (A6)."""
        attendance.attendance_record_attendance(
            request=self.fresh(request),
            actor=self.person(officer),
            arrived_at=meeting,
            left_at=meeting + datetime.timedelta(minutes=minutes),
            attested=record.pop("attested", True),
            **record,
        )

    def inform(self, request, officer: str, title: str, summary: str, **options) -> InformationProvided:
        return attendance.attendance_information_record(
            request=self.fresh(request), actor=self.person(officer), title=title, summary=summary, **options
        )

    def close(self, request, by: str, reason: str) -> None:
        attendance.attendance_request_close(request=self.fresh(request), actor=self.person(by), reason=reason)

    def declare(self, declarant: str, other: str, *, kind: str, began_years_ago: int, description: str, **more):
        began_on = self.today.replace(year=self.today.year - began_years_ago, day=1)
        return declarations.declaration_submit(
            actor=self.person(declarant),
            reason="Relationship declared",
            other_person=self.person(other),
            kind=kind,
            began_on=began_on,
            description=description,
            **more,
        )

    def review(self, declaration: Declaration, *, advice: str, action: str, detail: str = "") -> None:
        declaration = Declaration.objects.get(pk=declaration.pk)
        declarations.declaration_review(
            actor=declaration.reviewer,
            reason="Advice given and action agreed",
            declaration=declaration,
            advice=advice,
            action_agreed=action,
            action_detail=detail,
        )

    def acknowledge(self, declaration: Declaration) -> None:
        declaration = Declaration.objects.get(pk=declaration.pk)
        declarations.declaration_acknowledge(
            actor=declaration.declarant, reason="Advice acknowledged", declaration=declaration
        )

    # --- Briefings that are over ---------------------------------------------------------------

    def public_health_briefing_and_its_equivalent(self) -> Story:
        """Labour's briefing, approved, held, its information copied to every group (A10), closed;
        the Conservatives take up the equivalent in one step (A3), and it is held too."""
        meeting = self.meeting(330)
        yield self.day(344, "10:05")
        request = self.submit(
            "leader-1",
            officers=["officer-2"],
            meeting=meeting,
            subject="The public health grant for 2026/27",
            scope="How the ring-fenced public health grant is allocated across services next year, and the "
            "conditions attached to it. Facts and figures only; no view on the group's budget amendment.",
        )
        yield self.day(343, "14:30")
        self.approve(request, reason="Agreed: a factual briefing on the grant's allocation and conditions.")
        yield self.day(343, "16:10")
        self.respond(request, "officer-2", accept=True)
        yield self.day(341, "11:20")
        equivalent_meeting = self.meeting(336, "18:30")
        equivalent = attendance.attendance_request_take_up_equivalent(
            actor=self.person("leader-2"),
            original=self.fresh(request),
            meeting=self.meeting_details(equivalent_meeting),
        )
        yield self.day(340, "09:45")
        self.approve(equivalent)
        yield self.day(340, "12:00")
        self.respond(equivalent, "officer-2", accept=True)
        yield self.after(equivalent_meeting, minutes=150)
        self.attended(equivalent, "officer-2", equivalent_meeting, minutes=35)
        yield self.after(equivalent_meeting, days=1, at="09:30")
        self.inform(
            equivalent,
            "officer-2",
            "Public health grant: conditions of the ring fence",
            "The grant may be spent only on public health functions; any underspend is carried forward and "
            "reported to the Department of Health and Social Care.",
        )
        yield self.after(meeting, minutes=165)
        self.attended(request, "officer-2", meeting, minutes=45)
        yield self.after(meeting, days=1, at="10:00")
        self.inform(
            request,
            "officer-2",
            "Public health grant allocation 2026/27",
            "The allocation by service (sexual health, substance misuse, 0-19 services, health checks) "
            "and the year-on-year change in each.",
            reference="PH/2026/04",
            likely_to_be_cited=True,
            cited_at=InformationProvided.CitedAt.EXECUTIVE,
        )
        yield self.after(meeting, days=5, at="09:00")
        self.close(request, "leader-1", "Briefing given and information recorded; nothing further.")

    def highways_briefing(self) -> Story:
        """The Conservatives' briefing: one officer accepts and one declines (A4); held; closed."""
        meeting = self.meeting(290)
        yield self.day(300, "09:10")
        request = self.submit(
            "leader-2",
            officers=["officer-8", "officer-7"],
            meeting=meeting,
            subject="The highways maintenance programme",
            scope="Which roads are in next year's resurfacing programme and how they were chosen.",
            place=GROUP_ROOM,
        )
        yield self.day(299, "15:00")
        self.approve(request)
        yield self.day(299, "16:30")
        self.respond(request, "officer-8", accept=True)
        yield self.day(298, "08:50")
        self.respond(request, "officer-7", accept=False, reason="The planning committee sits that evening.")
        yield self.after(meeting, minutes=150)
        self.attended(request, "officer-8", meeting, minutes=50)
        yield self.after(meeting, days=1, at="11:15")
        self.inform(
            request,
            "officer-8",
            "Resurfacing programme 2026/27: how roads are chosen",
            "Roads are ranked by the annual condition survey and accident data; the programme lists 64 schemes.",
        )
        yield self.after(meeting, days=6, at="10:30")
        self.close(request, "leader-2", "Briefing held; record complete.")

    def safeguarding_briefing_refused(self) -> Story:
        """Asked by a deputy leader on the leader's behalf, with someone present who is neither a
        councillor nor an officer (A7); refused, with the reason the group sees (A2)."""
        yield self.day(270, "11:00")
        request = self.submit(
            "deputy-leader-3",
            officers=["officer-5"],
            meeting=self.meeting(258, "19:00"),
            subject="The children's safeguarding partnership's annual report",
            scope="What the partnership's annual report says about referrals and waiting times.",
            others_present="A representative of the police and crime commissioner's office",
        )
        yield self.day(268, "10:20")
        attendance.attendance_request_refuse(
            request=self.fresh(request),
            actor=self.person("chief-executive"),
            reason="The annual report goes to the Children's Scrutiny Committee next month, where the officer will "
            "present it to all members; a separate briefing for one group is not needed.",
        )

    def council_tax_request_withdrawn(self) -> Story:
        yield self.day(240, "10:00")
        request = self.submit(
            "leader-4",
            officers=["officer-10"],
            meeting=self.meeting(232),
            subject="The council tax support scheme for 2027/28",
            scope="The options in the consultation on the local council tax support scheme.",
            place=GROUP_ROOM,
        )
        yield self.day(239, "15:40")
        attendance.attendance_request_withdraw(
            request=self.fresh(request),
            actor=self.person("leader-4"),
            reason="The group will raise this at the Resources Scrutiny Committee instead.",
        )

    def workforce_briefing_cancelled(self) -> Story:
        yield self.day(212, "09:30")
        request = self.submit(
            "leader-1",
            officers=["officer-11", "officer-12"],
            meeting=self.meeting(200),
            subject="The workforce strategy and the use of agency staff",
            scope="The draft workforce strategy's proposals on agency staff and recruitment.",
        )
        yield self.day(211, "12:00")
        self.approve(request)
        yield self.day(211, "14:00")
        self.respond(request, "officer-11", accept=True)
        yield self.day(210, "09:00")
        self.respond(request, "officer-12", accept=False, reason="On leave that week.")
        yield self.day(205, "10:00")
        attendance.attendance_request_cancel(
            request=self.fresh(request),
            actor=self.person("chief-executive"),
            reason="The workforce strategy has been taken off the Executive's agenda until the spring, so the "
            "briefing is no longer needed.",
        )

    def chief_executive_on_leave(self) -> Story:
        """The Chief Executive records their leave; the request waiting when it starts passes to the
        Deputy, who approves it, and refuses another, each in the capacity of acting Chief Executive (A2)."""
        yield self.day(190, "16:00")
        absence_record(
            actor=self.person("chief-executive"),
            reason="Annual leave",
            start_date=self.today - datetime.timedelta(days=180),
            end_date=self.today - datetime.timedelta(days=171),
        )
        meeting = self.meeting(166)
        yield self.day(182, "10:30")
        boundary = self.submit(
            "leader-2",
            officers=["officer-13"],
            meeting=meeting,
            subject="The boundary review: the council's submission",
            scope="The timetable of the boundary review and the options in the draft submission on warding.",
        )
        yield self.day(180, "11:00")
        self.approve(boundary, by="deputy-chief-executive")
        yield self.day(180, "15:00")
        self.respond(boundary, "officer-13", accept=True)
        yield self.day(178, "10:00")
        regeneration = self.submit(
            "leader-4",
            officers=["officer-9"],
            meeting=self.meeting(163),
            subject="The town centre regeneration bid",
            scope="What the council's bid to the regeneration fund contains and when a decision is expected.",
        )
        yield self.day(176, "14:15")
        attendance.attendance_request_refuse(
            request=self.fresh(regeneration),
            actor=self.person("deputy-chief-executive"),
            reason="The bid is commercially confidential until the fund announces its decision; all members will "
            "be briefed together then.",
        )
        yield self.after(meeting, minutes=150)
        self.attended(boundary, "officer-13", meeting)
        yield self.after(meeting, days=1, at="09:00")
        self.inform(
            boundary,
            "officer-13",
            "Boundary review: the options for warding",
            "The three warding patterns in the draft submission, with the electorate of each ward in 2031.",
            reference="DS/BR/3",
            likely_to_be_cited=True,
            cited_at=InformationProvided.CitedAt.COUNCIL,
        )
        yield self.after(meeting, days=7, at="10:00")
        self.close(boundary, "chief-executive", "Briefing held; the information was copied to every group.")

    def charging_briefing_with_a_report(self) -> Story:
        """Held, one officer declining beforehand; the officer who attended reports being asked
        beyond the brief, which reaches the Chief Executive and the Monitoring Officer (A13)."""
        meeting = self.meeting(140)
        yield self.day(150, "10:00")
        request = self.submit(
            "leader-1",
            officers=["officer-3", "officer-2"],
            meeting=meeting,
            subject="The adult social care charging policy consultation",
            scope="The options in the consultation on charging for non-residential care, and its timetable.",
        )
        yield self.day(149, "11:00")
        self.approve(request)
        yield self.day(149, "15:00")
        self.respond(request, "officer-3", accept=True)
        yield self.day(148, "09:00")
        self.respond(request, "officer-2", accept=False, reason="I am at a conference that day.")
        yield self.after(meeting, minutes=180)
        self.attended(
            request,
            "officer-3",
            meeting,
            concerns=[AttendanceRecord.Concern.BEYOND_BRIEF],
            report="A member asked which charging option I would recommend the group support. I restated the "
            "brief, gave no view and left after the factual part.",
        )
        yield self.after(meeting, days=1, at="10:00")
        self.inform(
            request,
            "officer-3",
            "Charging consultation: options and timetable",
            "Three options, from no change to a flat-rate contribution; the consultation closes in eight weeks.",
        )

    def enforcement_information_cited_later(self) -> Story:
        """Held; the information is marked as likely to be cited by the Monitoring Officer after it
        was recorded, and every group gets a copy then (A10)."""
        meeting = self.meeting(85)
        yield self.day(95, "10:00")
        request = self.submit(
            "leader-2",
            officers=["officer-14"],
            meeting=meeting,
            subject="Planning enforcement powers",
            scope="What enforcement notices and stop notices can and cannot do, and how long they take.",
        )
        yield self.day(94, "11:30")
        self.approve(request)
        yield self.day(94, "13:00")
        self.respond(request, "officer-14", accept=True)
        yield self.after(meeting, minutes=150)
        self.attended(request, "officer-14", meeting)
        yield self.after(meeting, days=1, at="10:00")
        information = self.inform(
            request,
            "officer-14",
            "Enforcement notices and stop notices: the legal framework",
            "The grounds for each, the rights of appeal and the usual timescales.",
            reference="LG/PL/12",
        )
        yield self.after(meeting, days=5, at="11:00")
        attendance.attendance_information_mark_likely_to_be_cited(
            information=information,
            actor=self.person("monitoring-officer"),
            cited_at=InformationProvided.CitedAt.COMMITTEE,
            reason="The Planning Committee will consider an enforcement report next month.",
        )

    def local_plan_brief_amended(self) -> Story:
        """Approved, then the group amends the brief, which sends it back for a decision and asks the
        officer again (A5); approved again, held and closed."""
        meeting = self.meeting(50)
        yield self.day(62, "10:00")
        request = self.submit(
            "leader-1",
            officers=["officer-7"],
            meeting=meeting,
            subject="The local plan: the council's consultation response",
            scope="The main changes in the draft local plan and the timetable for the council's response.",
        )
        yield self.day(61, "11:00")
        self.approve(request)
        yield self.day(61, "14:00")
        self.respond(request, "officer-7", accept=True)
        yield self.day(58, "09:15")
        attendance.attendance_request_amend_brief(
            request=self.fresh(request),
            actor=self.person("deputy-leader-1"),
            reason="The group also wants to understand the housing numbers.",
            scope="The main changes in the draft local plan, the housing numbers it plans for, and the timetable "
            "for the council's response.",
        )
        yield self.day(57, "10:00")
        self.approve(request, reason="Agreed on the amended brief.")
        yield self.day(57, "12:30")
        self.respond(request, "officer-7", accept=True)
        yield self.after(meeting, minutes=150)
        self.attended(request, "officer-7", meeting, minutes=55)
        yield self.after(meeting, days=4, at="10:00")
        self.close(request, "leader-1", "Briefing held.")

    def admissions_request_referred(self) -> Story:
        """A councillor asks an officer directly; the officer refers it to the Chief Executive (A1)."""
        meeting = self.meeting(30)
        yield self.day(40, "09:00")
        request = attendance.attendance_request_refer(
            actor=self.person("officer-6"),
            asked_by=self.person("member-14"),
            meeting=self.meeting_details(meeting),
            officers=[self.person("officer-6")],
            subject="The school admissions appeals backlog",
            scope="How many appeals are waiting, why, and what is being done to hear them before September.",
        )
        yield self.day(39, "11:00")
        self.approve(request)
        yield self.day(39, "15:00")
        self.respond(request, "officer-6", accept=True)
        yield self.after(meeting, minutes=120)
        self.attended(request, "officer-6", meeting)
        yield self.after(meeting, days=1, at="09:30")
        self.inform(
            request,
            "officer-6",
            "Admissions appeals: numbers and plan",
            "The number of appeals waiting by school phase, and the extra panels arranged for the summer.",
        )

    # --- Briefings still open ------------------------------------------------------------------

    def winter_pressures_approved(self) -> Story:
        """Approved for a meeting still to come (with a conflict warning, B7): one officer accepted,
        one declined and one has not answered yet; the Conservatives take up the equivalent (A3)."""
        meeting = self.meeting(-5)
        yield self.day(6, "10:00")
        request = self.submit(
            "leader-1",
            officers=["officer-1", "officer-2", "officer-3"],
            meeting=meeting,
            subject="Winter pressures in adult social care",
            scope="Hospital discharge numbers, care home capacity and the winter funding received.",
        )
        yield self.day(5, "11:00")
        self.approve(request)
        yield self.day(5, "14:00")
        self.respond(request, "officer-1", accept=True)
        yield self.day(4, "09:30")
        self.respond(request, "officer-3", accept=False, reason="I chair the hospital discharge board that evening.")
        yield self.day(2, "10:00")
        attendance.attendance_request_take_up_equivalent(
            actor=self.person("leader-2"),
            original=self.fresh(request),
            meeting=self.meeting_details(self.meeting(-8, "18:30"), place=GROUP_ROOM),
        )

    def bus_subsidies_overdue(self) -> Story:
        """Awaiting a decision that is overdue: the Deputy and the Chief Executive are told (A12)."""
        yield self.day(9, "10:00")
        self.submit(
            "leader-3",
            officers=["officer-8"],
            meeting=self.meeting(-10),
            subject="Bus service subsidies",
            scope="Which supported bus routes are under review and the criteria being used.",
        )

    def polling_districts_due_soon(self) -> Story:
        yield self.day(1, "15:00")
        self.submit(
            "leader-4",
            officers=["officer-15"],
            meeting=self.meeting(-14),
            subject="The polling district review",
            scope="The proposed changes to polling districts and places, and how to respond to the consultation.",
            place=GROUP_ROOM,
        )

    def libraries_request_lapsed(self) -> Story:
        """Sent two days before the meeting and not decided before it began: it lapsed, and the group
        and the Chief Executive were told (A12, C3)."""
        meeting = self.meeting(45)
        yield self.after(meeting, days=-2, at="16:30")
        self.submit(
            "leader-2",
            officers=["officer-4"],
            meeting=meeting,
            subject="Library opening hours",
            scope="The proposed changes to branch library opening hours and the consultation results.",
            place=GROUP_ROOM,
        )
        yield self.after(meeting, minutes=5)
        attendance.attendance_requests_lapse()

    # --- Relationship declarations ---------------------------------------------------------------

    def friendship_declared_on_both_sides(self) -> Story:
        """A councillor and an officer both declare their friendship (B1): advised, acknowledged and
        linked; the officer's declaration is what warns the Chief Executive later (B7)."""
        yield self.day(300, "12:00")
        member_side = self.declare(
            "member-2",
            "officer-1",
            kind=Declaration.Kind.FRIENDSHIP,
            began_years_ago=7,
            description="We met through the same running club and meet socially most weeks.",
        )
        yield self.day(298, "10:00")
        self.review(
            member_side,
            advice="Declare the friendship at any meeting where the officer's work is discussed.",
            action=Declaration.Action.DECLARE_AT_MEETINGS,
        )
        yield self.day(297, "18:20")
        self.acknowledge(member_side)
        yield self.day(296, "09:10")
        officer_side = self.declare(
            "officer-1",
            "member-2",
            kind=Declaration.Kind.FRIENDSHIP,
            began_years_ago=7,
            description="A friend from a running club; we meet socially most weeks.",
        )
        yield self.day(293, "14:00")
        self.review(
            officer_side,
            advice="Do not brief the councillor's group on your own; another officer attends with you.",
            action=Declaration.Action.NO_SOLE_BRIEFING,
        )
        yield self.day(292, "09:00")
        self.acknowledge(officer_side)

    def family_relationship_reviewed(self) -> Story:
        """An officer's declaration, reviewed by their Assistant Director with action agreed (B4),
        not yet acknowledged."""
        yield self.day(250, "09:40")
        declaration = self.declare(
            "officer-9",
            "member-22",
            kind=Declaration.Kind.FAMILY,
            family_relation="Sister-in-law",
            began_years_ago=12,
            description="The councillor is married to my brother.",
        )
        yield self.day(247, "15:30")
        self.review(
            declaration,
            advice="Casework from the councillor's ward goes to another officer in the team.",
            action=Declaration.Action.CASEWORK_REALLOCATED,
        )

    def business_relationship_ended(self) -> Story:
        yield self.day(220, "10:15")
        declaration = self.declare(
            "member-16",
            "officer-12",
            kind=Declaration.Kind.BUSINESS,
            began_years_ago=3,
            description="We jointly own a holiday let.",
        )
        yield self.day(218, "11:00")
        self.review(
            declaration,
            advice="Declare the interest if the officer's service comes before a meeting you attend.",
            action=Declaration.Action.DECLARE_AT_MEETINGS,
        )
        yield self.day(217, "19:05")
        self.acknowledge(declaration)
        yield self.day(110, "09:00")
        declarations.declaration_end(
            actor=self.person("member-16"),
            reason="The holiday let was sold.",
            declaration=Declaration.objects.get(pk=declaration.pk),
            ended_on=self.today - datetime.timedelta(days=112),
        )

    def declaration_withdrawn(self) -> Story:
        """Made in error (social media alone is not a friendship, B2), so withdrawn, not deleted (C3)."""
        yield self.day(150, "20:30")
        declaration = self.declare(
            "member-27",
            "officer-5",
            kind=Declaration.Kind.FRIENDSHIP,
            began_years_ago=2,
            description="We follow each other on social media.",
        )
        yield self.day(149, "08:45")
        declarations.declaration_withdraw(
            actor=self.person("member-27"),
            reason="Made in error: we are connected on social media only, which the guidance says is not a friendship.",
            declaration=Declaration.objects.get(pk=declaration.pk),
        )

    def declarations_awaiting_review(self) -> Story:
        """An officer's and a councillor's declarations, made lately and not yet reviewed (B3, B4)."""
        yield self.day(12, "13:00")
        self.declare(
            "officer-14",
            "member-9",
            kind=Declaration.Kind.CLOSE_PERSONAL,
            began_years_ago=1,
            description="We have been in a relationship since last year.",
        )
        yield self.day(3, "17:45")
        self.declare(
            "member-5",
            "officer-7",
            kind=Declaration.Kind.FRIENDSHIP,
            began_years_ago=4,
            description="Our families are friends; we see each other at weekends.",
        )


def activity_loaded() -> bool:
    """Whether the register already has briefings or declarations: the demo's, or anyone's."""
    return AttendanceRequest.objects.exists() or Declaration.objects.exists()
