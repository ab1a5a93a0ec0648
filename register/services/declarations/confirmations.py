"""Periodic re-confirmation of declarations (B6): confirming, "nothing to declare", and the reminders."""

import datetime

from django.conf import settings
from django.db import transaction

from register import policies, selectors
from register.errors import NotPermitted, RuleViolation
from register.models import Declaration, DeclarationConfirmation, Person
from register.models.declarations import WHAT_COUNTS, WHAT_DOES_NOT_COUNT
from register.selectors import declarations as declaration_selectors
from register.services.declarations.common import common_context
from register.services.history import save_with_history
from register.services.notifications import notify


def declarations_reconfirm(*, actor: Person, reason: str) -> DeclarationConfirmation:
    """``actor`` confirms that their open declarations are current and complete."""
    return _confirm(actor=actor, reason=reason, nothing_to_declare=False)


def declarations_nothing_to_declare(*, actor: Person, reason: str) -> DeclarationConfirmation:
    """``actor`` returns "nothing to declare", which counts as their confirmation."""
    return _confirm(actor=actor, reason=reason, nothing_to_declare=True)


def _confirm(*, actor: Person, reason: str, nothing_to_declare: bool) -> DeclarationConfirmation:
    standing = selectors.standing_of(actor)
    if not policies.declares(standing):
        raise NotPermitted("Only councillors and officers confirm declarations.", field="person", rule="B6")
    with transaction.atomic():
        Person.objects.select_for_update(no_key=True).get(pk=actor.pk)
        open_count = Declaration.objects.filter(declarant=actor, state__in=Declaration.OPEN_STATES).count()
        if nothing_to_declare and open_count:
            raise RuleViolation(
                f"You have {open_count} open declaration{'s' if open_count > 1 else ''}: confirm "
                f"{'them' if open_count > 1 else 'it'}, or end any relationship that has ended, instead of "
                "returning 'nothing to declare'.",
                field="nothing_to_declare",
                rule="B6",
            )
        if not nothing_to_declare and not open_count:
            raise RuleViolation(
                "You have no open declarations: return 'nothing to declare' instead.",
                field="nothing_to_declare",
                rule="B6",
            )
        confirmation = DeclarationConfirmation(
            person=actor,
            confirmed_on=standing.on,
            nothing_to_declare=nothing_to_declare,
            open_declarations=open_count,
        )
        save_with_history(confirmation, actor=actor, reason=reason)
    return confirmation


def confirmation_reminders_send(*, on: datetime.date | None = None) -> int:
    """Remind everyone whose confirmation falls due soon, once per due date, and everyone past it,
    once per interval (settings.DECLARATIONS_REMIND_*). Returns how many were reminded.

    Sent by the register itself (the system user), each in its own transaction, and idempotent:
    a repeated or late run sends nothing twice.
    """
    on = on or selectors.today()
    before = datetime.timedelta(days=settings.DECLARATIONS_REMIND_BEFORE_DAYS)
    every = max(1, settings.DECLARATIONS_REMIND_OVERDUE_EVERY_DAYS)
    reminded = 0
    for person in declaration_selectors.people_in_confirmation_scope(on).order_by("pk"):
        due_on = declaration_selectors.confirmation_due_on(person)
        if due_on < on:
            kind, cause = "declarations-confirmation-overdue", f"overdue-{(on - due_on).days // every}"
        elif due_on - before <= on:
            kind, cause = "declarations-confirmation-due", "due"
        else:
            continue
        with transaction.atomic():
            written = notify(
                cause=f"declarations-confirmation:{person.pk}:{due_on.isoformat()}:{cause}",
                kind=kind,
                recipients=[person],
                about=person,
                actor=None,
                context=common_context(
                    due_on=due_on,
                    last_confirmed_on=person.last_confirmed_on,
                    what_counts=WHAT_COUNTS,
                    what_does_not_count=WHAT_DOES_NOT_COUNT,
                ),
            )
        reminded += bool(written)
    return reminded
