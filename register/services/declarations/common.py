"""What the declaration services share: the context of every notice, the routing rule, telling the reviewer."""

from django.conf import settings

from register.models import Declaration, Person
from register.services.notifications import notify


def common_context(**values) -> dict:
    return {"council_name": settings.COUNCIL_NAME, **values}


def rule_for(declaration_or_person) -> str:
    """B3 governs members' declarations, B4 officers'."""
    person = getattr(declaration_or_person, "declarant", declaration_or_person)
    return "B3" if person.is_member else "B4"


def tell_reviewer(declaration: Declaration, *, actor: Person, cause: str) -> None:
    notify(
        cause=cause,
        kind="declaration-to-review",
        recipients=[declaration.reviewer],
        about=declaration,
        actor=actor,
        context=common_context(
            declarant=declaration.declarant,
            other_person=declaration.other_person,
            kind_text=declaration.kind_text,
            capacity=declaration.reviewer_capacity,
            rule=rule_for(declaration),
        ),
    )
