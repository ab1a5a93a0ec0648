"""A Hypothesis state machine drives the attendance workflow with random actors and moves, and
checks after every step that:

- nobody but the acting Chief Executive ever decides (A2);
- a refused or withdrawn request never reaches held;
- every move leaves exactly one history row, with the actor and the reason, on the record it is
  about, and a refused move saves nothing at all (C1);
- other groups never see more of a request than its group, officers, date and subject (A8, A9).
"""

import dataclasses
import datetime

from django.db import transaction
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from register import selectors, workflow
from register.errors import DomainError
from register.models import AttendanceInvitation, AttendanceRecord, AttendanceRequest, Notification
from register.services import attendance, people
from tests.factories import LONDON, meeting, row_counts

ACTORS = [
    "chief_executive",
    "deputy_chief_executive",
    "monitoring_officer",
    "auditor",
    "red_leader",
    "red_deputy",
    "red_member",
    "blue_leader",
    "blue_member",
    "place_officer",
    "place_officer_2",
    "resources_officer",
    "director",
]
OFFICERS = ["place_officer", "place_officer_2", "resources_officer", "director"]
MEMBERS = ["red_leader", "red_member", "blue_leader", "blue_member"]
START = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=LONDON)

picks = st.integers(min_value=0, max_value=10_000)


def actors(likely: str):
    """Anyone at all, or (as often) the person a move is likely to succeed for: "acting" (the acting
    Chief Executive), "named" (an officer named in the request) or "requester"."""
    return st.one_of(st.just(likely), st.sampled_from(ACTORS))


def cast_of(council) -> dict:
    red, blue = council.groups
    place, resources = council.directorates
    return {
        "chief_executive": council.chief_executive,
        "deputy_chief_executive": council.deputy_chief_executive,
        "monitoring_officer": council.monitoring_officer,
        "auditor": council.auditor,
        "red_leader": red.leader,
        "red_deputy": red.deputy,
        "red_member": red.members[0],
        "blue_leader": blue.leader,
        "blue_member": blue.members[0],
        "place_officer": place.officers[0],
        "place_officer_2": place.officers[1],
        "resources_officer": resources.officers[0],
        "director": place.director,
    }


class AttendanceWorkflow(RuleBasedStateMachine):
    council = None
    clock = None

    def __init__(self):
        super().__init__()
        # Each run is one savepoint, rolled back at teardown: the council built once stays as it was.
        self.savepoint = transaction.atomic()
        self.savepoint.__enter__()
        self.clock.set(START)
        self.cast = cast_of(self.council)
        self.request_ids: list[int] = []
        self.secrets: dict[int, str] = {}
        self.steps = 0

    def teardown(self):
        transaction.set_rollback(True)
        self.savepoint.__exit__(None, None, None)

    # --- helpers -----------------------------------------------------------------------------------

    def request(self, pick, *, likely=()) -> AttendanceRequest:
        """One of the requests made so far: two times in three one in a state where the move is
        likely to succeed, if there is one, so that runs go deep into the workflow."""
        requests = list(
            AttendanceRequest.objects.filter(pk__in=self.request_ids).select_related("meeting").order_by("pk")
        )
        promising = [r for r in requests if r.state in likely]
        if promising and pick % 3:
            return promising[pick % len(promising)]
        return requests[pick % len(requests)]

    def person(self, actor_name, request=None):
        if actor_name == "acting":
            return selectors.acting_chief_executive(self.clock.today).person
        if actor_name == "requester":
            return request.requested_by
        if actor_name == "named":
            return request.invitations.order_by("id").first().officer
        return self.cast[actor_name]

    def attempt(self, actor, move, call, *, history, pk=None):
        """Run one move by ``actor``. Refused: nothing at all is saved. Done: exactly one new history
        row on the record the move is about, naming the actor and the reason."""
        self.steps += 1
        reason = f"Step {self.steps}: {move} by {actor}"
        counts = row_counts()
        rows_before = history.filter(id=pk).count() if pk else 0
        try:
            result = call(actor, reason)
        except DomainError:
            assert row_counts() == counts, f"a refused {move} saved something"
            return None
        rows = list(history.filter(id=pk or result.pk).order_by("-history_id"))
        assert len(rows) == rows_before + 1, f"{move} left {len(rows) - rows_before} history rows"
        assert rows[0].history_user_id == actor.pk
        assert rows[0].history_change_reason == reason
        return result

    def remember(self, request, secret):
        if request is not None:
            self.request_ids.append(request.pk)
            self.secrets[request.pk] = secret

    def meeting_in(self, days, others_present):
        day = self.clock.today + datetime.timedelta(days=days)
        return meeting(datetime.datetime.combine(day, datetime.time(18), tzinfo=LONDON), others_present=others_present)

    # --- asking ------------------------------------------------------------------------------------

    @initialize(days=st.integers(1, 3))
    def two_first_requests_one_approved(self, days):
        for officers in (["place_officer"], ["place_officer_2", "resources_officer"]):
            self.ask(
                actor="red_leader",
                how="submit",
                asked_by="red_member",
                days=days,
                officers=officers,
                others=False,
                confidential=False,
            )
        self.decide(actor="acting", pick=len(self.request_ids) - 1, approve=True, with_reason=True)

    @rule(
        actor=actors("red_leader"),
        how=st.sampled_from(["submit", "submit", "refer"]),
        asked_by=st.sampled_from(MEMBERS),
        days=st.integers(0, 6),
        officers=st.lists(st.sampled_from(OFFICERS), min_size=1, max_size=2, unique=True),
        others=st.booleans(),
        confidential=st.booleans(),
    )
    def ask(self, actor, how, asked_by, days, officers, others, confidential):
        """A group leader submits, or an officer asked directly by a member refers (A1)."""
        person = self.person("place_officer" if (how, actor) == ("refer", "red_leader") else actor)
        secret = f"[SECRET-SCOPE-{self.steps}]"
        brief = {
            "meeting": self.meeting_in(days, others),
            "subject": f"Subject {self.steps}",
            "scope": secret,
            "needs_confidential_information": confidential,
        }
        if how == "submit":
            ask = lambda person, reason: attendance.attendance_request_submit(  # noqa: E731
                actor=person, reason=reason, officers=[self.cast[o] for o in officers], **brief
            )
        else:
            ask = lambda person, reason: attendance.attendance_request_refer(  # noqa: E731
                actor=person, reason=reason, asked_by=self.cast[asked_by], officers=[person], **brief
            )
        self.remember(self.attempt(person, how, ask, history=AttendanceRequest.history), secret)

    @precondition(lambda self: self.request_ids)
    @rule(actor=actors("blue_leader"), pick=picks, days=st.integers(1, 6))
    def take_up_equivalent(self, actor, pick, days):
        original = self.request(pick, likely=workflow.AGREED_REQUEST_STATES)
        created = self.attempt(
            self.person(actor),
            "take up equivalent",
            lambda person, reason: attendance.attendance_request_take_up_equivalent(
                actor=person, reason=reason, original=original, meeting=self.meeting_in(days, False)
            ),
            history=AttendanceRequest.history,
        )
        self.remember(created, "")

    # --- deciding ----------------------------------------------------------------------------------

    @precondition(lambda self: self.request_ids)
    @rule(
        actor=actors("acting"),
        pick=picks,
        approve=st.sampled_from([True, True, False]),
        with_reason=st.sampled_from([True, True, False]),
    )
    def decide(self, actor, pick, approve, with_reason):
        request = self.request(pick, likely=[workflow.SUBMITTED])
        person = self.person(actor, request)
        acting = selectors.acting_chief_executive(self.clock.today).person
        if not approve and not with_reason:
            before = row_counts()
            try:
                attendance.attendance_request_refuse(request=request, actor=person, reason="")
            except DomainError:
                assert row_counts() == before
                return
            raise AssertionError("a refusal without a reason was accepted")
        service = attendance.attendance_request_approve if approve else attendance.attendance_request_refuse
        decided = self.attempt(
            person,
            "approve" if approve else "refuse",
            lambda person, reason: service(request=request, actor=person, reason=reason),
            history=AttendanceRequest.history,
            pk=request.pk,
        )
        if decided is not None:
            assert person == acting, "only the acting Chief Executive decides"
        elif person == acting and request.state == workflow.SUBMITTED and request.meeting.starts_at > self.clock.now():
            raise AssertionError("the acting Chief Executive was refused a decision they may make")

    # --- the group, the Chief Executive, the officers ----------------------------------------------

    @precondition(lambda self: self.request_ids)
    @rule(actor=actors("requester"), pick=picks, move=st.sampled_from(["withdraw", "cancel", "close", "amend brief"]))
    def change(self, actor, pick, move):
        """The group withdraws or amends; the acting Chief Executive cancels; either closes."""
        request = self.request(pick, likely=workflow.OPEN_REQUEST_STATES)
        if actor == "requester" and move == "cancel":
            actor = "acting"
        secret = f"[SECRET-SCOPE-{self.steps}]"
        services = {
            "withdraw": attendance.attendance_request_withdraw,
            "cancel": attendance.attendance_request_cancel,
            "close": attendance.attendance_request_close,
            "amend brief": lambda **arguments: attendance.attendance_request_amend_brief(scope=secret, **arguments),
        }
        changed = self.attempt(
            self.person(actor, request),
            move,
            lambda person, reason: services[move](request=request, actor=person, reason=reason),
            history=AttendanceRequest.history,
            pk=request.pk,
        )
        if changed is not None and move == "amend brief":
            self.secrets[changed.pk] = secret

    @precondition(lambda self: self.request_ids)
    @rule(actor=actors("named"), pick=picks, accept=st.booleans())
    def respond(self, actor, pick, accept):
        request = self.request(pick, likely=[workflow.SUBMITTED, workflow.APPROVED])
        person = self.person(actor, request)
        invitation = AttendanceInvitation.objects.filter(request=request, officer=person).first()
        self.attempt(
            person,
            "accept" if accept else "decline",
            lambda person, reason: attendance.attendance_invitation_respond(
                request=request, actor=person, accept=accept, reason=reason
            ),
            history=AttendanceInvitation.history,
            pk=invitation.pk if invitation else None,
        )

    @precondition(lambda self: self.request_ids)
    @rule(actor=st.one_of(st.just("named"), actors("named")), pick=picks, attested=st.booleans())
    def record_attendance(self, actor, pick, attested):
        """After the meeting (the clock moves on to it if it is still to come), an officer records attendance."""
        request = self.request(pick, likely=[workflow.APPROVED, workflow.HELD])
        start = request.meeting.starts_at
        if start + datetime.timedelta(hours=1) > self.clock.now():
            self.clock.set(start + datetime.timedelta(hours=1))
        self.attempt(
            self.person(actor, request),
            "record attendance",
            lambda person, reason: attendance.attendance_record_attendance(
                request=request,
                actor=person,
                reason=reason,
                arrived_at=start,
                left_at=start + datetime.timedelta(minutes=30),
                attested=attested,
                report="" if attested else "Party business came up before I could leave.",
            ),
            history=AttendanceRecord.history,
        )

    # --- the world moves on ------------------------------------------------------------------------

    @rule(hours=st.sampled_from([1, 10, 24, 72]))
    def time_passes(self, hours):
        self.clock.advance(hours=hours)

    @rule()
    def the_chief_executive_is_away_or_back(self):
        chief = self.council.chief_executive
        current = chief.absences.filter(
            state="recorded", start_date__lte=self.clock.today, end_date__gte=self.clock.today
        ).first()
        try:
            if current is None:
                people.absence_record(
                    actor=chief,
                    reason="Leave",
                    start_date=self.clock.today,
                    end_date=self.clock.today + datetime.timedelta(days=2),
                )
            else:
                people.absence_cancel(actor=chief, reason="Back early", absence=current)
        except DomainError:
            pass  # an absence already recorded for those days

    # --- invariants --------------------------------------------------------------------------------

    @invariant()
    def decisions_are_made_by_the_chief_executive_or_the_deputy_in_an_absence(self):
        decided = AttendanceRequest.objects.exclude(decision="").values_list("decided_by", "decided_capacity")
        for decided_by, capacity in decided:
            if decided_by == self.council.chief_executive.pk:
                assert capacity == selectors.CAPACITY_CHIEF_EXECUTIVE
            else:
                assert decided_by == self.council.deputy_chief_executive.pk
                assert capacity == selectors.CAPACITY_DEPUTY_IN_ABSENCE

    @invariant()
    def a_refused_or_withdrawn_request_never_reaches_held(self):
        ended: set[int] = set()
        rows = AttendanceRequest.history.filter(id__in=self.request_ids).order_by("id", "history_id")
        for request_id, state in rows.values_list("id", "state"):
            if request_id in ended:
                assert state not in (workflow.HELD, workflow.APPROVED, workflow.CLOSED), (request_id, state)
            if state in (workflow.REFUSED, workflow.WITHDRAWN):
                ended.add(request_id)

    @invariant()
    def other_groups_never_see_more_than_group_officers_date_and_subject(self):
        fields = {"group", "officers", "date", "subject"}
        requests = list(AttendanceRequest.objects.filter(pk__in=self.request_ids).select_related("group"))
        for group in self.council.groups:
            leader = group.leader
            standing = selectors.standing_of(leader)  # read once for both lists, as a page reads it once
            others = [r for r in requests if r.group_id != group.organization.pk]
            facts = selectors.briefing_facts_for_other_groups(viewer=standing)
            assert all({f.name for f in dataclasses.fields(fact)} == fields for fact in facts)
            assert all(fact.group != group.organization.name for fact in facts)
            agreed = [r for r in others if r.decision == "approved" and r.state in workflow.AGREED_REQUEST_STATES]
            assert sorted(f.subject for f in facts) == sorted(r.subject for r in agreed)
            visible = selectors.attendance_requests_visible_to(standing).filter(pk__in=[r.pk for r in others])
            assert all(r.requested_by_id == leader.pk for r in visible), "another group's request was visible"
            told = " ".join(
                " ".join(texts)
                for texts in Notification.objects.filter(recipient=leader).values_list(
                    "subject", "body_text", "body_html"
                )
            )
            for other in others:
                if other.requested_by_id != leader.pk:
                    assert not self.secrets.get(other.pk) or self.secrets[other.pk] not in told


def test_random_actors_and_moves_keep_the_attendance_invariants(council, clock):
    AttendanceWorkflow.council = council
    AttendanceWorkflow.clock = clock
    run_state_machine_as_test(
        AttendanceWorkflow,
        settings=settings(
            max_examples=15,
            stateful_step_count=30,
            deadline=None,
            database=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )
