"""Who reads the register's records of processing (UK GDPR Article 30, issue 21). Pure functions of
(standing, record) -> bool, as every policy."""

from register.models.people import Post
from register.policies.standing import Standing

Role = Post.Role


def reads_records_of_processing(standing: Standing, record=None) -> bool:
    """The Monitoring Officer, the Data Protection Officer and auditors read the records of processing
    (Article 30(4): the controller makes them available to the supervisory authority on request, through
    them); to everyone else the page does not exist."""
    return standing.is_auditor or standing.holds(Role.MONITORING_OFFICER, Role.DATA_PROTECTION_OFFICER)
