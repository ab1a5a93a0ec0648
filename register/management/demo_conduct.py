"""The demo council's year of concerns (D1-D3, D6) and Code of Conduct complaints (D4), so that the
Monitoring Officer's report to the Standards Committee (D5) has something to show.

Stories of ``register.management.demo_activity.DemoYear``, in its style: generators that yield the
moment of their next step, each step done through the services by the person who would do it. The
complaints copy the shapes of 004's Appendix A: sub-cases (a and b), a set of linked cases reported
together, complaints about parish and town councillors, one not accepted under the Code, one
investigated and decided again, one with actions still outstanding, and some not yet decided.
"""

import datetime
from collections.abc import Iterator

from register.models import Complaint, Concern, Organization
from register.services.conduct import complaints as complaint_services
from register.services.conduct import concerns as concern_services

MONITORING = "monitoring-officer"
FIRST_INDEPENDENT_PERSON = "independent-person-1"
SECOND_INDEPENDENT_PERSON = "independent-person-2"

Story = Iterator[datetime.datetime]


class ConductStories:
    """Mixed into ``DemoYear``, which gives ``day``, ``after``, ``person`` and ``today``."""

    def conduct_stories(self) -> list:
        return [
            self.casework_concern_upheld(),
            self.information_difficulty_resolved(),
            self.officer_concern_raised_with_the_group_leader(),
            self.report_after_briefing_handled(),
            self.concern_withdrawn(),
            self.concerns_open(),
            self.planning_complaint_not_accepted(),
            self.parish_complaint_no_further_action(),
            self.town_council_sub_cases(),
            self.social_media_complaint_resolved_informally(),
            self.interests_complaint_investigated(),
            self.linked_parish_cases_under_consideration(),
            self.complaint_awaiting_consultation(),
            self.complaint_withdrawn(),
        ]

    # --- Steps, through the services ------------------------------------------------------------

    def local_council(self, name: str) -> Organization:
        return Organization.objects.get(name=name)

    def fresh_concern(self, concern: Concern) -> Concern:
        return Concern.objects.get(pk=concern.pk)

    def fresh_complaint(self, complaint: Complaint) -> Complaint:
        return Complaint.objects.get(pk=complaint.pk)

    def handle(self, concern: Concern, move, **options) -> Concern:
        """The concern's handler makes ``move`` (a service of register.services.conduct.concerns)."""
        concern = self.fresh_concern(concern)
        return move(concern=concern, actor=concern.handler, **options)

    def record_complaint(self, reference: str, **details) -> Complaint:
        details.setdefault("complainant_name", "A. Complainant")
        details.setdefault("complainant_contact", "complainant@example.org")
        return complaint_services.complaint_record(
            actor=self.person(MONITORING),
            reason="Complaint received by the Monitoring Officer",
            reference=reference,
            received_on=self.clock.now().date(),
            **details,
        )

    def consult(self, complaint: Complaint, independent_person: str = FIRST_INDEPENDENT_PERSON) -> None:
        complaint_services.complaint_consult(
            actor=self.person(MONITORING),
            reason="Consulting the Independent Person before a decision",
            complaint=self.fresh_complaint(complaint),
            independent_person=self.person(independent_person),
            question="Do you agree with the proposed decision on this complaint?",
        )

    def give_view(self, complaint: Complaint, view: str, independent_person: str = FIRST_INDEPENDENT_PERSON) -> None:
        complaint_services.consultation_give_view(
            actor=self.person(independent_person),
            reason="My view as Independent Person",
            complaint=self.fresh_complaint(complaint),
            view=view,
        )

    def decide(self, complaint: Complaint, decision: str, reason: str = "") -> None:
        complaint_services.complaint_decide(
            actor=self.person(MONITORING),
            reason="Decision after consulting the Independent Person",
            complaint=self.fresh_complaint(complaint),
            decision=decision,
            decided_on=self.clock.now().date(),
            decision_reason=reason,
        )

    def tell_member(self, complaint: Complaint) -> None:
        complaint_services.complaint_tell_member(
            actor=self.person(MONITORING),
            reason="The member is told of the complaint and its outcome",
            complaint=self.fresh_complaint(complaint),
        )

    def record_actions(self, complaint: Complaint, *, training: str = "", outstanding: str = "") -> None:
        complaint_services.complaint_record_actions(
            actor=self.person(MONITORING),
            reason="Training needs and actions for the Standards Committee",
            complaint=self.fresh_complaint(complaint),
            training_needs=training,
            actions_outstanding=outstanding,
        )

    def close_complaint(self, complaint: Complaint) -> None:
        complaint_services.complaint_close(
            actor=self.person(MONITORING),
            reason="Determined; nothing outstanding",
            complaint=self.fresh_complaint(complaint),
        )

    # --- Concerns under the protocol (D1-D3, D6) ------------------------------------------------------

    def casework_concern_upheld(self) -> Story:
        """D1: a councillor's concern about an officer goes to the officer's line manager, who looks
        into it, tells the officer and closes it, upheld."""
        yield self.day(300, "16:20")
        concern = concern_services.concern_raise(
            actor=self.person("member-3"),
            reason="Raising a concern about casework",
            concerned_person=self.person("officer-4"),
            what_happened="Three e-mails about a resident's school transport appeal went unanswered for four weeks.",
            happened_on=self.today - datetime.timedelta(days=302),
        )
        yield self.day(299, "09:30")
        self.handle(concern, concern_services.concern_acknowledge, reason="Acknowledged; I will look into it")
        yield self.day(297, "11:00")
        self.handle(concern, concern_services.concern_look_into, reason="Reading the correspondence")
        yield self.day(293, "14:00")
        self.handle(
            concern,
            concern_services.concern_tell_concerned_person,
            reason="The officer is told so that they can give their account",
        )
        yield self.day(286, "15:00")
        self.handle(
            concern,
            concern_services.concern_close,
            outcome=Concern.Outcome.UPHELD,
            outcome_detail="The replies were missed during a system change; casework is now tracked, and the "
            "councillor has had an apology.",
        )

    def information_difficulty_resolved(self) -> Story:
        """D3: a councillor who cannot get information goes to the Monitoring Officer."""
        yield self.day(240, "10:05")
        concern = concern_services.concern_raise(
            actor=self.person("member-7"),
            reason="Difficulty obtaining information",
            information=True,
            what_happened="I asked twice for the highways maintenance figures for my division and was told they "
            "were not available to members.",
            happened_on=self.today - datetime.timedelta(days=244),
        )
        yield self.day(239, "09:15")
        self.handle(concern, concern_services.concern_acknowledge, reason="Acknowledged")
        yield self.day(236, "12:00")
        self.handle(concern, concern_services.concern_look_into, reason="Asking the service")
        yield self.day(231, "16:40")
        self.handle(
            concern,
            concern_services.concern_resolve_informally,
            reason="The figures were sent to the councillor; members need them for their duties.",
        )
        yield self.day(230, "09:00")
        self.handle(
            concern,
            concern_services.concern_close,
            outcome=Concern.Outcome.RESOLVED,
            outcome_detail="The service now publishes the figures to every member each quarter.",
        )

    def officer_concern_raised_with_the_group_leader(self) -> Story:
        """D2 under 002 section 8.2: an officer's concern about a councillor goes to their Chief
        Officer, who raises it with the member's group leader; the officer asked not to be named."""
        yield self.day(190, "13:10")
        concern = concern_services.concern_raise(
            actor=self.person("officer-8"),
            reason="Raising a concern about a councillor's conduct towards me",
            concerned_person=self.person("member-12"),
            what_happened="At the front desk the councillor raised their voice at me about a planning decision "
            "that was not mine to make, in front of members of the public.",
            happened_on=self.today - datetime.timedelta(days=191),
            raiser_withheld=True,
        )
        yield self.day(189, "10:00")
        self.handle(concern, concern_services.concern_acknowledge, reason="Acknowledged")
        yield self.day(186, "15:30")
        self.handle(
            concern,
            concern_services.concern_raise_with_member,
            raised_with="The councillor's group leader",
            reason="Raised with the group leader, as the protocol allows (002 section 8.2)",
        )
        yield self.day(180, "11:45")
        self.handle(
            concern,
            concern_services.concern_resolve_informally,
            reason="The group leader spoke to the councillor, who has apologised to the team.",
        )
        yield self.day(179, "09:20")
        self.handle(
            concern,
            concern_services.concern_close,
            outcome=Concern.Outcome.RESOLVED,
            outcome_detail="An apology to the team; no further action.",
        )

    def report_after_briefing_handled(self) -> Story:
        """D6: the officer's report after the adult social care charging briefing (A13) became a
        concern of D2's kind; their Chief Officer takes it to an outcome."""
        yield self.day(135, "10:00")
        concern = Concern.objects.filter(rule="D6").order_by("pk").first()
        if concern is None:  # the briefing's story made no report: nothing to handle
            return
        self.handle(concern, concern_services.concern_acknowledge, reason="Acknowledged")
        yield self.day(133, "14:00")
        self.handle(concern, concern_services.concern_look_into, reason="Speaking to the officer")
        yield self.day(128, "10:30")
        self.handle(
            concern,
            concern_services.concern_raise_with_member,
            raised_with="The group leader who asked for the briefing",
            reason="Reminded the group leader that officers are not asked to recommend a political choice",
        )
        yield self.day(121, "16:00")
        self.handle(
            concern,
            concern_services.concern_close,
            outcome=Concern.Outcome.RESOLVED,
            outcome_detail="The group leader agreed to remind members of the brief before officers attend.",
        )

    def concern_withdrawn(self) -> Story:
        yield self.day(70, "18:30")
        concern = concern_services.concern_raise(
            actor=self.person("member-20"),
            reason="Raising a concern",
            concerned_person=self.person("officer-11"),
            what_happened="The officer did not attend the ward surgery they had agreed to.",
            happened_on=self.today - datetime.timedelta(days=71),
        )
        yield self.day(69, "08:10")
        concern_services.concern_withdraw(
            concern=self.fresh_concern(concern),
            actor=self.person("member-20"),
            reason="My mistake: the surgery had been moved and the officer was told of the new date, I was not.",
        )

    def concerns_open(self) -> Story:
        """Two being handled now, one of them past its acknowledgement date (the reminders escalate it)."""
        yield self.day(20, "12:00")
        concern_services.concern_raise(
            actor=self.person("officer-13"),
            reason="Raising a concern",
            concerned_person=self.person("member-22"),
            what_happened="The councillor asked me to prepare a campaign leaflet for their group.",
            happened_on=self.today - datetime.timedelta(days=21),
        )
        yield self.day(9, "11:30")
        concern = concern_services.concern_raise(
            actor=self.person("member-15"),
            reason="Raising a concern",
            concerned_person=self.person("officer-1"),
            what_happened="The officer shared my constituent's details with another councillor without asking.",
            happened_on=self.today - datetime.timedelta(days=10),
        )
        yield self.day(8, "09:40")
        self.handle(concern, concern_services.concern_acknowledge, reason="Acknowledged")
        yield self.day(6, "10:00")
        self.handle(concern, concern_services.concern_look_into, reason="Asking the officer and the team")

    # --- Code of Conduct complaints (D4) -----------------------------------------------------------

    def planning_complaint_not_accepted(self) -> Story:
        yield self.day(330, "11:00")
        complaint = self.record_complaint(
            "2101",
            complainant_type=Complaint.ComplainantType.PUBLIC,
            nature_kind=Complaint.NatureKind.PLANNING,
            nature="Councillor's conduct in connection with a neighbour's planning application",
            details="The complainant says the councillor spoke against their application at a residents' meeting.",
            member=self.person("member-5"),
        )
        yield self.day(327, "10:00")
        self.consult(complaint)
        yield self.day(326, "17:00")
        self.give_view(
            complaint, "The councillor was speaking as a resident at a private meeting, not as a councillor."
        )
        yield self.day(325, "09:30")
        self.decide(complaint, Complaint.Decision.NOT_ACCEPTED, "Not acting in an official capacity.")
        self.close_complaint(complaint)

    def parish_complaint_no_further_action(self) -> Story:
        yield self.day(280, "14:00")
        complaint = self.record_complaint(
            "2102",
            complainant_type=Complaint.ComplainantType.PUBLIC,
            nature_kind=Complaint.NatureKind.MEETING,
            nature="Unreasonable behaviour by a parish councillor during a parish council meeting",
            local_council=self.local_council("Ashby Magna Parish Council"),
            councillor_name="Cllr R. Hale",
        )
        yield self.day(278, "10:00")
        self.consult(complaint, SECOND_INDEPENDENT_PERSON)
        yield self.day(275, "12:00")
        self.give_view(
            complaint, "The minutes show a robust debate but no breach of the Code.", SECOND_INDEPENDENT_PERSON
        )
        yield self.day(274, "15:00")
        self.decide(complaint, Complaint.Decision.NO_FURTHER_ACTION)
        self.close_complaint(complaint)

    def town_council_sub_cases(self) -> Story:
        """Sub-cases 2105a and 2105b: one councillor's complaints about another, weeks apart."""
        for reference, days_ago in (("2105a", 250), ("2105b", 205)):
            yield self.day(days_ago, "10:30")
            complaint = self.record_complaint(
                reference,
                complainant_type=Complaint.ComplainantType.TOWN_COUNCILLOR,
                nature_kind=Complaint.NatureKind.TOWARDS_OTHERS,
                nature="Behaviour not in accordance with the Code of Conduct towards a fellow town councillor",
                local_council=self.local_council("Brookfield Town Council"),
                councillor_name="Cllr P. Marsh",
            )
            yield self.day(days_ago - 2, "09:00")
            self.consult(complaint)
            yield self.day(days_ago - 5, "16:00")
            self.give_view(complaint, "Discourteous, but within the bounds of political debate.")
            yield self.day(days_ago - 6, "11:00")
            self.decide(complaint, Complaint.Decision.NO_FURTHER_ACTION)
            self.close_complaint(complaint)

    def social_media_complaint_resolved_informally(self) -> Story:
        yield self.day(160, "09:45")
        complaint = self.record_complaint(
            "2110",
            complainant_type=Complaint.ComplainantType.BOROUGH_COUNCILLOR,
            nature_kind=Complaint.NatureKind.SOCIAL_MEDIA,
            nature="Behaviour not in accordance with the Code of Conduct on social media",
            member=self.person("member-9"),
        )
        yield self.day(158, "10:00")
        self.tell_member(complaint)
        yield self.day(157, "10:00")
        self.consult(complaint)
        yield self.day(154, "13:00")
        self.give_view(complaint, "An apology and training would resolve this without an investigation.")
        yield self.day(150, "11:30")
        self.decide(complaint, Complaint.Decision.INFORMAL_RESOLUTION)
        self.record_actions(complaint, training="Social media training for all councillors, offered in the spring.")
        self.close_complaint(complaint)

    def interests_complaint_investigated(self) -> Story:
        """Investigated, then decided again after a second consultation; an action still outstanding."""
        yield self.day(120, "10:00")
        complaint = self.record_complaint(
            "2114",
            complainant_type=Complaint.ComplainantType.PUBLIC,
            nature_kind=Complaint.NatureKind.INTERESTS,
            nature="Failure to disclose an interest at a committee meeting",
            member=self.person("member-14"),
        )
        yield self.day(119, "10:00")
        self.tell_member(complaint)
        self.consult(complaint)
        yield self.day(115, "15:00")
        self.give_view(complaint, "The facts are disputed: an investigation is warranted.")
        yield self.day(114, "09:00")
        self.decide(complaint, Complaint.Decision.INVESTIGATION)
        yield self.day(60, "10:00")
        self.consult(complaint, SECOND_INDEPENDENT_PERSON)
        yield self.day(57, "14:00")
        self.give_view(
            complaint,
            "The investigation found the interest should have been declared, though nothing turned on it.",
            SECOND_INDEPENDENT_PERSON,
        )
        yield self.day(55, "11:00")
        self.decide(complaint, Complaint.Decision.INFORMAL_RESOLUTION)
        self.record_actions(
            complaint,
            training="Refresher training on registering and declaring interests for all councillors.",
            outstanding="The councillor to update their register of interests and attend the refresher training.",
        )

    def linked_parish_cases_under_consideration(self) -> Story:
        """2120, 2121 and 2122: three complaints about one meeting, reported together."""
        yield self.day(40, "10:00")
        first = None
        for number, reference in enumerate(("2120", "2121", "2122")):
            complaint = self.record_complaint(
                reference,
                complainant_type=Complaint.ComplainantType.PARISH_COUNCILLOR,
                nature_kind=Complaint.NatureKind.MEETING,
                nature="Behaviour not in accordance with the Code of Conduct during a parish council meeting",
                local_council=self.local_council("Eastwick Parish Council"),
                councillor_name=f"Cllr {('J. Tranter', 'M. Osei', 'K. Boyd')[number]}",
                reported_with=first.reference if first else "",
            )
            first = first or complaint
        yield self.day(37, "10:00")
        self.consult(first)

    def complaint_awaiting_consultation(self) -> Story:
        yield self.day(4, "15:20")
        self.record_complaint(
            "2125",
            complainant_type=Complaint.ComplainantType.PUBLIC,
            nature_kind=Complaint.NatureKind.POSITION,
            nature="Use of position to seek a favour from a council contractor",
            member=self.person("member-18"),
        )

    def complaint_withdrawn(self) -> Story:
        yield self.day(95, "12:00")
        complaint = self.record_complaint(
            "2112",
            complainant_type=Complaint.ComplainantType.OFFICER,
            nature_kind=Complaint.NatureKind.TOWARDS_OTHERS,
            nature="Discourteous e-mails to an officer",
            member=self.person("member-24"),
        )
        yield self.day(90, "09:00")
        complaint_services.complaint_withdraw(
            actor=self.person(MONITORING),
            reason="The complainant withdrew it after the councillor apologised.",
            complaint=self.fresh_complaint(complaint),
        )
