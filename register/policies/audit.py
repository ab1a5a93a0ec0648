"""Who reads the audit history (C2). Pure functions of (standing, record) -> bool.

DOMAIN.md, "Who sees what": the history of anything is read by auditors, and by anyone who may see
the record itself, for that record (``register/selectors/audit.py`` decides per kind of record)."""

from register.models.people import Post
from register.policies.standing import Standing

Role = Post.Role


def reads_all_history(standing: Standing, record=None) -> bool:
    """Auditors read the whole timeline across the register, read-only (C2)."""
    return standing.is_auditor


def reads_history_of_any_record(standing: Standing, record=None, *, notices: bool = False) -> bool:
    """Records with no reader of their own (people, posts, meetings, invitations ...): auditors, and
    the Monitoring Officer too -- except notices, which are their recipients' own, and may quote
    declarations the Monitoring Officer must not read."""
    return standing.is_auditor or (not notices and standing.holds(Role.MONITORING_OFFICER))


def reads_access_log(standing: Standing, record=None) -> bool:
    """Who opened which sensitive record (issue 20, C2): the Monitoring Officer and auditors read the
    access log; to everyone else it does not exist."""
    return standing.is_auditor or standing.holds(Role.MONITORING_OFFICER)
