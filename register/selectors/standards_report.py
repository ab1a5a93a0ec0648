"""The Monitoring Officer's report to the Standards Committee (D5), read from the records themselves:
the complaints table in the layout of 004's Appendix A, the training needs and actions outstanding,
protocol concerns, officer briefings (A3, A11, A12), relationship declarations (B6) and what is
overdue. Every figure is stated here once; the page, the PDF and the API show what this returns.

No councillor or complainant is named anywhere in it (D5): a complaint shows its council, the kind
of complainant, and its nature (only the brief kind of a complaint not accepted under the Code,
004 paragraph 4.6); a declaration is counted by kind of post, never described.
"""

import datetime
import re
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Min, Q
from django.utils import timezone

from register import policies, workflow
from register.errors import NotFound, RuleViolation
from register.models import AttendanceRequest, Complaint, Concern, Consultation, Declaration, Person
from register.policies import Standing
from register.selectors import clock
from register.selectors.declarations.confirmations import confirmation_due_on, people_in_confirmation_scope
from register.selectors.requests import ParityRow, parity_rows

UNDER_CONSIDERATION = "Matter currently under consideration"
WITHDRAWN = "Withdrawn by the complainant"
KINDS_OF_POST = ((Person.Kind.MEMBER, "Councillors"), (Person.Kind.OFFICER, "Officers"))


@dataclass(frozen=True)
class Figure:
    """One count in the report, with the records behind it that the viewer may open."""

    key: str
    label: str
    value: int
    record_ids: tuple[int, ...] = ()


@dataclass(frozen=True)
class CaseRow:
    """One row of Appendix A: a complaint, or linked complaints reported together (1452, 1453 & 1454)."""

    case_ref: str
    complaint_ids: tuple[int, ...]
    references: tuple[str, ...]
    received_on: datetime.date
    council: str
    complainant: str
    nature: str
    independent_persons_consulted: bool
    decision: str
    decided_on: datetime.date | None
    withdrawn: bool
    received_in_period: bool
    # The complaints of the row that the viewer may open (policies.sees_complaint).
    viewable_ids: tuple[int, ...] = ()


@dataclass(frozen=True)
class CaseNote:
    """Training or education needs, or actions outstanding, identified on a case of Appendix A."""

    case_ref: str
    text: str


@dataclass(frozen=True)
class DeclarationRow:
    """Relationship declarations by kind of post (B6): made and reviewed in the period, and the people
    awaiting re-confirmation (due soon or overdue) and overdue on the report's day. Counts only."""

    kind_of_post: str
    made: int
    reviewed: int
    awaiting_reconfirmation: int
    reconfirmation_overdue: int


@dataclass(frozen=True)
class StandardsReport:
    start: datetime.date
    end: datetime.date
    # The day the overdue items and re-confirmations are counted on: the period's end, or today if sooner.
    as_of: datetime.date
    council: str
    cases: list[CaseRow]
    complaints_received: int
    complaints_recorded_to_date: int
    training_needs: list[CaseNote]
    actions_outstanding: list[CaseNote]
    concerns_raised: int
    concerns_by_kind: list[Figure]
    concerns_by_stage: list[Figure]
    briefings: list[ParityRow]
    declarations: list[DeclarationRow]
    overdue: list[Figure]
    # Whether the viewer may open the pages behind the figures of briefings and declarations.
    opens_briefings: bool
    opens_declarations: bool
    opens_confirmations: bool

    @property
    def briefings_made(self) -> int:
        return sum(row.made for row in self.briefings)

    @property
    def equivalents_taken_up(self) -> int:
        return sum(row.equivalents_taken_up for row in self.briefings)


def check_period(start: datetime.date, end: datetime.date) -> None:
    """A report's period ends on or after it starts and spans no more than STANDARDS_REPORT_MAX_YEARS (D5)."""
    if end < start:
        raise RuleViolation(
            "The date the period ends must be the same as or after the date it starts", field="end", rule="D5"
        )
    years = settings.STANDARDS_REPORT_MAX_YEARS
    if start < _years_before(end, years):
        raise RuleViolation(
            f"A report covers {years} years at most: the period must start later", field="start", rule="D5"
        )


def _years_before(day: datetime.date, years: int) -> datetime.date:
    if day.year - years < datetime.MINYEAR:
        return datetime.date.min
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def standards_report(*, viewer: Standing, start: datetime.date, end: datetime.date) -> StandardsReport:
    """The report for the period ``start`` to ``end`` (inclusive), for the Monitoring Officer, their
    deputy and auditors; not found for anyone else. A fixed number of queries, whatever the rows."""
    if not policies.reads_standards_report(viewer):
        raise NotFound("There is no such report.")
    check_period(start, end)
    as_of = min(end, clock.today())
    cases, received, recorded, training, actions = _complaints(viewer, start, end)
    concerns_raised, by_kind, by_stage, concerns_overdue = _concerns(viewer, start, end, as_of)
    declarations = _declarations(start, end, as_of)
    decisions_overdue = AttendanceRequest.objects.filter(state=workflow.SUBMITTED, due_on__lt=as_of).count()
    overdue = [
        *concerns_overdue,
        Figure("attendance-decisions", "Decisions on requests for officer briefings overdue", decisions_overdue),
        Figure(
            "reconfirmations",
            "People whose re-confirmation of their declarations is overdue",
            sum(row.reconfirmation_overdue for row in declarations),
        ),
    ]
    return StandardsReport(
        start=start,
        end=end,
        as_of=as_of,
        council=settings.COUNCIL_NAME,
        cases=cases,
        complaints_received=received,
        complaints_recorded_to_date=recorded,
        training_needs=training,
        actions_outstanding=actions,
        concerns_raised=concerns_raised,
        concerns_by_kind=by_kind,
        concerns_by_stage=by_stage,
        briefings=parity_rows(start=start, end=end),
        declarations=declarations,
        overdue=overdue,
        opens_briefings=policies.oversees_attendance(viewer),
        opens_declarations=policies.oversees_declarations(viewer),
        opens_confirmations=policies.watches_confirmations(viewer),
    )


# --- Appendix A: Code of Conduct complaints (D4, D5) ---------------------------------------------


def _complaints(viewer: Standing, start: datetime.date, end: datetime.date):
    """The rows of Appendix A (D5): every complaint received in the period; those received before it
    that were not yet determined (nor withdrawn) when it began; and any with actions outstanding.
    Four queries."""
    candidates = list(
        Complaint.objects.filter(received_on__lte=end)
        .filter(
            Q(received_on__gte=start)
            | ~Q(decision__in=Complaint.DETERMINING)
            | Q(decided_on__isnull=True)
            | Q(decided_on__gte=start)
            | ~Q(actions_outstanding="")
        )
        .select_related("local_council")
        .prefetch_related("consultations")
        .order_by("received_on", "id")
    )
    withdrawn_on = dict(
        Complaint.history.filter(state=Complaint.State.WITHDRAWN, id__in=[c.pk for c in candidates])
        .values("id")
        .annotate(on=Min("history_date"))
        .values_list("id", "on")
    )
    withdrawn_on = {pk: timezone.localdate(moment) for pk, moment in withdrawn_on.items()}
    shown = [c for c in candidates if _is_reported(c, start, withdrawn_on.get(c.pk))]
    groups: dict[int, list[Complaint]] = {}
    for complaint in sorted(shown, key=lambda c: _reference_order(c.reference)):
        groups.setdefault(complaint.reported_with_id or complaint.pk, []).append(complaint)
    rows, training, actions = [], [], []
    for cases in sorted(groups.values(), key=lambda cases: _reference_order(cases[0].reference)):
        row = _case_row(viewer, cases, start, end, withdrawn_on)
        rows.append(row)
        training += [CaseNote(row.case_ref, c.training_needs) for c in cases if c.training_needs.strip()]
        actions += [CaseNote(row.case_ref, c.actions_outstanding) for c in cases if c.actions_outstanding.strip()]
    received = sum(start <= c.received_on for c in shown)
    recorded = Complaint.objects.filter(received_on__lte=end).count()
    return rows, received, recorded, training, actions


def determined_on(complaint: Complaint, withdrawn_on: datetime.date | None) -> datetime.date | None:
    """When a complaint was determined: its determining decision's date, or the day it was withdrawn."""
    if complaint.state == Complaint.State.WITHDRAWN:
        return withdrawn_on
    return complaint.decided_on if complaint.is_determined else None


def _is_reported(complaint: Complaint, start: datetime.date, withdrawn_on: datetime.date | None) -> bool:
    if complaint.received_on >= start or complaint.actions_outstanding.strip():
        return True
    determined = determined_on(complaint, withdrawn_on)
    return determined is None or determined >= start


def _reference_order(reference: str) -> tuple[int, str]:
    found = re.match(r"^(\d+)(.*)$", reference)
    return (int(found.group(1)), found.group(2)) if found else (0, reference)


def case_reference(references: list[str]) -> str:
    """'1452', or linked cases as the report names them: '1452, 1453 & 1454'."""
    if len(references) == 1:
        return references[0]
    return f"{', '.join(references[:-1])} & {references[-1]}"


def _distinct(values) -> str:
    seen = []
    for value in values:
        if value and value not in seen:
            seen.append(value)
    return "; ".join(seen)


def _case_row(viewer, cases: list[Complaint], start, end, withdrawn_on) -> CaseRow:
    decided = [c for c in cases if c.decision and c.decided_on is not None and c.decided_on <= end]
    withdrawn = all(c.state == Complaint.State.WITHDRAWN and (withdrawn_on.get(c.pk) or end) <= end for c in cases)
    if withdrawn:
        decision = WITHDRAWN
    elif len(decided) < len(cases):
        decision = UNDER_CONSIDERATION
    else:
        decision = _distinct(_decision_text(c) for c in cases)
    return CaseRow(
        case_ref=case_reference([c.reference for c in cases]),
        complaint_ids=tuple(c.pk for c in cases),
        references=tuple(c.reference for c in cases),
        received_on=min(c.received_on for c in cases),
        council=_distinct(c.local_council.name if c.local_council_id else settings.COUNCIL_NAME for c in cases),
        complainant=_distinct(Complaint.ComplainantType(c.complainant_type).label for c in cases),
        nature=_distinct(_nature(c) for c in cases),
        independent_persons_consulted=all(_view_given(c, end) for c in cases),
        decision=decision,
        decided_on=max(c.decided_on for c in decided) if decided and not withdrawn else None,
        withdrawn=withdrawn,
        received_in_period=any(c.received_on >= start for c in cases),
        viewable_ids=tuple(c.pk for c in cases if policies.sees_complaint(viewer, c)),
    )


def _nature(complaint: Complaint) -> str:
    """The nature as the committee reads it; for a complaint not accepted under the Code only its
    brief kind, since its details could misrepresent it (004 paragraph 4.6)."""
    if complaint.decision == Complaint.Decision.NOT_ACCEPTED:
        return Complaint.NatureKind(complaint.nature_kind).label
    return complaint.nature


def _decision_text(complaint: Complaint) -> str:
    label = Complaint.Decision(complaint.decision).label
    if complaint.decision == Complaint.Decision.NOT_ACCEPTED and complaint.decision_reason.strip():
        return f"{label} – {complaint.decision_reason.strip()}"
    return label


def _view_given(complaint: Complaint, end: datetime.date) -> bool:
    """The Independent Person was consulted and gave their view by the period's end (D4)."""
    return any(
        c.state == Consultation.State.GIVEN and c.given_at is not None and timezone.localdate(c.given_at) <= end
        for c in complaint.consultations.all()
    )


# --- Concerns under the protocol (D1-D3, D6) ----------------------------------------------------------


def _concerns(viewer: Standing, start, end, as_of):
    """Concerns raised in the period by kind and by stage, and the open ones overdue. One query."""
    due = Q(state__in=Concern.OPEN_STATES, outcome_due_on__lt=as_of) | Q(
        state=Concern.State.RECEIVED, acknowledge_due_on__lt=as_of
    )
    concerns = list(
        Concern.objects.filter(Q(raised_at__date__gte=start, raised_at__date__lte=end) | due).only(
            "pk",
            "kind",
            "rule",
            "state",
            "raised_at",
            "raised_by_id",
            "handler_id",
            "concerned_person_id",
            "concerned_person_told_at",
            "acknowledge_due_on",
            "outcome_due_on",
        )
    )
    raised = [c for c in concerns if start <= timezone.localdate(c.raised_at) <= end]

    def figure(key, label, matching):
        return Figure(key, label, len(matching), tuple(c.pk for c in matching if policies.sees_concern(viewer, c)))

    by_kind = [figure(kind.value, kind.label, [c for c in raised if c.kind == kind]) for kind in Concern.Kind]
    by_stage = [figure(state.value, state.label, [c for c in raised if c.state == state]) for state in Concern.State]
    to_acknowledge = [c for c in concerns if c.state == Concern.State.RECEIVED and c.acknowledge_due_on < as_of]
    to_conclude = [c for c in concerns if c.state in Concern.OPEN_STATES and c.outcome_due_on < as_of]
    overdue = [
        figure("concerns-to-acknowledge", "Concerns not acknowledged by the day due", to_acknowledge),
        figure("concerns-to-conclude", "Concerns without an outcome by the day due", to_conclude),
    ]
    return len(raised), by_kind, by_stage, overdue


# --- Relationship declarations (B1-B7) ---------------------------------------------------------------


def _declarations(start, end, as_of) -> list[DeclarationRow]:
    """Declarations made and reviewed in the period, and re-confirmations awaited and overdue on
    ``as_of``, by the declarant's kind of post: counts, never a description or a name. Two queries."""
    made_or_reviewed = list(
        Declaration.objects.filter(
            Q(declared_at__date__gte=start, declared_at__date__lte=end)
            | Q(reviewed_at__date__gte=start, reviewed_at__date__lte=end)
        ).values_list("declarant__kind", "declared_at", "reviewed_at")
    )
    window = datetime.timedelta(days=settings.DECLARATIONS_REMIND_BEFORE_DAYS)
    due = [
        (person.kind, confirmation_due_on(person))
        for person in people_in_confirmation_scope(as_of).only("pk", "kind", "date_joined")
    ]

    def within(moment) -> bool:
        return moment is not None and start <= timezone.localdate(moment) <= end

    return [
        DeclarationRow(
            kind_of_post=label,
            made=sum(k == kind and within(declared) for k, declared, _ in made_or_reviewed),
            reviewed=sum(k == kind and within(reviewed) for k, _, reviewed in made_or_reviewed),
            awaiting_reconfirmation=sum(k == kind and due_on - window <= as_of for k, due_on in due),
            reconfirmation_overdue=sum(k == kind and due_on < as_of for k, due_on in due),
        )
        for kind, label in KINDS_OF_POST
    ]
