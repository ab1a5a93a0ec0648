"""People, groups, directorates and posts, in Popolo / Open Civic Data terms.

Roles are never flags on a person: they come from the posts a person holds on a date, so that
"who was acting Chief Executive on 3 March" has exactly one answer, then and later.
"""

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import Q

from register.models.history import HistoricalRecords

from .audit import Undeletable, UndeletableQuerySet


class PersonManager(UserManager.from_queryset(UndeletableQuerySet)):
    """Django's user manager (create_user, create_superuser) over a queryset that refuses delete() (C3)."""


class Person(Undeletable, AbstractUser):
    """Someone the register is about, who signs in as themselves."""

    class Kind(models.TextChoices):
        MEMBER = "member", "Member (councillor)"
        OFFICER = "officer", "Officer"
        # Appointed by the council, neither a councillor nor an officer: consulted by the Monitoring
        # Officer before any decision on a Code of Conduct complaint (D4).
        INDEPENDENT = "independent", "Independent Person"
        SYSTEM = "system", "System"

    class MemberType(models.TextChoices):
        ELECTED = "elected", "Elected"
        CO_OPTED = "co-opted", "Co-opted"

    kind = models.CharField(max_length=16, choices=Kind.choices)
    member_type = models.CharField(max_length=16, choices=MemberType.choices, blank=True, help_text="For members only.")
    left_on = models.DateField(
        null=True, blank=True, help_text="The day a member's term or an officer's employment ended."
    )
    # An officer's line manager, as Democratic Services records it: who "line manager" means in the
    # protocol (concerns under D1 and D2 go to them).
    reports_to = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reports",
        help_text="For officers: whom they report to (their line manager).",
    )

    # Single sign-on: the identity provider's stable subject for this person, as "issuer subject"
    # (Entra ID: the tenant's issuer and the object id). Linked once, at the first sign-in; every
    # later sign-in is matched on it alone, never on an e-mail address.
    sign_in_subject = models.CharField(max_length=400, null=True, blank=True, unique=True, editable=False)
    # "Sign out everywhere": every session begun before this moment stops working (it is part of the
    # session's hash, get_session_auth_hash), and every API token is revoked with it.
    sessions_revoked_at = models.DateTimeField(null=True, blank=True, editable=False)

    history = HistoricalRecords(excluded_fields=["password", "last_login"])
    objects = PersonManager()

    class Meta:
        ordering = ["last_name", "first_name", "username"]
        constraints = [
            models.CheckConstraint(
                name="member_type_only_for_members",
                condition=Q(kind="member") | Q(member_type=""),
            ),
        ]

    def __str__(self):
        return self.get_full_name() or self.username

    @property
    def name(self) -> str:
        return str(self)

    @property
    def is_member(self) -> bool:
        return self.kind == self.Kind.MEMBER

    @property
    def is_officer(self) -> bool:
        return self.kind == self.Kind.OFFICER

    @property
    def is_independent_person(self) -> bool:
        return self.kind == self.Kind.INDEPENDENT

    def get_session_auth_hash(self):
        """Django's hash of the password, which ends every session when the password changes, with the
        moment of the last "sign out everywhere", so that it ends them too."""
        from django.utils.crypto import salted_hmac

        return salted_hmac(
            "register.Person.get_session_auth_hash",
            f"{self.password}|{self.sessions_revoked_at.isoformat() if self.sessions_revoked_at else ''}",
            algorithm="sha256",
        ).hexdigest()

    def is_current_on(self, day) -> bool:
        return self.is_active and (self.left_on is None or self.left_on >= day)


class Organization(Undeletable):
    """The council itself, a political group (classification ``party``) or a directorate."""

    class Classification(models.TextChoices):
        COUNCIL = "council", "Council"
        PARTY = "party", "Political group"
        DIRECTORATE = "directorate", "Directorate"
        # The parish and town councils in the council's area, whose members' conduct the Monitoring
        # Officer also handles (D4): a list Democratic Services keeps; nobody in them has an account.
        PARISH = "parish", "Parish council"
        TOWN = "town", "Town council"

    LOCAL_COUNCILS = frozenset({Classification.PARISH, Classification.TOWN})

    name = models.CharField(max_length=200, unique=True)
    classification = models.CharField(max_length=16, choices=Classification.choices)
    is_administration = models.BooleanField(
        default=False, help_text="For political groups: part of the administration rather than the opposition."
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["classification", "name"]

    def __str__(self):
        return self.name

    @property
    def is_party(self) -> bool:
        return self.classification == self.Classification.PARTY


class Post(Undeletable):
    """A position in an organization, held by people over periods of time."""

    class Role(models.TextChoices):
        GROUP_LEADER = "group-leader", "Group leader"
        DEPUTY_GROUP_LEADER = "deputy-group-leader", "Deputy group leader"
        CHIEF_EXECUTIVE = "chief-executive", "Chief Executive"
        DEPUTY_CHIEF_EXECUTIVE = "deputy-chief-executive", "Deputy Chief Executive"
        MONITORING_OFFICER = "monitoring-officer", "Monitoring Officer"
        DEPUTY_MONITORING_OFFICER = "deputy-monitoring-officer", "Deputy Monitoring Officer"
        DIRECTOR = "director", "Director"
        ASSISTANT_DIRECTOR = "assistant-director", "Assistant Director"
        AUDITOR = "auditor", "Auditor"
        DEMOCRATIC_SERVICES = "democratic-services", "Democratic Services officer"
        INDEPENDENT_PERSON = "independent-person", "Independent Person"
        DATA_PROTECTION_OFFICER = "data-protection-officer", "Data Protection Officer"
        OFFICER = "officer", "Officer post"

    MEMBER_ROLES = frozenset({Role.GROUP_LEADER, Role.DEPUTY_GROUP_LEADER})
    # Held by several people at once by default: a team, not one office.
    SHARED_ROLES = frozenset({Role.AUDITOR, Role.DEMOCRATIC_SERVICES, Role.INDEPENDENT_PERSON})
    # The statutory officers whose absence is recorded, and who acts for each meanwhile (A2; D1, D2).
    ABSENCE_DEPUTIES = {
        Role.CHIEF_EXECUTIVE: Role.DEPUTY_CHIEF_EXECUTIVE,
        Role.MONITORING_OFFICER: Role.DEPUTY_MONITORING_OFFICER,
    }
    PARTY_ROLES = MEMBER_ROLES
    DIRECTORATE_ROLES = frozenset({Role.DIRECTOR, Role.ASSISTANT_DIRECTOR, Role.OFFICER})

    label = models.CharField(max_length=200)
    role = models.CharField(max_length=32, choices=Role.choices)
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="posts")
    single_holder = models.BooleanField(default=True, help_text="Only one person may hold the post at a time.")
    politically_restricted = models.BooleanField(
        default=False,
        help_text="A politically restricted post under the Local Government and Housing Act 1989.",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["organization__name", "label"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "label"], name="post_label_unique_in_organization"),
        ]

    def __str__(self):
        return self.label


class MembershipQuerySet(UndeletableQuerySet):
    def on(self, day):
        """Memberships current on ``day`` (end dates are inclusive)."""
        return self.filter(Q(end_date__isnull=True) | Q(end_date__gte=day), start_date__lte=day)

    def overlapping(self, start, end):
        """Memberships that share at least one day with the period from ``start`` to ``end``."""
        found = self.filter(Q(end_date__isnull=True) | Q(end_date__gte=start))
        if end is not None:
            found = found.filter(start_date__lte=end)
        return found


class Membership(Undeletable):
    """A person in an organization over a period; with a post, the holding of that post.

    A councillor's membership of a political group and an officer's place in a directorate have
    no post; a group leader, the Chief Executive or a Director hold a post.
    """

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="memberships")
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="memberships")
    post = models.ForeignKey(Post, on_delete=models.PROTECT, null=True, blank=True, related_name="memberships")
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True, help_text="The last day, inclusive; empty while current.")

    history = HistoricalRecords()
    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["start_date", "id"]
        constraints = [
            models.CheckConstraint(
                name="membership_ends_after_it_starts",
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
            ),
        ]

    def __str__(self):
        what = self.post.label if self.post_id else self.organization.name
        return f"{self.person} — {what} from {self.start_date:%d %b %Y}"


class Absence(Undeletable):
    """A recorded absence of the Chief Executive, during which the Deputy Chief Executive acts (A2), or
    of another statutory officer (the Monitoring Officer, whose deputy then acts)."""

    class State(models.TextChoices):
        RECORDED = "recorded", "Recorded"
        CANCELLED = "cancelled", "Cancelled"

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="absences")
    # The post the person is absent from; empty on absences recorded before other posts' were: the
    # Chief Executive's.
    post = models.ForeignKey(Post, on_delete=models.PROTECT, null=True, blank=True, related_name="absences")
    start_date = models.DateField()
    end_date = models.DateField(help_text="The last day of the absence, inclusive.")
    reason = models.CharField(max_length=500, blank=True)
    state = models.CharField(max_length=16, choices=State.choices, default=State.RECORDED)
    recorded_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")

    history = HistoricalRecords()

    class Meta:
        ordering = ["-start_date"]
        constraints = [
            models.CheckConstraint(
                name="absence_ends_after_it_starts", condition=Q(end_date__gte=models.F("start_date"))
            ),
        ]

    def __str__(self):
        return f"{self.person} absent {self.start_date:%d %b %Y} to {self.end_date:%d %b %Y}"
