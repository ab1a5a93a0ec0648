"""What the privacy notice (UK GDPR Articles 13 and 14) and the records of processing (Article 30) say,
generated from the retention schedule in force (``register/retention.py`` through
``selectors.retention_schedule``) and the settings, so that neither can drift from what the register does.

What the schedule does not hold is here once: for each kind of record, whose data it is and who sees it
(DOMAIN.md, "Who sees what", in plain words). A kind added to the schedule without an entry here fails
``test_privacy_notice`` before it reaches a page. Two queries: the periods in force, and the posts named
as contacts.
"""

import datetime
from dataclasses import dataclass

from django.apps import apps
from django.conf import settings

from register import retention
from register.models import Membership, Person, Post
from register.policies.accounts import TWO_FACTOR_POSTS
from register.selectors import clock
from register.selectors.retention_schedule import PeriodInForce, periods_in_force

Role = Post.Role


@dataclass(frozen=True)
class Audience:
    """Whose data a kind of record holds, and who sees it."""

    subjects: str
    recipients: str


AUDIENCES: dict[str, Audience] = {
    "attendance-request": Audience(
        subjects="Councillors (group leaders and the members of their group), the officers asked to brief "
        "them, and anyone else the group says will be present",
        recipients="The group's leader and deputy, the Chief Executive and Deputy, the officers named, the "
        "Monitoring Officer and auditors. Every group leader, and the public on the published register of "
        "officer attendance, learn the group, the officer's post, the date and the subject, and nothing of "
        "the discussion.",
    ),
    "declaration": Audience(
        subjects="Councillors and officers who declare a relationship, and the other person it names "
        "(a councillor, an officer or a relative)",
        recipients="The person who declared it, its reviewer (the Monitoring Officer for a councillor; the "
        "officer's Assistant Director or Director for an officer), the Monitoring Officer and auditors. The "
        "other person sees that a declaration names them and its kind, not the description or the "
        "reviewer's notes.",
    ),
    "concern": Audience(
        subjects="Councillors and officers who raise a concern, and the person it is about",
        recipients="Who raised it, who handles it, the Monitoring Officer and auditors; the person it is "
        "about once the handler tells them, and never who raised it if they asked for that.",
    ),
    "complaint": Audience(
        subjects="Complainants (members of the public, councillors and officers), the councillor "
        "complained about, and the Independent Person consulted",
        recipients="The Monitoring Officer and deputy, the Independent Person consulted on it, and auditors; "
        "the councillor complained about once the Monitoring Officer tells them. The complainant's contact "
        "details: the Monitoring Officer alone. The Standards Committee's report names no complainant.",
    ),
    "notice": Audience(
        subjects="Everyone the register sends a notice to",
        recipients="The person it was sent to, and auditors; the e-mail service that delivers it (see processors).",
    ),
    "sign-in": Audience(
        subjects="Everyone who signs in to the register, or tries to",
        recipients="You, for your own sign-ins; auditors; and the council's security team when it "
        "investigates an incident.",
    ),
    "access-log": Audience(
        subjects="Everyone who opens a declaration, a concern or a complaint",
        recipients="The Monitoring Officer and auditors.",
    ),
}


@dataclass(frozen=True)
class Processing:
    """One kind of record as the notice and the records of processing state it."""

    period: PeriodInForce
    audience: Audience
    personal_fields: tuple[str, ...]  # in words: the fields erased when the period is over

    @property
    def kind(self) -> retention.RecordKind:
        return self.period.kind


@dataclass(frozen=True)
class Contact:
    role: str  # the post's role label: "Data Protection Officer", "Monitoring Officer"
    person: Person | None


@dataclass(frozen=True)
class PrivacyFacts:
    controller: str
    contact_email: str
    data_protection_officer: Contact  # the Monitoring Officer's, while no Data Protection Officer is named
    processing: list[Processing]
    processors: list[str]
    security_measures: list[str]
    on: datetime.date

    @property
    def has_data_protection_officer(self) -> bool:
        return self.data_protection_officer.role == Role.DATA_PROTECTION_OFFICER.label


def privacy_facts(on: datetime.date | None = None) -> PrivacyFacts:
    """Everything the privacy notice and the records of processing say, as on ``on`` (today). Two queries."""
    on = on or clock.today()
    return PrivacyFacts(
        controller=settings.COUNCIL_NAME,
        contact_email=settings.COUNCIL_CONTACT_EMAIL,
        data_protection_officer=data_protection_contact(on),
        processing=[
            Processing(period, audience_of(period.kind), personal_fields_of(period.kind))
            for period in periods_in_force()
        ],
        processors=processors(),
        security_measures=security_measures(),
        on=on,
    )


def audience_of(kind: retention.RecordKind) -> Audience:
    try:
        return AUDIENCES[kind.key]
    except KeyError:
        raise LookupError(f"The privacy notice does not say whose data {kind.key!r} holds nor who sees it.") from None


def personal_fields_of(kind: retention.RecordKind) -> tuple[str, ...]:
    """The personal fields of a kind in words, from the models' own field names (erased when its period ends)."""
    words = []
    for erasable in kind.erasable:
        model = apps.get_model(erasable.model)
        for name in erasable.fields:
            verbose = str(model._meta.get_field(name).verbose_name)
            if verbose not in words:
                words.append(verbose)
    return tuple(words)


def data_protection_contact(on: datetime.date) -> Contact:
    """The holder of the Data Protection Officer's post on ``on``; while there is none, the Monitoring
    Officer (or the vacant post), who answers for the council's data protection meanwhile. One query."""
    holdings = (
        Membership.objects.on(on)
        .filter(post__role__in=[Role.DATA_PROTECTION_OFFICER, Role.MONITORING_OFFICER])
        .select_related("person", "post")
        .order_by("start_date", "id")
    )
    holders = {}
    for holding in holdings:
        holders.setdefault(holding.post.role, holding.person)
    if Role.DATA_PROTECTION_OFFICER in holders:
        return Contact(Role.DATA_PROTECTION_OFFICER.label, holders[Role.DATA_PROTECTION_OFFICER])
    return Contact(Role.MONITORING_OFFICER.label, holders.get(Role.MONITORING_OFFICER))


def processors() -> list[str]:
    """Who processes the register's data on the council's behalf, from the settings."""
    backend = settings.EMAIL_BACKEND.rsplit(".", 2)[-2] if "." in settings.EMAIL_BACKEND else settings.EMAIL_BACKEND
    if settings.NOTICE_EMAIL_SERVICE == "notify":
        found = [
            "E-mail delivery: GOV.UK Notify (the Government Digital Service, Cabinet Office) is given each "
            "notice's recipient's address, its words and its reference, sends it, and reports whether it was "
            "delivered. Notify keeps them for 7 days."
        ]
    elif backend == "smtp":
        secured = "over TLS" if settings.EMAIL_USE_TLS or getattr(settings, "EMAIL_USE_SSL", False) else "without TLS"
        found = [
            f"E-mail delivery: notices are handed {secured} to the mail server {settings.EMAIL_HOST} (port "
            f"{settings.EMAIL_PORT}), and whoever runs it carries their words to the recipient's mailbox."
        ]
    else:
        found = [
            "E-mail delivery: none. This installation sends no e-mail out; notices are kept on the register's "
            "own server (the e-mail setting is for testing)."
        ]
    if settings.SINGLE_SIGN_ON:
        found.append(
            f"Sign-in: the council's identity provider ({settings.OIDC_ISSUER}) confirms who is signing in and "
            "passes the register their e-mail address."
        )
    return found


def security_measures() -> list[str]:
    """The technical measures in force (Article 32), read from the settings."""
    measures = []
    posts = ", ".join(sorted(Role(role).label for role in TWO_FACTOR_POSTS))
    if settings.TWO_FACTOR_REQUIRED:
        measures.append(f"Two-factor sign-in (a password and a code) is required of: {posts}, and administrators.")
    else:
        measures.append(
            "Two-factor sign-in is offered to everyone and required of no one (TWO_FACTOR_REQUIRED is off)."
        )
    measures.append(
        f"Sign-in limits: an address is locked out for {_minutes(settings.AXES_COOLOFF_TIME)} after "
        f"{settings.AXES_FAILURE_LIMIT} failed attempts; a username's attempts are slowed after "
        f"{settings.SIGN_IN_SLOWDOWN_AFTER} failures; sessions end after {settings.SESSION_IDLE_MINUTES:g} minutes "
        f"idle and {settings.SESSION_ABSOLUTE_HOURS:g} hours in all."
    )
    if settings.SINGLE_SIGN_ON:
        measures.append("Single sign-on through the council's identity provider (OpenID Connect, with PKCE).")
    signed = bool(settings.HISTORY_SIGNING_KEY or settings.HISTORY_SIGNING_KEY_FILE)
    measures.append(
        "Tamper-evident history: every change is kept with who, when and why, each field committed to by a "
        "salted hash in a hash chain"
        + (
            f", and a checkpoint of the chain signed (Ed25519) every {settings.CHECKPOINT_EVERY_MINUTES} minutes."
            if signed and settings.CHECKPOINT_EVERY_MINUTES
            else "; checkpoints are not signed on a schedule here (no signing key, or CHECKPOINT_EVERY_MINUTES is 0)."
        )
    )
    measures.append(
        f"Database roles: the application connects as {settings.DATABASE_APP_ROLE}, which may add history but "
        f"not change or delete it; only the maintenance role {settings.DATABASE_MAINTENANCE_ROLE} may, by SET ROLE."
    )
    measures.append(
        "Access log: every opening of a declaration, a concern or a complaint is recorded, for the Monitoring "
        "Officer and auditors."
    )
    measures.append(
        "Backups: encrypted (age) to the council's public key before they reach a disk, so the server that "
        "makes them cannot read them; each is read back whole as it is written, a set number are kept, and a "
        "restore is checked against the signed checkpoints before it is used."
    )
    measures.append(
        "Retention: personal fields are erased when the periods above are over, by a disposal run the "
        "Monitoring Officer approves; a record under a legal hold or an open concern or complaint is kept."
    )
    if settings.SECURE_SSL_REDIRECT or settings.SESSION_COOKIE_SECURE:
        measures.append("Encryption in transit: HTTPS only (HSTS), secure cookies.")
    return measures


def _minutes(delta: datetime.timedelta) -> str:
    minutes = round(delta.total_seconds() / 60)
    return "1 minute" if minutes == 1 else f"{minutes} minutes"
