"""Changes to people, groups, directorates, posts and recorded absences, in modules by what they change:
people (persons), organizations and their posts, memberships and post holdings, and the Chief
Executive's absences (A2). Each ``check_*`` is read-only, so the admin can validate a form with it
before the service saves. The system user, which changes the register makes itself are attributed
to, is ``register.services.system``'s.
"""

from register.services.people.absences import absence_cancel, absence_end, absence_record
from register.services.people.memberships import (
    check_membership,
    membership_end,
    membership_start,
    membership_update,
    post_appoint,
)
from register.services.people.organizations import (
    check_organization,
    check_post,
    organization_create,
    organization_update,
    post_create,
    post_update,
)
from register.services.people.persons import (
    check_person,
    person_create,
    person_set_password,
    person_update,
)

__all__ = [
    "absence_cancel",
    "absence_end",
    "absence_record",
    "check_membership",
    "check_organization",
    "check_person",
    "check_post",
    "membership_end",
    "membership_start",
    "membership_update",
    "organization_create",
    "organization_update",
    "person_create",
    "person_set_password",
    "person_update",
    "post_appoint",
    "post_create",
    "post_update",
]
