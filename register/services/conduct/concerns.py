"""Concerns under the protocol (D1-D3, D6): raising one, its handling to an outcome, withdrawal, and
the hourly reminders and escalation (as A12 does for decisions).

Each function is one move of ``workflow.CONCERN``: keyword-only, with an explicit actor and reason,
in one transaction, the concern locked, saved with history, and its notices written in the same
transaction. The handler always knows who raised a concern; the person it concerns learns of it only
when the handler tells them, and never who raised it if the raiser asked for that.
"""

import datetime

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from register import selectors, working_days
from register import workflow as flows
from register.errors import Conflict, InvalidTransition, NotFound, RuleViolation
from register.models import AttendanceRecord, AttendanceRequest, Concern, Declaration, Person, Post
from register.models.conduct import LONGEST_ACCOUNT
from register.notice_links import NoticeLink
from register.policies import Standing
from register.selectors import concerns as reads
from register.selectors import declarations as declaration_reads
from register.services.history import save_with_history
from register.services.notifications import notify
from register.services.system import system_user

CONCERN = flows.CONCERN
Role = Post.Role
Kind = Concern.Kind

SAME_SIDE = {
    Person.Kind.MEMBER: (
        "A councillor's concern under the protocol on member/officer relations is about an officer. A concern "
        "about another councillor is a Code of Conduct complaint: take it to the Monitoring Officer."
    ),
    Person.Kind.OFFICER: (
        "An officer's concern under the protocol on member/officer relations is about a councillor. A concern "
        "about another officer is for your line manager under the council's employment policies, or the "
        "whistleblowing policy."
    ),
}


def _context(concern: Concern, **values) -> dict:
    return {
        "council_name": settings.COUNCIL_NAME,
        "concern": concern,
        "kind_text": concern.get_kind_display(),
        **values,
    }


def _check_account(text: str, field: str, *, what: str, required: bool = True) -> str:
    text = (text or "").strip()
    if required and not text:
        raise RuleViolation(f"Say {what}.", field=field)
    if len(text) > LONGEST_ACCOUNT:
        raise RuleViolation(
            f"Say {what} in {LONGEST_ACCOUNT:,} characters or fewer (this is {len(text):,}).", field=field
        )
    return text


def _check_short(text: str, field: str, *, what: str, limit: int = 300) -> str:
    text = (text or "").strip()
    if not text:
        raise RuleViolation(f"Say {what}.", field=field)
    if len(text) > limit:
        raise RuleViolation(f"Say {what} in {limit:,} characters or fewer.", field=field)
    return text


def _check_reason(reason: str, doing: str) -> str:
    return _check_account(reason, "reason", what=f"why you are {doing}")


def _check_people(raiser: Person, concerned: Person | None, kind: str | None, on: datetime.date, information: bool):
    if concerned is not None and concerned.pk == raiser.pk:
        raise RuleViolation(
            "A concern is about someone else: you cannot raise one about yourself.", field="concerned_person"
        )
    if information:
        if not raiser.is_member:
            raise RuleViolation(
                "Difficulty obtaining information is a councillor's concern (D3); an officer's concern is about "
                "a councillor.",
                rule="D3",
                field="concerned_person",
            )
        if concerned is not None and not concerned.is_officer:
            raise RuleViolation(
                "Name the officer from whom you had difficulty obtaining information, or nobody.",
                rule="D3",
                field="concerned_person",
            )
    elif concerned is None:
        raise RuleViolation("Say who the concern is about.", field="concerned_person")
    elif kind is None:
        if concerned.kind == raiser.kind:
            raise RuleViolation(SAME_SIDE[raiser.kind], field="concerned_person")
        raise RuleViolation(
            "A concern under the protocol is about a councillor or an officer.", field="concerned_person"
        )
    if concerned is not None and not concerned.is_current_on(on):
        raise RuleViolation(
            f"{concerned} is no longer {'a councillor' if concerned.is_member else 'a council officer'}. "
            "Take a concern about the past to the Monitoring Officer.",
            field="concerned_person",
        )


def _check_day(happened_on: datetime.date | None, today: datetime.date) -> datetime.date:
    if not isinstance(happened_on, datetime.date):
        raise RuleViolation("Give the date it happened; an approximate date will do.", field="happened_on")
    if happened_on > today:
        raise RuleViolation(f"What happened cannot be in the future ({happened_on:%d %B %Y}).", field="happened_on")
    return happened_on


def _seen_briefing(standing: Standing, briefing: AttendanceRequest | int | None) -> AttendanceRequest | None:
    if briefing is None:
        return None
    pk = briefing.pk if isinstance(briefing, AttendanceRequest) else briefing
    try:
        return selectors.attendance_request_for(viewer=standing, pk=int(pk))
    except (NotFound, TypeError, ValueError):
        raise RuleViolation("There is no such briefing that you can see.", field="briefing") from None


def _seen_declaration(standing: Standing, actor: Person, declaration: Declaration | int | None) -> Declaration | None:
    if declaration is None:
        return None
    pk = declaration.pk if isinstance(declaration, Declaration) else declaration
    try:
        seen = declaration_reads.declaration_for(actor, int(pk), standing=standing)
    except (NotFound, TypeError, ValueError):
        seen = None
    if not isinstance(seen, Declaration):
        raise RuleViolation("There is no such declaration that you can see.", field="declaration")
    return seen


def _due_dates(today: datetime.date) -> dict:
    return {
        "acknowledge_due_on": working_days.add_working_days(today, settings.CONCERN_ACKNOWLEDGE_WORKING_DAYS),
        "outcome_due_on": working_days.add_working_days(today, settings.CONCERN_OUTCOME_WORKING_DAYS),
    }


def concern_raise(
    *,
    actor: Person,
    reason: str,
    what_happened: str,
    happened_on: datetime.date,
    concerned_person: Person | None = None,
    information: bool = False,
    briefing: AttendanceRequest | int | None = None,
    declaration: Declaration | int | None = None,
    raiser_withheld: bool = False,
    handler: Person | None = None,
) -> Concern:
    """``actor`` raises a concern (D1, D2, D3). Its kind follows from who raises it and whom it is
    about; it goes where the council's protocol routes it on the day (or to the raiser's choice among
    the routes offered), with its due dates in working days; the handler is told."""
    standing = selectors.standing_of(actor)
    flows.require(CONCERN, flows.RAISE_CONCERN, None, standing)
    today = standing.on
    kind = reads.concern_kind(actor, concerned_person, information=information)
    _check_people(actor, concerned_person, kind, today, information)
    what_happened = _check_account(what_happened, "what_happened", what="what happened")
    happened_on = _check_day(happened_on, today)
    briefing = _seen_briefing(standing, briefing)
    declaration = _seen_declaration(standing, actor, declaration)
    route = reads.route_for(actor, concerned_person, kind, today, chosen=handler)
    with transaction.atomic():
        concern = Concern(
            kind=kind,
            rule=route.rule,
            protocol=reads.protocol(),
            raised_by=actor,
            raised_at=standing.at,
            concerned_person=concerned_person,
            what_happened=what_happened,
            happened_on=happened_on,
            briefing=briefing,
            declaration=declaration,
            raiser_withheld=bool(raiser_withheld),
            handler=route.person,
            handler_capacity=route.capacity,
            **_due_dates(today),
        )
        save_with_history(concern, actor=actor, reason=(reason or "").strip() or "Concern raised")
        _tell_handler(concern, actor=actor)
    return concern


def concern_raise_from_report(
    *, record: AttendanceRecord, request: AttendanceRequest, reporting_officer: Person
) -> Concern:
    """D6: an officer's report after a briefing (A13) is a concern of D2's kind about the group leader
    who asked for the briefing, linked to the briefing and the report, routed as D2 under the council's
    protocol. Made by the register (the system's move) inside the report's own transaction; its
    history names the reporting officer, whose action caused it (C1)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("A concern from a report is raised inside the report's own transaction.")
    standing = selectors.standing_of(system_user())
    flows.require(CONCERN, flows.RAISE_FROM_REPORT, None, standing)
    today = selectors.today()
    leader = request.requested_by
    route = reads.route_for(reporting_officer, leader, Kind.ABOUT_MEMBER, today, rule="D6")
    concern = Concern(
        kind=Kind.ABOUT_MEMBER,
        rule="D6",
        protocol=reads.protocol(),
        raised_by=reporting_officer,
        raised_at=selectors.now(),
        concerned_person=leader,
        what_happened=_report_text(record),
        happened_on=timezone.localtime(request.meeting.starts_at).date(),
        briefing=request,
        attendance_record=record,
        handler=route.person,
        handler_capacity=route.capacity,
        **_due_dates(today),
    )
    save_with_history(
        concern,
        actor=reporting_officer,
        reason="Raised by the register from an officer's report after a briefing (D6)",
    )
    _tell_handler(concern, actor=reporting_officer)
    return concern


def _report_text(record: AttendanceRecord) -> str:
    labels = dict(AttendanceRecord.Concern.choices)
    lines = [f"- {labels[c]}" for c in record.concerns]
    text = "\n".join([*lines, record.report.strip()]).strip() or "The officer could not attest after the briefing."
    if len(text) > LONGEST_ACCOUNT:
        text = text[: LONGEST_ACCOUNT - 1].rstrip() + "…"
    return text


def _tell_handler(concern: Concern, *, actor: Person) -> None:
    notify(
        cause=f"concern:{concern.pk}:received",
        kind="concern-received",
        recipients=[concern.handler],
        about=concern,
        actor=actor,
        context=_context(concern),
    )


# --- The handler's moves, and the raiser's withdrawal ----------------------------------------------


def _lock(concern: Concern, move: str, standing: Standing) -> tuple[Concern, str]:
    """The concern, locked, and the state ``move`` leads it to for the actor; a Conflict when the
    caller's copy allowed the move but someone changed the concern first."""
    found = (
        Concern.objects.select_for_update(no_key=True, of=("self",))
        .select_related("raised_by", "concerned_person", "handler")
        .filter(pk=concern.pk)
        .first()
    )
    if found is None:
        raise NotFound(CONCERN.not_found)
    try:
        target = flows.require(CONCERN, move, found, standing)
    except InvalidTransition:
        if concern.state != found.state and flows.allows(CONCERN, concern.state, move):
            raise Conflict(
                f"Someone changed this concern first: it is now {CONCERN.label(found.state)}. Nothing was changed.",
                field="state",
            ) from None
        raise
    return found, target


def _move(concern: Concern, *, actor: Person, move: str, reason: str, changes: dict | None = None) -> Concern:
    standing = selectors.standing_of(actor)
    concern, target = _lock(concern, move, standing)
    fields = []
    for name, value in (changes or {}).items():
        setattr(concern, name, value(standing) if callable(value) else value)
        fields.append(name)
    if concern.state != target:
        concern.state = target
        fields.append("state")
    save_with_history(concern, actor=actor, reason=reason, update_fields=fields)
    return concern


def _tell(concern: Concern, kind: str, recipients, *, actor: Person, **context) -> None:
    notify(
        cause=f"concern:{concern.pk}:{kind}",
        kind=kind,
        recipients=[person for person in recipients if person is not None],
        about=concern,
        actor=actor,
        context=_context(concern, **context),
    )


def concern_acknowledge(*, concern: Concern, actor: Person, reason: str = "") -> Concern:
    """The handler acknowledges the concern; the raiser is told who is handling it."""
    with transaction.atomic():
        concern = _move(
            concern,
            actor=actor,
            move=flows.ACKNOWLEDGE_CONCERN,
            reason=reason.strip() or "Concern acknowledged",
            changes={"acknowledged_at": lambda standing: standing.at},
        )
        _tell(concern, "concern-acknowledged", [concern.raised_by], actor=actor)
    return concern


def concern_look_into(*, concern: Concern, actor: Person, reason: str = "") -> Concern:
    """The handler looks into it; looking into a concern not yet acknowledged acknowledges it too."""
    with transaction.atomic():
        acknowledging = concern.acknowledged_at is None
        changes = {"acknowledged_at": lambda standing: standing.at} if acknowledging else {}
        concern = _move(
            concern,
            actor=actor,
            move=flows.LOOK_INTO,
            reason=reason.strip() or "Being looked at",
            changes=changes,
        )
        if acknowledging:
            _tell(concern, "concern-acknowledged", [concern.raised_by], actor=actor)
    return concern


def concern_tell_concerned_person(*, concern: Concern, actor: Person, reason: str) -> Concern:
    """The handler decides to tell the person concerned (D1, D2): from then on they see the concern,
    its account and outcome, but not its handling, nor who raised it if the raiser asked for that."""
    reason = _check_reason(reason, "telling them now")
    with transaction.atomic():
        concern = _move(
            concern,
            actor=actor,
            move=flows.TELL_CONCERNED_PERSON,
            reason=reason,
            changes={"concerned_person_told_at": lambda standing: standing.at},
        )
        _tell(
            concern,
            "concern-told",
            [concern.concerned_person],
            actor=actor,
            raiser_named=not concern.raiser_withheld,
        )
    return concern


def concern_raise_with_member(*, concern: Concern, actor: Person, raised_with: str, reason: str = "") -> Concern:
    """D2 (002 section 8.2): the Chief Officer raises the matter with the member and/or the group leader."""
    raised_with = _check_short(
        raised_with, "raised_with", what="whom you raised it with: the member, the group leader, or both"
    )
    with transaction.atomic():
        concern = _move(
            concern,
            actor=actor,
            move=flows.RAISE_WITH_MEMBER,
            reason=reason.strip() or f"Raised with {raised_with}",
            changes={"raised_with": raised_with},
        )
    return concern


def concern_resolve_informally(*, concern: Concern, actor: Person, reason: str) -> Concern:
    """The handler resolves it informally, saying how; it is then closed with an outcome."""
    reason = _check_reason(reason, "resolving it informally: how it was resolved")
    with transaction.atomic():
        concern = _move(concern, actor=actor, move=flows.RESOLVE_INFORMALLY, reason=reason)
    return concern


def concern_refer_on(*, concern: Concern, actor: Person, referred_to: str, reason: str = "") -> Concern:
    """The handler refers it on (to the Monitoring Officer, HR, the Standards Committee ...)."""
    referred_to = _check_short(referred_to, "referred_to", what="to whom you referred it")
    with transaction.atomic():
        concern = _move(
            concern,
            actor=actor,
            move=flows.REFER_ON,
            reason=reason.strip() or f"Referred to {referred_to}",
            changes={"referred_to": referred_to},
        )
    return concern


def concern_close(
    *, concern: Concern, actor: Person, outcome: str, outcome_detail: str = "", reason: str = ""
) -> Concern:
    """The handler closes it with an outcome; the raiser is told, and the person concerned if they were."""
    if outcome not in Concern.Outcome.values:
        raise RuleViolation("Choose the outcome.", field="outcome")
    outcome_detail = _check_account(outcome_detail, "outcome_detail", what="what was done", required=False)
    with transaction.atomic():
        concern = _move(
            concern,
            actor=actor,
            move=flows.CLOSE_CONCERN,
            reason=reason.strip() or f"Closed: {Concern.Outcome(outcome).label}",
            changes={
                "outcome": outcome,
                "outcome_detail": outcome_detail,
                "closed_at": lambda standing: standing.at,
            },
        )
        told = concern.concerned_person if concern.concerned_person_told_at else None
        _tell(concern, "concern-closed", [concern.raised_by], actor=actor, to_the_raiser=True)
        if told is not None:
            notify(
                cause=f"concern:{concern.pk}:concern-closed:concerned",
                kind="concern-closed",
                recipients=[told],
                about=concern,
                actor=actor,
                context=_context(concern, to_the_raiser=False),
            )
    return concern


def concern_withdraw(*, concern: Concern, actor: Person, reason: str = "") -> Concern:
    """The raiser withdraws it while it is still being handled; the handler is told (C3: nothing is deleted)."""
    with transaction.atomic():
        concern = _move(
            concern,
            actor=actor,
            move=flows.WITHDRAW_CONCERN,
            reason=reason.strip() or "Withdrawn by the person who raised it",
            changes={"closed_at": lambda standing: standing.at},
        )
        _tell(concern, "concern-withdrawn", [concern.handler], actor=actor)
    return concern


# --- Reminders and escalation (as A12), run by the hourly beat ------------------------------------


def concerns_send_reminders() -> dict[str, int]:
    """Remind each handler the working day before acknowledgement or an outcome is due; once either
    is overdue, tell the Monitoring Officer (or, when the handler is the Monitoring Officer, their
    deputy and the Head of Paid Service). Safe to run any number of times: each notice is sent once."""
    today = selectors.today()
    monitoring = selectors.holder_of(Role.MONITORING_OFFICER, today)
    above_monitoring = [
        selectors.holder_of(Role.DEPUTY_MONITORING_OFFICER, today),
        selectors.holder_of(Role.CHIEF_EXECUTIVE, today),
    ]
    sent: dict[str, int] = {}
    for concern in reads.open_concerns():
        for stage, due, done in (
            ("acknowledge", concern.acknowledge_due_on, concern.acknowledged_at is not None),
            ("outcome", concern.outcome_due_on, False),
        ):
            if done:
                continue
            with transaction.atomic():
                if today > due:
                    if _escalate(concern, stage, due, monitoring, above_monitoring):
                        sent[f"{stage} overdue"] = sent.get(f"{stage} overdue", 0) + 1
                elif today >= working_days.previous_working_day(due):
                    if notify(
                        cause=f"concern:{concern.pk}:{stage}-reminder",
                        kind="concern-reminder",
                        recipients=[concern.handler],
                        about=concern,
                        actor=None,
                        context=_context(concern, stage=stage, due_on=due),
                    ):
                        sent[f"{stage} reminder"] = sent.get(f"{stage} reminder", 0) + 1
    return sent


def _escalate(concern: Concern, stage: str, due: datetime.date, monitoring, above_monitoring) -> bool:
    """Tell the Monitoring Officer of an overdue concern (they see every concern); when the handler is
    the Monitoring Officer, their deputy and the Head of Paid Service, whose notice leads to their own
    concerns page, since the concern itself is not theirs to read. Never the person concerned."""
    handled_by_monitoring = monitoring is None or concern.handler_id == monitoring.pk
    recipients = above_monitoring if handled_by_monitoring else [monitoring]
    recipients = [p for p in recipients if p is not None and p.pk != concern.concerned_person_id]
    return bool(
        notify(
            cause=f"concern:{concern.pk}:{stage}-overdue",
            kind="concern-overdue",
            recipients=recipients,
            about=concern,
            actor=None,
            context=_context(concern, stage=stage, due_on=due),
            link=NoticeLink("See concerns", reverse("concerns:index")) if handled_by_monitoring else None,
        )
    )
