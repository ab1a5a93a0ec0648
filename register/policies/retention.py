"""Who manages the retention schedule and its disposal runs (issue 21). Pure functions of (standing, record).

The Monitoring Officer sets the periods, places and releases legal holds, and approves or rejects a
disposal run: nothing is erased without that approval. The Monitoring Officer's deputy, the Data
Protection Officer and auditors read the schedule, the holds and the runs, but change none of them (as
with the complainant's contact details, the Monitoring Officer's own post decides: D4).
"""

from register.models.people import Post
from register.policies.standing import Standing

Role = Post.Role

RETENTION_READERS = (
    Role.MONITORING_OFFICER,
    Role.DEPUTY_MONITORING_OFFICER,
    Role.DATA_PROTECTION_OFFICER,
    Role.AUDITOR,
)


def manages_retention(standing: Standing, record=None) -> bool:
    """The Monitoring Officer sets periods, holds records and approves disposal (issue 21)."""
    return standing.is_active and standing.holds(Role.MONITORING_OFFICER)


def reads_retention(standing: Standing, record=None) -> bool:
    """The Monitoring Officer, deputy, Data Protection Officer and auditors read the schedule and the runs."""
    return standing.is_active and standing.holds(*RETENTION_READERS)
