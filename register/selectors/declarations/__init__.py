"""Reads of relationship declarations (B1-B7), scoped to the viewer, in modules by what they do: where a
declaration goes (routing), who reads what (reads), periodic re-confirmation (confirmations), and the
relationships the conflict check looks for (relationships). This package names them all.
"""

from register.selectors.declarations.confirmations import (
    ConfirmationStatus,
    confirmation_due_on,
    confirmation_period,
    confirmation_status,
    confirmations_outstanding,
    first_confirmation_allowance,
    people_in_confirmation_scope,
)
from register.selectors.declarations.reads import (
    DeclarationTasks,
    NamedDeclaration,
    declaration_for,
    declaration_record,
    declaration_tasks,
    declarations_made_by,
    declarations_naming,
    declarations_to_review,
    declarations_visible_to,
)
from register.selectors.declarations.relationships import (
    ActiveRelationship,
    DeclaredDuring,
    active_relationships,
    relationships_declared_during,
)
from register.selectors.declarations.routing import Route, declaration_routes, route_for

__all__ = [
    "ActiveRelationship",
    "ConfirmationStatus",
    "DeclarationTasks",
    "DeclaredDuring",
    "NamedDeclaration",
    "Route",
    "active_relationships",
    "confirmation_due_on",
    "confirmation_period",
    "confirmation_status",
    "confirmations_outstanding",
    "declaration_for",
    "declaration_record",
    "declaration_routes",
    "declaration_tasks",
    "declarations_made_by",
    "declarations_naming",
    "declarations_to_review",
    "declarations_visible_to",
    "first_confirmation_allowance",
    "people_in_confirmation_scope",
    "relationships_declared_during",
    "route_for",
]
