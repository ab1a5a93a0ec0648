"""Who answers a subject access request (issue 21, UK GDPR Article 15). Pure functions of
(standing, record) -> bool.

The Monitoring Officer (who already reads every declaration, concern and complaint, and the access log)
and the Data Protection Officer produce everything the register holds about one person. The Deputy
Monitoring Officer does not: the other Monitoring Officer policies that read across the register
(``reads_access_log``, ``reads_history_of_any_record``) name the Monitoring Officer alone, and the
standing records no acting Monitoring Officer capacity to hand it to the deputy during an absence.
"""

from register.models.people import Post
from register.policies.standing import Standing

Role = Post.Role

SUBJECT_ACCESS_ROLES = frozenset({Role.MONITORING_OFFICER, Role.DATA_PROTECTION_OFFICER})


def answers_subject_access(standing: Standing, record=None) -> bool:
    """The Monitoring Officer and the Data Protection Officer produce a person's subject access export."""
    return standing.is_active and standing.holds(*SUBJECT_ACCESS_ROLES)


def subject_access_capacity(standing: Standing) -> str:
    """The post in which they produce it, for the record of the export."""
    if standing.holds(Role.DATA_PROTECTION_OFFICER) and not standing.holds(Role.MONITORING_OFFICER):
        return Role.DATA_PROTECTION_OFFICER.label
    return Role.MONITORING_OFFICER.label
