"""Officer attendance at political group meetings (rules A1-A13 of DOMAIN.md).

A group asks for officers to brief one of its meetings (an ``AttendanceRequest`` about a
``GroupMeeting``, the Open Civic Data "Event"); the acting Chief Executive decides; each officer
named responds to their ``AttendanceInvitation``; after the meeting each attending officer makes an
``AttendanceRecord`` (attestation or report); ``InformationProvided`` to the group, and the
``InformationCopy`` sent to every group where A10 asks for it. States are named in ``register.states``; their moves are in ``register.workflow``.
"""

import datetime

from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.db.models import Q
from django.utils.functional import cached_property

from register import states
from register.models.history import HistoricalRecords

from .audit import Undeletable
from .notifications import Notification
from .people import Organization, Person


def _choices(labels: dict[str, str]) -> list[tuple[str, str]]:
    return list(labels.items())


class GroupMeeting(Undeletable):
    """A meeting of a political group that officers are asked to attend."""

    group = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="group_meetings")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField(null=True, blank=True)
    place = models.CharField(max_length=300, blank=True)
    online = models.BooleanField(default=False)
    others_present = models.BooleanField(
        default=False,
        help_text="Someone present will be neither a councillor (elected or co-opted) nor an officer (A7).",
    )
    others_present_description = models.CharField(
        max_length=300, blank=True, help_text="Who they are, e.g. 'the party's regional organiser'."
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["starts_at", "id"]
        constraints = [
            models.CheckConstraint(name="meeting_has_a_place_or_is_online", condition=~Q(place="") | Q(online=True)),
            models.CheckConstraint(
                name="meeting_ends_after_it_starts",
                condition=Q(ends_at__isnull=True) | Q(ends_at__gt=models.F("starts_at")),
            ),
        ]

    def __str__(self):
        return f"{self.group} meeting on {self.starts_at:%d %b %Y %H:%M}"

    @property
    def where(self) -> str:
        if self.online and self.place:
            return f"{self.place}, and online"
        return self.place or "Online"


class AttendanceRequest(Undeletable):
    """A group's request for one or more officers to brief one of its meetings."""

    class Decision(models.TextChoices):
        APPROVED = "approved", "Approved"
        REFUSED = "refused", "Refused"

    group = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="attendance_requests")
    meeting = models.ForeignKey(GroupMeeting, on_delete=models.PROTECT, related_name="attendance_requests")
    requested_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="attendance_requests_made")
    requested_capacity = models.CharField(max_length=200, help_text="In what capacity they asked (A1).")
    referred_by = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="attendance_requests_referred",
        help_text="The officer who was asked directly and referred it to the Chief Executive (A1).",
    )
    referred_at = models.DateTimeField(null=True, blank=True)

    # The brief (A5): agreed in advance, fixed once approved.
    subject = models.CharField(max_length=300)
    scope = models.TextField()
    needs_confidential_information = models.BooleanField(
        default=False, help_text="The group asks for confidential or exempt information (A7)."
    )
    equivalent_of = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="equivalents",
        help_text="The approved briefing of another group that this one takes up (A3).",
    )

    state = models.CharField(max_length=16, choices=_choices(states.REQUEST_STATE_LABELS))
    round = models.PositiveSmallIntegerField(
        default=1, help_text="Goes up each time the brief is amended, so every decision is on a known brief."
    )
    created_at = models.DateTimeField()
    submitted_at = models.DateTimeField(help_text="When it last went to the Chief Executive for a decision.")
    due_on = models.DateField(
        help_text="The decision is due by the end of this working day: the earlier of the working-day deadline "
        "and the last working day before the meeting (A12)."
    )
    urgent = models.BooleanField(
        default=False,
        help_text="The meeting comes sooner than the working-day deadline, so the decision is due before it (A12).",
    )

    # The decision (A2): who, in what capacity, when and why.
    decision = models.CharField(max_length=16, choices=Decision.choices, blank=True)
    decided_by = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="attendance_decisions"
    )
    decided_capacity = models.CharField(max_length=200, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(blank=True)
    departs_from_precedent = models.BooleanField(
        default=False, help_text="Refused although the briefing it is equivalent to was approved (A3, A11)."
    )
    responses_due_on = models.DateField(
        null=True, blank=True, help_text="Officers are asked to accept or decline by this day (A4, A12)."
    )
    closing_reason = models.TextField(blank=True, help_text="Why it was withdrawn, cancelled or closed.")

    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                name="attendance_refusal_has_a_reason", condition=~Q(decision="refused") | ~Q(decision_reason="")
            ),
            models.CheckConstraint(
                name="attendance_decision_names_who_and_capacity",
                condition=Q(decision="")
                | (Q(decided_by__isnull=False) & Q(decided_at__isnull=False) & ~Q(decided_capacity="")),
            ),
            models.CheckConstraint(
                name="attendance_equivalent_is_not_its_own_original",
                condition=Q(equivalent_of__isnull=True) | ~Q(equivalent_of=models.F("pk")),
            ),
        ]
        indexes = [
            models.Index(fields=["state", "due_on"], name="attendance_queue"),
            models.Index(fields=["group", "created_at"], name="attendance_group_period"),
            # The lists' order (Meta.ordering): a page is an index walk of its rows, not a sort of all.
            models.Index(fields=["-created_at", "-id"], name="attendance_request_list"),
        ]

    def __str__(self):
        return f"{self.group}: {self.subject}"

    @property
    def state_label(self) -> str:
        return states.REQUEST_STATE_LABELS[self.state]

    def is_decision_overdue(self, today: datetime.date) -> bool:
        return self.state == states.SUBMITTED and today > self.due_on

    @cached_property
    def answers(self) -> dict[int, str]:
        """Each named officer's id and the state of their invitation: what the policies read to know
        who was asked (A4). From the invitations loaded with the request, so a page of requests
        prefetched by a selector costs no query here; read once per loaded request (a move's service
        locks and loads the request afresh, so it never judges a stale copy)."""
        return {invitation.officer_id: invitation.state for invitation in self.invitations.all()}

    @cached_property
    def attended_officer_ids(self) -> set[int]:
        """The officers who have recorded their attendance (A6). Selectors load the invitations with
        their attendance, so a page of requests costs no query here."""
        return {invitation.officer_id for invitation in self.invitations.all() if invitation.has_attendance}

    @property
    def meeting_starts_at(self) -> datetime.datetime:
        """When the meeting begins: the workflow's moves are allowed before or after it."""
        return self.meeting.starts_at


class AttendanceInvitation(Undeletable):
    """One officer named in a request, and their own answer (A4)."""

    request = models.ForeignKey(AttendanceRequest, on_delete=models.PROTECT, related_name="invitations")
    officer = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="attendance_invitations")
    state = models.CharField(max_length=16, choices=_choices(states.INVITATION_STATE_LABELS))
    responded_at = models.DateTimeField(null=True, blank=True)
    response_note = models.TextField(blank=True, help_text="Optional: no reason is needed to decline (A4).")

    history = HistoricalRecords()

    class Meta:
        ordering = ["request", "officer__last_name", "officer__first_name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["request", "officer"], name="one_invitation_per_officer_per_request"),
        ]

    def __str__(self):
        return f"{self.officer} for {self.request}"

    @property
    def shown_state(self) -> str:
        """The state people are shown, from the invitation's and the request's (``states.invitation_shown_state``):
        "asked" until the request is approved, "not needed" once it will not go ahead."""
        return states.invitation_shown_state(self.state, self.request.state)

    @property
    def state_label(self) -> str:
        """What pages, notices and the API say of this invitation (never the bare stored state)."""
        return states.INVITATION_SHOWN_LABELS[self.shown_state]

    @property
    def meeting_starts_at(self) -> datetime.datetime:
        return self.request.meeting.starts_at

    @property
    def has_attendance(self) -> bool:
        """Whether the officer has recorded their attendance (a reverse one-to-one raises when absent)."""
        try:
            self.attendance  # noqa: B018
        except ObjectDoesNotExist:
            return False
        return True

    def is_response_overdue(self, today: datetime.date) -> bool:
        due = self.request.responses_due_on
        return (
            self.state == states.INVITED and self.request.state == states.APPROVED and due is not None and today > due
        )


class AttendanceRecord(Undeletable):
    """What an officer records after the meeting: when they arrived and left, and their
    attestation that they left before the group formed its view and heard no party business (A6),
    or their report of what happened (A13)."""

    class Concern(models.TextChoices):
        BEYOND_BRIEF = "beyond-brief", "I was asked to comment beyond the brief agreed in advance (A5)"
        LEFT_EARLY = "left-early", "I left early: I felt vulnerable or my integrity was put in question (A5)"
        VIEW_FORMED = "view-formed", "The group decided its view while I was present (A6)"
        PARTY_BUSINESS = "party-business", "Party business was discussed in front of me (A6)"
        CONFIDENTIAL_ASKED = (
            "confidential-asked",
            ("I was asked for confidential or exempt information while others were present (A7)"),
        )
        OTHER = "other", "Something else went against the protocol"

    # Concerns that contradict the attestation itself.
    CONTRADICT_ATTESTATION = frozenset({Concern.VIEW_FORMED, Concern.PARTY_BUSINESS})

    invitation = models.OneToOneField(AttendanceInvitation, on_delete=models.PROTECT, related_name="attendance")
    arrived_at = models.DateTimeField()
    left_at = models.DateTimeField()
    attested = models.BooleanField(
        help_text="I left before the group formed its view, and no party business was discussed in front of me (A6)."
    )
    concerns = models.JSONField(default=list, blank=True, help_text="Codes from AttendanceRecord.Concern.")
    report = models.TextField(
        blank=True, help_text="What happened, for the Chief Executive and Monitoring Officer (A13)."
    )
    recorded_at = models.DateTimeField()

    history = HistoricalRecords()

    class Meta:
        ordering = ["arrived_at", "id"]
        constraints = [
            models.CheckConstraint(
                name="attendance_left_after_arriving", condition=Q(left_at__gt=models.F("arrived_at"))
            ),
            models.CheckConstraint(name="attendance_attested_or_reported", condition=Q(attested=True) | ~Q(report="")),
        ]

    def __str__(self):
        return f"{self.invitation.officer} at {self.invitation.request}"

    @property
    def is_report(self) -> bool:
        return bool(self.report.strip() or self.concerns)


class InformationProvided(Undeletable):
    """Information an officer gave a group at (or for) a briefing (A7, A10)."""

    class Classification(models.TextChoices):
        OPEN = "open", "Not confidential"
        CONFIDENTIAL = "confidential", "Confidential"
        EXEMPT = "exempt", "Exempt (Schedule 12A)"

    class CitedAt(models.TextChoices):
        COUNCIL = "council", "the Council"
        EXECUTIVE = "executive", "the Executive"
        COMMITTEE = "committee", "a committee"

    RESTRICTED = frozenset({Classification.CONFIDENTIAL, Classification.EXEMPT})

    request = models.ForeignKey(AttendanceRequest, on_delete=models.PROTECT, related_name="information")
    provided_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="information_provided")
    title = models.CharField(max_length=300)
    summary = models.TextField()
    reference = models.CharField(
        max_length=500, blank=True, help_text="Where the document is: a link or a file reference."
    )
    classification = models.CharField(max_length=16, choices=Classification.choices, default=Classification.OPEN)
    likely_to_be_cited = models.BooleanField(
        default=False,
        help_text="Likely to be cited in support of an option or decision at the Council, the Executive or a committee (A10).",
    )
    cited_at = models.CharField(max_length=16, choices=CitedAt.choices, blank=True)
    marked_by = models.ForeignKey(Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    marked_at = models.DateTimeField(null=True, blank=True)
    recorded_at = models.DateTimeField()

    history = HistoricalRecords()

    class Meta:
        ordering = ["recorded_at", "id"]
        verbose_name_plural = "information provided"
        constraints = [
            models.CheckConstraint(
                name="information_cited_says_where",
                condition=Q(likely_to_be_cited=False) | (~Q(cited_at="") & Q(marked_by__isnull=False)),
            ),
        ]

    def __str__(self):
        return self.title


class InformationCopy(Undeletable):
    """A copy of information sent to one group under A10, and the notice that carried it."""

    information = models.ForeignKey(InformationProvided, on_delete=models.PROTECT, related_name="copies")
    group = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="information_copies")
    recipient = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="information_copies")
    notification = models.ForeignKey(
        Notification,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The e-mail that carried the copy; its status is the delivery record.",
    )
    created_at = models.DateTimeField()

    history = HistoricalRecords()

    class Meta:
        ordering = ["information", "group__name"]
        verbose_name_plural = "information copies"
        constraints = [
            models.UniqueConstraint(fields=["information", "group"], name="one_copy_per_group"),
        ]

    def __str__(self):
        return f"{self.information} to {self.group}"

    @property
    def delivery(self) -> str:
        return self.notification.get_status_display() if self.notification_id else "Not sent"
