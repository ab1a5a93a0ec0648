"""Personal relationships between members and officers, declared openly (B1-B7), and the yearly
re-confirmation that each person's declarations are current.

Nothing here is ever deleted: a declaration ends when the relationship ends, and one made in
error is withdrawn (C3).
"""

from django.db import models
from django.db.models import Q

from register.models.history import HistoricalRecords

from .audit import Undeletable, UndeletableQuerySet
from .people import Person

# B2, in the words the declaration form (issue 6) and the notice to the other person show.
# Source: the county council's guidance, section 5.9 and its footnote (seeds/002).
WHAT_COUNTS = (
    "A friendship, or a closer relationship, between a councillor and an officer, whether it exists now "
    "or forms later.",
    "A friendship is closer than being acquaintances or work colleagues, and includes some physical "
    "social interaction: meeting socially outside work, visiting each other's homes, holidays or "
    "regular social activities together.",
    "A close personal or romantic relationship, and relatives (family, including by marriage or civil partnership).",
    "A business relationship between you, for example a shared business, a tenancy or a loan.",
)
WHAT_DOES_NOT_COUNT = (
    "Social media connections alone, such as being friends on Facebook or following each other on "
    "Twitter/X, are not a friendship or a close relationship and need not be declared. Think carefully "
    "about how you interact on public social media all the same.",
    "Knowing each other through work, or being on friendly terms as colleagues, is not a friendship.",
)
IF_IN_DOUBT = (
    "If in doubt, councillors ask the Monitoring Officer and officers ask their Assistant Director or "
    "Director before deciding; declaring openly is always the safer course."
)
DECLARATION_GUIDANCE = "\n".join(
    [
        "What counts:",
        *[f"- {line}" for line in WHAT_COUNTS],
        "What does not count:",
        *[f"- {line}" for line in WHAT_DOES_NOT_COUNT],
        IF_IN_DOUBT,
    ]
)


class DeclarationQuerySet(UndeletableQuerySet):
    def active_on(self, day):
        """Declarations of relationships current on ``day``: begun, not yet ended, not withdrawn."""
        return self.filter(Q(ended_on__isnull=True) | Q(ended_on__gte=day), began_on__lte=day).exclude(
            state=Declaration.State.WITHDRAWN
        )


class Declaration(Undeletable):
    """One person's declaration of a relationship with someone on the other side (member/officer)."""

    class Kind(models.TextChoices):
        FRIENDSHIP = "friendship", "Friendship"
        CLOSE_PERSONAL = "close-personal", "Close personal or romantic relationship"
        FAMILY = "family", "Family"
        BUSINESS = "business", "Business"
        OTHER = "other", "Other"

    class State(models.TextChoices):
        SUBMITTED = "submitted", "Awaiting review"
        REVIEWED = "reviewed", "Advice given, awaiting acknowledgement"
        ACKNOWLEDGED = "acknowledged", "Advice acknowledged"
        ENDED = "ended", "Ended"
        WITHDRAWN = "withdrawn", "Withdrawn (made in error)"

    # States in which the relationship is still declared as current.
    OPEN_STATES = (State.SUBMITTED, State.REVIEWED, State.ACKNOWLEDGED)

    class Action(models.TextChoices):
        DECLARE_AT_MEETINGS = "declare-at-meetings", "Declare the interest at meetings"
        NO_SOLE_BRIEFING = "no-sole-briefing", "The officer does not brief that member's group alone"
        CASEWORK_REALLOCATED = "casework-reallocated", "Casework reallocated to another officer"
        NO_ACTION = "no-action", "No action needed"
        OTHER = "other", "Other action (described)"

    declarant = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="declarations_made")
    other_person = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        null=True,
        related_name="declarations_naming",
        help_text="The person on the other side: an officer for a member's declaration, a member for an officer's. "
        "Empty only once erased under the retention schedule (issue 21).",
    )
    kind = models.CharField(max_length=32, choices=Kind.choices)
    family_relation = models.CharField(
        max_length=100, blank=True, help_text="For a family relationship: how you are related, e.g. 'sister'."
    )
    began_on = models.DateField(help_text="When the relationship began (an approximate date will do).")
    ended_on = models.DateField(null=True, blank=True, help_text="When the relationship ended; empty while it lasts.")
    description = models.TextField(
        help_text="What the relationship is. Seen by you, your reviewer, the Monitoring Officer and auditors only."
    )
    state = models.CharField(max_length=16, choices=State.choices, default=State.SUBMITTED)
    declared_at = models.DateTimeField(auto_now_add=True)

    reviewer = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        related_name="declarations_to_review",
        help_text="Who reviews it (B3, B4): worked out from the posts held on the day it was declared.",
    )
    reviewer_capacity = models.CharField(max_length=200, help_text="The post in which the reviewer reviews it.")
    reviewed_by = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Who gave the advice now recorded.",
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    advice = models.TextField(blank=True, help_text="The reviewer's advice. Never shown to the other person.")
    action_agreed = models.CharField(max_length=32, choices=Action.choices, blank=True)
    action_detail = models.CharField(
        max_length=300, blank=True, help_text="The action agreed, in a few words, when it is 'other'."
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    counterpart = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The other person's own declaration of the same relationship.",
    )

    history = HistoricalRecords()
    objects = DeclarationQuerySet.as_manager()

    class Meta:
        ordering = ["-declared_at", "-id"]
        constraints = [
            models.CheckConstraint(
                name="declaration_not_about_oneself", condition=~Q(declarant=models.F("other_person"))
            ),
            models.CheckConstraint(
                name="declaration_ends_after_it_begins",
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("began_on")),
            ),
            models.CheckConstraint(
                name="declaration_family_relation_only_for_family",
                condition=Q(kind="family") | Q(family_relation=""),
            ),
            # Backstop for the service's check: one open declaration per person, other person and kind.
            models.UniqueConstraint(
                fields=["declarant", "other_person", "kind"],
                condition=Q(state__in=["submitted", "reviewed", "acknowledged"]),
                name="declaration_one_open_per_kind",
            ),
        ]
        indexes = [
            models.Index(fields=["declarant", "other_person"], name="declaration_pair"),
            models.Index(fields=["reviewer", "state"], name="declaration_review_queue"),
        ]

    def __str__(self):
        return f"{self.declarant} declares {self.kind_text.lower()} with {self.other_person}"

    @property
    def kind_text(self) -> str:
        return describe_kind(self.kind, self.family_relation)

    @property
    def action_text(self) -> str:
        return describe_action(self.action_agreed, self.action_detail)

    @property
    def is_open(self) -> bool:
        return self.state in self.OPEN_STATES


def describe_kind(kind: str, family_relation: str = "") -> str:
    """The kind in words, with the relation for a family relationship: 'Family (sister)'."""
    label = Declaration.Kind(kind).label
    return f"{label} ({family_relation})" if kind == Declaration.Kind.FAMILY and family_relation else label


def describe_action(action: str, detail: str = "") -> str:
    """The action agreed in words; before review, says so."""
    if not action:
        return "Not yet reviewed"
    if action == Declaration.Action.OTHER and detail:
        return detail
    return Declaration.Action(action).label


class DeclarationConfirmation(Undeletable):
    """A person's periodic confirmation that their declarations are current, or that they have
    nothing to declare: kept as evidence that the declaration was asked for and answered (B6)."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="declaration_confirmations")
    confirmed_on = models.DateField()
    nothing_to_declare = models.BooleanField(
        help_text="True for a 'nothing to declare' return; False when confirming current declarations."
    )
    open_declarations = models.PositiveIntegerField(
        help_text="How many declarations the person had open when they confirmed."
    )
    confirmed_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-confirmed_on", "-id"]
        constraints = [
            models.CheckConstraint(
                name="confirmation_nothing_to_declare_means_none_open",
                condition=Q(nothing_to_declare=False) | Q(open_declarations=0),
            ),
        ]
        indexes = [models.Index(fields=["person", "confirmed_on"], name="confirmation_person_day")]

    def __str__(self):
        what = "nothing to declare" if self.nothing_to_declare else "declarations current"
        return f"{self.person}: {what} on {self.confirmed_on:%d %b %Y}"
