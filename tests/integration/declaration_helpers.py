"""Shorthands for the declaration tests: each goes through the services, as real use does."""

import datetime

from register.models import Declaration
from register.services import declarations

BEGAN = datetime.date(2024, 6, 1)
DESCRIPTION = "We have played in the same five-a-side team every Thursday since 2019."


def declare(declarant, other_person, kind=Declaration.Kind.FRIENDSHIP, **extra) -> Declaration:
    extra.setdefault("began_on", BEGAN)
    extra.setdefault("description", DESCRIPTION)
    return declarations.declaration_submit(
        actor=declarant, reason="Declared in the register", other_person=other_person, kind=kind, **extra
    )


def review(declaration, reviewer=None, action=Declaration.Action.DECLARE_AT_MEETINGS, **extra) -> Declaration:
    extra.setdefault("advice", "Declare the interest at any meeting the officer attends.")
    return declarations.declaration_review(
        actor=reviewer or declaration.reviewer,
        reason="Reviewed",
        declaration=declaration,
        action_agreed=action,
        **extra,
    )


def snapshot(*models):
    """Row and history counts of ``models``: equal before and after a refusal means nothing was saved."""
    return {model.__name__: (model.objects.count(), model.history.count()) for model in models}
