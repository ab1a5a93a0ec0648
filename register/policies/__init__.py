"""Who may do what: pure functions of (standing, record) -> bool, one module per area.

No database access and no imports from selectors or services (an import-linter contract checks it):
a selector computes the actor's ``Standing`` once, and services, pages and the API hand it here.
Each function names the rules it implements; ``register.workflow`` says which function guards
which move.
"""

from register.policies.accounts import (
    TWO_FACTOR_POSTS,
    acts_on_own_sign_in,
    manages_sign_in,
    needs_two_factor,
    sees_usernames,
)
from register.policies.attendance import (
    ATTENDANCE_OVERSEERS,
    DECIDING_POSTS,
    acts_for_requesting_group,
    answers_invitation,
    asks_for_briefings,
    closes_attendance_record,
    decides_attendance,
    holds_deciding_post,
    is_attending_officer,
    is_briefing_officer,
    is_named_officer,
    leads_a_group,
    marks_any_information_likely_cited,
    marks_information_likely_cited,
    oversees_attendance,
    refers_requests,
    sees_attendance_request,
    takes_up_equivalent,
)
from register.policies.audit import reads_all_history, reads_history_of_any_record
from register.policies.declarations import (
    CONFIRMATION_OVERSIGHT_ROLES,
    DECLARATION_OVERSIGHT_ROLES,
    DECLARATION_REVIEWING_ROLES,
    DECLARING_KINDS,
    declares,
    has_declarations_to_review,
    is_declarant,
    is_named_in_declaration,
    knows_of_declaration,
    oversees_declarations,
    reroutes_declaration,
    reviews_declaration,
    sees_declaration,
    watches_confirmations,
)
from register.policies.notices import is_recipient, is_system, manages_notices
from register.policies.people import keeps_people_records, reads_people_records, records_absence
from register.policies.standing import Standing, nobody

__all__ = [
    "TWO_FACTOR_POSTS",
    "acts_on_own_sign_in",
    "manages_sign_in",
    "needs_two_factor",
    "sees_usernames",
    "ATTENDANCE_OVERSEERS",
    "CONFIRMATION_OVERSIGHT_ROLES",
    "DECIDING_POSTS",
    "DECLARATION_OVERSIGHT_ROLES",
    "DECLARATION_REVIEWING_ROLES",
    "DECLARING_KINDS",
    "Standing",
    "acts_for_requesting_group",
    "answers_invitation",
    "asks_for_briefings",
    "closes_attendance_record",
    "decides_attendance",
    "declares",
    "has_declarations_to_review",
    "holds_deciding_post",
    "is_attending_officer",
    "is_briefing_officer",
    "is_declarant",
    "is_named_in_declaration",
    "is_named_officer",
    "is_recipient",
    "is_system",
    "keeps_people_records",
    "knows_of_declaration",
    "leads_a_group",
    "manages_notices",
    "marks_any_information_likely_cited",
    "marks_information_likely_cited",
    "nobody",
    "oversees_attendance",
    "oversees_declarations",
    "reads_all_history",
    "reads_people_records",
    "reads_history_of_any_record",
    "records_absence",
    "refers_requests",
    "reroutes_declaration",
    "reviews_declaration",
    "sees_attendance_request",
    "sees_declaration",
    "takes_up_equivalent",
    "watches_confirmations",
]
