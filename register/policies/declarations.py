"""Who may do what with relationship declarations (B1-B7).

Pure functions of (standing, declaration) -> bool. DOMAIN.md, "Who sees what": a declaration is seen
by its declarant, its reviewer, the Monitoring Officer and auditors; the other person sees only that
a declaration names them, and its kind. The other person gets that narrow view whatever post they
hold: a Monitoring Officer or auditor named in a declaration does not read the reviewer's notes
about themselves (that is why a member's declaration naming the Monitoring Officer goes to the deputy).
"""

from register.models.people import Person, Post
from register.policies.standing import Standing

Role = Post.Role

DECLARATION_OVERSIGHT_ROLES = frozenset({Role.MONITORING_OFFICER, Role.AUDITOR})

# Posts whose holders review declarations (B3, B4, and the routing's edge cases: the Deputy
# Monitoring Officer for declarations naming the Monitoring Officer, the Chief Executive for
# Directors' declarations and officers outside directorates).
DECLARATION_REVIEWING_ROLES = frozenset(
    {
        Role.MONITORING_OFFICER,
        Role.DEPUTY_MONITORING_OFFICER,
        Role.CHIEF_EXECUTIVE,
        Role.DIRECTOR,
        Role.ASSISTANT_DIRECTOR,
    }
)

# Who watches others' re-confirmations (selectors.declarations.confirmations_outstanding): the
# Monitoring Officer members', each Director their officers', the Chief Executive the Directors'
# and auditors everyone's.
CONFIRMATION_OVERSIGHT_ROLES = frozenset({Role.MONITORING_OFFICER, Role.DIRECTOR, Role.CHIEF_EXECUTIVE, Role.AUDITOR})


def oversees_declarations(standing: Standing, record=None) -> bool:
    """The Monitoring Officer and auditors read every declaration that does not name them (B3, C2)."""
    return standing.holds(*DECLARATION_OVERSIGHT_ROLES)


def is_named_in_declaration(standing: Standing, declaration) -> bool:
    """The other person: they learn that a declaration names them, and its kind (B1)."""
    return standing.is_person(declaration.other_person_id)


def is_declarant(standing: Standing, declaration) -> bool:
    """The declarant acknowledges advice, ends and withdraws their own declaration (B1, B6)."""
    return standing.is_person(declaration.declarant_id)


def reviews_declaration(standing: Standing, declaration) -> bool:
    """Only the reviewer it was routed to gives advice and agrees action (B3, B4)."""
    return standing.is_person(declaration.reviewer_id)


def sees_declaration(standing: Standing, declaration) -> bool:
    """Whether the viewer sees the declaration in full (description, advice, action agreed)."""
    if is_named_in_declaration(standing, declaration):
        return False
    return (
        is_declarant(standing, declaration)
        or reviews_declaration(standing, declaration)
        or oversees_declarations(standing)
    )


def knows_of_declaration(standing: Standing, declaration) -> bool:
    """Whether the viewer may know the declaration exists: in full, or as the person it names (B1)."""
    return sees_declaration(standing, declaration) or is_named_in_declaration(standing, declaration)


def reroutes_declaration(standing: Standing, declaration) -> bool:
    """When posts change, the declarant or the Monitoring Officer sends it to today's reviewer (B3, B4)."""
    if is_named_in_declaration(standing, declaration):
        return False
    return is_declarant(standing, declaration) or standing.holds(Role.MONITORING_OFFICER)


# Councillors and officers declare relationships and re-confirm them (B1, B6).
DECLARING_KINDS = frozenset({Person.Kind.MEMBER, Person.Kind.OFFICER})


def declares(standing: Standing, record=None) -> bool:
    """Councillors and officers declare relationships and re-confirm them (B1, B6)."""
    return standing.is_active and standing.kind in DECLARING_KINDS


def has_declarations_to_review(standing: Standing, record=None) -> bool:
    """The holders of a reviewing post, and anyone a declaration is still routed to after they left
    that post (until it is sent on) (B3, B4)."""
    return standing.holds(*DECLARATION_REVIEWING_ROLES) or standing.declarations_routed_to_them


def watches_confirmations(standing: Standing, record=None) -> bool:
    """Who sees who has not re-confirmed their declarations (B6)."""
    return standing.holds(*CONFIRMATION_OVERSIGHT_ROLES)
