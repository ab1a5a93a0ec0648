"""The retention schedule (issue 21, UK GDPR Article 5(1)(e), storage limitation): for each kind of record
the register keeps, how long it is kept after it ends, the shortest period the Monitoring Officer may set
and why, which of its fields are personal data erased when the period is over, and what stays (the
record's shell: kind, dates, outcome, group) for the statistics and the Standards Committee report.

Pure data and date arithmetic: no database, no Django settings. The periods in force are the defaults
below unless the Monitoring Officer has set another (``RetentionRule``); the privacy notice, the records
of processing, the disposal run and the subject access export all read this one schedule.

A record "ends" (the period runs from then) as ``ends`` says; a record that has not ended is never due.
"""

import datetime
from dataclasses import dataclass


@dataclass(frozen=True)
class Erasable:
    """One model whose personal fields are erased when its record's period is over. ``via`` is the path
    from the record of the kind to this model's rows ("" for the record itself, else a related name)."""

    model: str  # "app_label.ModelName"
    via: str
    fields: tuple[str, ...]


@dataclass(frozen=True)
class RecordKind:
    key: str
    label: str
    model: str  # the model whose rows are the records of this kind ("register.Declaration")
    ends: str  # when the period starts, in words (the privacy notice says it)
    default_months: int
    minimum_months: int
    minimum_basis: str  # why it may not be shorter (the README names the same)
    default_basis: str  # why the default is what it is
    erasable: tuple[Erasable, ...]
    kept: str  # what stays after erasure, in words
    purpose: str  # why the register holds it (records of processing)
    lawful_basis: str


# What an erased text field of a live record says (a field that must not be empty, or that a page shows);
# its history rows' values are blanked. A required field holding it marks the record as erased.
ERASED = "Erased under the retention schedule"

SIX_YEARS = 72
LIMITATION_ACT = (
    "Limitation Act 1980, sections 2 and 5: a claim in tort or contract arising from the matter may be brought "
    "for six years, and the council must be able to show what it did."
)
LOCAL_GOVERNMENT_SCHEDULE = (
    "the IRMS Local Government Retention Schedule keeps a council's case records (complaints, standards "
    "cases, members' declarations) for six years after the case closes or the declaration lapses."
)
PUBLIC_TASK = "UK GDPR Article 6(1)(e), public task; Article 9(2)(g) and DPA 2018 Schedule 1 paragraph 6 for special category data."

KINDS: tuple[RecordKind, ...] = (
    RecordKind(
        key="attendance-request",
        label="Officer attendance requests and their briefs",
        model="register.AttendanceRequest",
        ends="when the request is closed: refused, withdrawn, cancelled, or the briefing held and closed",
        default_months=SIX_YEARS,
        minimum_months=SIX_YEARS,
        minimum_basis=LIMITATION_ACT,
        default_basis=LOCAL_GOVERNMENT_SCHEDULE,
        erasable=(
            Erasable("register.AttendanceRequest", "", ("subject", "scope", "decision_reason", "closing_reason")),
            Erasable("register.AttendanceInvitation", "invitations", ("response_note",)),
            Erasable("register.AttendanceRecord", "invitations__attendance", ("report",)),
            Erasable("register.InformationProvided", "information", ("title", "summary", "reference")),
        ),
        kept="the group, the meeting's date, who asked and who decided in what capacity, the decision and its "
        "dates, which officers attended, and whether information was shared with every group",
        purpose="To run and evidence the protocol on officers briefing political groups (rules A1-A13).",
        lawful_basis=PUBLIC_TASK,
    ),
    RecordKind(
        key="declaration",
        label="Declarations of personal relationships",
        model="register.Declaration",
        ends="when the relationship ends or the declaration is withdrawn",
        default_months=SIX_YEARS,
        minimum_months=SIX_YEARS,
        minimum_basis=LIMITATION_ACT,
        default_basis=LOCAL_GOVERNMENT_SCHEDULE,
        erasable=(
            Erasable(
                "register.Declaration",
                "",
                ("other_person", "family_relation", "description", "advice", "action_detail"),
            ),
        ),
        kept="who declared, the kind of relationship, when it began and ended, who reviewed it and when, "
        "and the kind of action agreed",
        purpose="To declare, review and act on personal relationships between members and officers (rules B1-B7).",
        lawful_basis=PUBLIC_TASK,
    ),
    RecordKind(
        key="concern",
        label="Concerns under the protocol",
        model="register.Concern",
        ends="when the concern is closed or withdrawn",
        default_months=SIX_YEARS,
        minimum_months=SIX_YEARS,
        minimum_basis=LIMITATION_ACT,
        default_basis=LOCAL_GOVERNMENT_SCHEDULE,
        erasable=(
            Erasable(
                "register.Concern",
                "",
                ("concerned_person", "what_happened", "raised_with", "referred_to", "outcome_detail"),
            ),
        ),
        kept="the kind of concern, the rule it was raised under, who raised it and who handled it, its dates, "
        "stages and outcome",
        purpose="To handle concerns that the protocol was broken (rules D1-D3, D6).",
        lawful_basis=PUBLIC_TASK,
    ),
    RecordKind(
        key="complaint",
        label="Complaints under the Code of Conduct",
        model="register.Complaint",
        ends="when the complaint is closed",
        default_months=SIX_YEARS,
        minimum_months=SIX_YEARS,
        minimum_basis=LIMITATION_ACT,
        default_basis=LOCAL_GOVERNMENT_SCHEDULE,
        erasable=(
            Erasable(
                "register.Complaint",
                "",
                (
                    "complainant_name",
                    "complainant_contact",
                    "details",
                    "member",
                    "councillor_name",
                    "decision_reason",
                    "training_needs",
                    "actions_outstanding",
                ),
            ),
            Erasable("register.Consultation", "consultations", ("question", "view")),
        ),
        kept="the reference, the kind of complainant and of complaint, the nature in a few words, the council, "
        "the decision and its dates (the Standards Committee report's Appendix A)",
        purpose="To record Code of Conduct complaints and report them to the Standards Committee (rules D4, D5).",
        lawful_basis=PUBLIC_TASK,
    ),
    RecordKind(
        key="notice",
        label="Notices sent by the register",
        model="register.Notification",
        ends="when the notice is sent (or finally fails)",
        default_months=24,
        minimum_months=12,
        minimum_basis="the notice's shell (who was told what kind of thing, when, and whether it arrived) is kept "
        "with the record it is about; its words are kept a year so that a reader's query about one can be answered.",
        default_basis="two years covers the re-confirmation cycle (B6) twice over.",
        erasable=(Erasable("register.Notification", "", ("subject", "body_text", "body_html", "last_error")),),
        kept="the recipient, the kind of notice, the channel, the record it was about, and when it was sent and read",
        purpose="To tell people what the protocol says they must be told (A6, A8, B5, D1-D6).",
        lawful_basis=PUBLIC_TASK,
    ),
    RecordKind(
        key="sign-in",
        label="Sign-in history",
        model="register.SignInEvent",
        ends="at the sign-in (or attempt)",
        default_months=12,
        minimum_months=6,
        minimum_basis="the council's information-security policy needs six months of sign-in records to "
        "investigate an incident (NCSC logging guidance).",
        default_basis="twelve months, the NCSC's usual retention for authentication logs.",
        erasable=(Erasable("register.SignInEvent", "", ("person", "username", "address", "detail")),),
        kept="the kind of event, the method and its time",
        purpose="To keep the register secure: who signed in, from where, and failed attempts.",
        lawful_basis="UK GDPR Article 6(1)(e), public task, and Article 32, security of processing.",
    ),
    RecordKind(
        key="access-log",
        label="Access log (who opened a sensitive record)",
        model="register.AccessLogEntry",
        ends="when the record was opened",
        default_months=SIX_YEARS,
        minimum_months=24,
        minimum_basis="a person asking who read their declaration or case must be answerable for at least two "
        "years (UK GDPR Article 15 and the council's audit cycle).",
        default_basis="as long as the records read are kept.",
        erasable=(Erasable("register.AccessLogEntry", "", ("reader",)),),
        kept="which record was opened, through which page, and when",
        purpose="To show who has read declarations, concerns and complaints (C2, issue 20).",
        lawful_basis="UK GDPR Article 6(1)(e), public task, and Article 32, security of processing.",
    ),
)

BY_KEY = {kind.key: kind for kind in KINDS}


def kind(key: str) -> RecordKind:
    try:
        return BY_KEY[key]
    except KeyError:
        raise ValueError(f"No record kind {key!r} in the retention schedule: {', '.join(BY_KEY)}.") from None


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day ``months`` later (the month's last day when it has fewer days)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def due_on(ended_on: datetime.date, months: int) -> datetime.date:
    """The day a record that ended on ``ended_on`` is due for erasure under a period of ``months``."""
    return add_months(ended_on, months)


def period_text(months: int) -> str:
    """A period in words: "6 years", "18 months", "1 year"."""
    if months % 12 == 0:
        years = months // 12
        return f"{years} year" if years == 1 else f"{years} years"
    return f"{months} month" if months == 1 else f"{months} months"


def period_problem(key: str, months: int) -> str | None:
    """Why a period may not be set for a kind, or None when it may: never shorter than its minimum."""
    record_kind = kind(key)
    if months < record_kind.minimum_months:
        return (
            f"The period for {record_kind.label.lower()} may not be shorter than "
            f"{period_text(record_kind.minimum_months)}: {record_kind.minimum_basis}"
        )
    if months > 100 * 12:
        return "A period longer than a hundred years is not a retention period."
    return None
