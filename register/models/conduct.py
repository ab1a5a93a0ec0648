"""Concerns under the protocol (D1-D3, D6) and Code of Conduct complaints about members (D4), which
the Monitoring Officer reports to the Standards Committee (D5).

Nothing here is ever deleted: a concern is closed with an outcome or withdrawn, a complaint is
decided, closed or withdrawn (C3). Who may see each is in ``register.policies.conduct``.
"""

from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q

from register import retention
from register.models.history import HistoricalRecords

from .attendance import AttendanceRecord, AttendanceRequest
from .audit import Undeletable
from .declarations import Declaration
from .people import Organization, Person

# The longest text a person may write in one field of a concern or complaint: a long letter, not a book.
LONGEST_ACCOUNT = 5000


class Concern(Undeletable):
    """A concern that someone acted against the protocol on member/officer relations (D1, D2, D6), or a
    councillor's difficulty obtaining information (D3), and its handling to an outcome."""

    class Kind(models.TextChoices):
        ABOUT_OFFICER = "about-officer", "A councillor's concern about an officer"
        ABOUT_MEMBER = "about-member", "An officer's concern about a councillor"
        INFORMATION = "information", "A councillor's difficulty obtaining information"

    class State(models.TextChoices):
        RECEIVED = "received", "Received"
        ACKNOWLEDGED = "acknowledged", "Acknowledged"
        LOOKING_INTO = "being-looked-at", "Being looked at"
        RAISED = "raised", "Raised with the member or group leader"
        RESOLVED_INFORMALLY = "resolved-informally", "Resolved informally"
        REFERRED_ON = "referred-on", "Referred on"
        CLOSED = "closed", "Closed"
        WITHDRAWN = "withdrawn", "Withdrawn"

    class Outcome(models.TextChoices):
        UPHELD = "upheld", "Upheld, and action taken"
        RESOLVED = "resolved", "Resolved informally"
        NOT_UPHELD = "not-upheld", "Not upheld"
        REFERRED = "referred", "Referred elsewhere"
        NO_ACTION = "no-action", "No action needed"

    OPEN_STATES = frozenset(
        {
            State.RECEIVED,
            State.ACKNOWLEDGED,
            State.LOOKING_INTO,
            State.RAISED,
            State.RESOLVED_INFORMALLY,
            State.REFERRED_ON,
        }
    )

    kind = models.CharField(max_length=16, choices=Kind.choices)
    # The rule whose route it took (D1, D2, D3; D6 for an officer's report after a briefing).
    rule = models.CharField(max_length=4)
    # Which protocol's routes the council followed when it was raised (settings.CONCERNS_PROTOCOL).
    protocol = models.CharField(max_length=16)
    raised_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="concerns_raised")
    raised_at = models.DateTimeField()
    concerned_person = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="concerns_about"
    )
    what_happened = models.TextField(max_length=LONGEST_ACCOUNT)
    happened_on = models.DateField()
    briefing = models.ForeignKey(
        AttendanceRequest, on_delete=models.PROTECT, null=True, blank=True, related_name="concerns"
    )
    declaration = models.ForeignKey(Declaration, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    # D6: the officer's report after a briefing that this concern was raised from.
    attendance_record = models.OneToOneField(
        AttendanceRecord, on_delete=models.PROTECT, null=True, blank=True, related_name="concern"
    )
    # The raiser asked that the person concerned never learn who raised it (the handler always knows).
    raiser_withheld = models.BooleanField(default=False)
    handler = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="concerns_handled")
    handler_capacity = models.CharField(max_length=200)
    state = models.CharField(max_length=24, choices=State.choices, default=State.RECEIVED)
    acknowledge_due_on = models.DateField()
    outcome_due_on = models.DateField()
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    # When the handler told the person concerned: from then on they see it (never who raised it, if withheld).
    concerned_person_told_at = models.DateTimeField(null=True, blank=True)
    raised_with = models.CharField(max_length=300, blank=True, help_text="Whom the handler raised it with (D2).")
    referred_to = models.CharField(max_length=300, blank=True)
    outcome = models.CharField(max_length=16, choices=Outcome.choices, blank=True)
    outcome_detail = models.TextField(max_length=LONGEST_ACCOUNT, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-raised_at", "-id"]
        indexes = [models.Index(fields=["handler", "state"]), models.Index(fields=["raised_by", "state"])]
        constraints = [
            models.CheckConstraint(
                name="concern_about_someone_unless_information",
                # Issue 21: an erased concern no longer names the person it was about.
                condition=Q(kind="information") | Q(concerned_person__isnull=False) | Q(what_happened=retention.ERASED),
            ),
        ]

    def __str__(self):
        return f"Concern {self.reference}"

    @property
    def reference(self) -> str:
        return f"C{self.pk}"

    @property
    def is_open(self) -> bool:
        return self.state in self.OPEN_STATES

    @property
    def reaches_chief_executive(self) -> bool:
        """D6: an officer's report after a briefing reaches the Chief Executive too."""
        return self.rule == "D6"


class Complaint(Undeletable):
    """A complaint that a member of this council, or of a parish or town council in its area, breached
    the Code of Conduct (D4), as the Monitoring Officer records it."""

    class ComplainantType(models.TextChoices):
        PUBLIC = "member-of-the-public", "Member of the public"
        BOROUGH_COUNCILLOR = "borough-councillor", "Borough councillor"
        PARISH_COUNCILLOR = "parish-councillor", "Parish councillor"
        TOWN_COUNCILLOR = "town-councillor", "Town councillor"
        OFFICER = "officer", "Officer"
        OTHER = "other", "Other"

    # What a complaint is about, in a few words: all that the Standards Committee report shows of one
    # not accepted under the Code, whose details could misrepresent it (004 paragraph 4.6; D5).
    class NatureKind(models.TextChoices):
        MEETING = "meeting", "Behaviour at a meeting"
        SOCIAL_MEDIA = "social-media", "Behaviour on social media"
        TOWARDS_OTHERS = "towards-others", "Behaviour towards others"
        INTERESTS = "interests", "Declaration of interests"
        PLANNING = "planning", "Conduct in connection with a planning application"
        POSITION = "position", "Use of position"
        CONFIDENTIALITY = "confidentiality", "Confidential information"
        OTHER = "other", "Other conduct"

    class State(models.TextChoices):
        RECEIVED = "received", "Received"
        CONSULTING = "consulting", "Independent Person consulted"
        CONSULTED = "consulted", "Independent Person's view given"
        DECIDED = "decided", "Decided"
        CLOSED = "closed", "Closed"
        WITHDRAWN = "withdrawn", "Withdrawn"

    class Decision(models.TextChoices):
        NOT_ACCEPTED = "not-accepted", "Not accepted under the Code"
        NO_FURTHER_ACTION = "no-further-action", "No further action"
        INFORMAL_RESOLUTION = "informal-resolution", "Resolved informally"
        INVESTIGATION = "investigation", "Investigated"
        HEARING_PANEL = "hearing-panel", "Referred to the Hearing Panel of the Standards Committee"

    # Decisions that determine a complaint; after the others (an investigation, a hearing) the
    # Monitoring Officer consults again and decides again.
    DETERMINING = frozenset({Decision.NOT_ACCEPTED, Decision.NO_FURTHER_ACTION, Decision.INFORMAL_RESOLUTION})

    reference = models.CharField(
        max_length=12,
        unique=True,
        validators=[
            RegexValidator(r"^[0-9]{1,8}[a-z]?$", "A case reference is a number, with a letter for a sub-case: 1325a.")
        ],
    )
    # Linked cases reported together (1452, 1453 and 1454): each names the first case of the set.
    reported_with = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="linked_cases"
    )
    received_on = models.DateField()
    # Empty for a complaint about a member of this council; else the parish or town council.
    local_council = models.ForeignKey(
        Organization, on_delete=models.PROTECT, null=True, blank=True, related_name="complaints"
    )
    complainant_type = models.CharField(max_length=24, choices=ComplainantType.choices)
    # Seen by the Monitoring Officer alone (DOMAIN.md, "Who sees what").
    complainant_name = models.CharField(max_length=200)
    complainant_contact = models.TextField(max_length=1000, blank=True)
    nature_kind = models.CharField(max_length=24, choices=NatureKind.choices)
    nature = models.CharField(max_length=300, help_text="The nature of the complaint, as the committee reads it.")
    details = models.TextField(max_length=LONGEST_ACCOUNT, blank=True)
    # A councillor of this council is a person in the register; a parish or town councillor is a name.
    member = models.ForeignKey(Person, on_delete=models.PROTECT, null=True, blank=True, related_name="complaints_about")
    councillor_name = models.CharField(max_length=200, blank=True)
    state = models.CharField(max_length=16, choices=State.choices, default=State.RECEIVED)
    decision = models.CharField(max_length=24, choices=Decision.choices, blank=True)
    decision_reason = models.TextField(max_length=LONGEST_ACCOUNT, blank=True)
    decided_on = models.DateField(null=True, blank=True)
    decided_by = models.ForeignKey(Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    training_needs = models.TextField(max_length=LONGEST_ACCOUNT, blank=True)
    actions_outstanding = models.TextField(max_length=LONGEST_ACCOUNT, blank=True)
    member_told_at = models.DateTimeField(null=True, blank=True)
    recorded_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    history = HistoricalRecords()

    class Meta:
        ordering = ["-received_on", "-id"]
        constraints = [
            models.CheckConstraint(
                name="complaint_about_a_councillor",
                condition=(Q(local_council__isnull=True) & Q(member__isnull=False))
                | (Q(local_council__isnull=False) & Q(member__isnull=True) & ~Q(councillor_name=""))
                # Issue 21: an erased complaint no longer names the councillor.
                | Q(complainant_name=retention.ERASED),
            ),
        ]

    def __str__(self):
        return f"Complaint {self.reference}"

    @property
    def is_determined(self) -> bool:
        return self.decision in self.DETERMINING and self.decided_on is not None

    @property
    def councillor(self) -> str:
        return self.member.name if self.member_id else self.councillor_name

    @property
    def consulted_person_ids(self) -> frozenset[int]:
        """The Independent Persons consulted on it (read from prefetched ``consultations`` when there)."""
        return frozenset(c.independent_person_id for c in self.consultations.all())

    @property
    def view_awaited_from_ids(self) -> frozenset[int]:
        return frozenset(
            c.independent_person_id for c in self.consultations.all() if c.state == Consultation.State.ASKED
        )


class Consultation(Undeletable):
    """The Monitoring Officer's consultation of an Independent Person on a complaint, and their view,
    required before any decision or finding (D4)."""

    class State(models.TextChoices):
        ASKED = "asked", "View asked for"
        GIVEN = "given", "View given"

    complaint = models.ForeignKey(Complaint, on_delete=models.PROTECT, related_name="consultations")
    independent_person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="consultations")
    asked_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    asked_at = models.DateTimeField()
    question = models.TextField(max_length=LONGEST_ACCOUNT, blank=True)
    state = models.CharField(max_length=8, choices=State.choices, default=State.ASKED)
    view = models.TextField(max_length=LONGEST_ACCOUNT, blank=True)
    given_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["asked_at", "id"]
        constraints = [
            models.CheckConstraint(name="consultation_view_when_given", condition=Q(state="asked") | ~Q(view="")),
        ]

    def __str__(self):
        return f"Consultation of {self.independent_person} on complaint {self.complaint.reference}"
