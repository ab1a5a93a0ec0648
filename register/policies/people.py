"""Who keeps the council's records of people, groups, posts and absences, and who reads them."""

from register.models.people import Post
from register.policies.attendance import changes_records
from register.policies.standing import Standing

Role = Post.Role

# Who reads the records of people, groups and posts beside those who keep them.
PEOPLE_READERS = frozenset({Role.MONITORING_OFFICER, Role.DEPUTY_MONITORING_OFFICER, Role.AUDITOR})


def keeps_people_records(standing: Standing, record=None) -> bool:
    """Democratic Services keep the records of people, groups, posts, leavers and elections, on which
    access to a group's requests follows (A1); so do the register itself (its commands) and a
    superuser in the admin, the emergency tool."""
    if standing.is_system or standing.is_superuser:
        return True
    return changes_records(standing) and standing.holds(Role.DEMOCRATIC_SERVICES)


def reads_people_records(standing: Standing, record=None) -> bool:
    """Those who keep the records, the Monitoring Officer and deputy, and auditors, who read everything (C2)."""
    return keeps_people_records(standing) or (standing.is_active and standing.holds(*PEOPLE_READERS))


def records_absence(standing: Standing, absence=None) -> bool:
    """A statutory officer records their own absence, and their deputy may record it for them (A2: the
    Chief Executive's, while the Deputy decides); Democratic Services record anyone's. Asked of no
    absence (a page deciding whether to offer its form), of the Chief Executive's."""
    if not changes_records(standing):
        return False
    if standing.holds(Role.DEMOCRATIC_SERVICES):
        return True
    role = absence.post.role if absence is not None and absence.post_id else Role.CHIEF_EXECUTIVE
    return standing.holds(role, Post.ABSENCE_DEPUTIES[role])
