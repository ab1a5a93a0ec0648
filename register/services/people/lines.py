"""One person as a file describes them (a line of the import CSV, an entry of Popolo JSON, an
election's results): what imports and elections compare with the register before saving anything.
Parsing fills these; planning compares them with the register; applying saves through the services."""

import datetime
from dataclasses import dataclass

# What a file says of a councillor's place in their group.
GROUP_LEADER = "leader"
DEPUTY_GROUP_LEADER = "deputy leader"
GROUP_ROLES = ("", GROUP_LEADER, DEPUTY_GROUP_LEADER)


@dataclass(frozen=True)
class PersonLine:
    """A person as one line of a file says they are. ``line`` is the line's number in the file (the
    header is line 1), so that every problem can be reported where the reader will find it."""

    line: int
    given_name: str
    family_name: str
    email: str
    kind: str  # Person.Kind: "member", "officer" or "independent"
    member_type: str = ""  # Person.MemberType for members: "elected" or "co-opted"
    group: str = ""  # a member's political group, by name
    group_role: str = ""  # one of GROUP_ROLES
    directorate: str = ""  # an officer's directorate, by name
    post: str = ""  # an officer's post's label in their directorate
    politically_restricted: bool = False  # the officer's post (Local Government and Housing Act 1989)
    reports_to: str = ""  # an officer's line manager, by e-mail address
    start_date: datetime.date | None = None  # from when the group or post is held; the import's day if empty

    @property
    def name(self) -> str:
        return f"{self.given_name} {self.family_name}".strip()
