"""The actor's standing: who a person is on a date, computed once per request or task by
``register.selectors.standing.standing_of`` and handed to the pure policies.

Plain data on purpose: policies read it and the record, and never the database.
"""

import datetime
from dataclasses import dataclass, field

from register.models.people import Person, Post

Role = Post.Role


@dataclass(frozen=True)
class Standing:
    """Everything the policies need to know about the actor, as it is at ``at`` (on the council's
    date ``on``, which posts and absences are dated in).

    ``groups_led`` maps each political group the person leads or deputy-leads that day to the
    capacity they act in (A1). ``acting_chief_executive`` is the capacity in which they decide
    attendance that day, or empty when they do not (A2). ``declarations_routed_to_them`` is true
    when a declaration is still routed to them after they left a reviewing post (B3, B4).
    """

    person_id: int | None
    kind: str
    at: datetime.datetime
    on: datetime.date
    is_active: bool = True
    roles: frozenset[str] = frozenset()
    groups_led: dict[int, str] = field(default_factory=dict)
    group_id: int | None = None
    directorate_id: int | None = None
    acting_chief_executive: str = ""
    declarations_routed_to_them: bool = False
    manages_notices: bool = False
    is_system: bool = False
    # A superuser, in the admin: the emergency tool, which may correct the records of people (issue 17).
    is_superuser: bool = False

    @property
    def is_member(self) -> bool:
        return self.kind == Person.Kind.MEMBER

    @property
    def is_officer(self) -> bool:
        return self.kind == Person.Kind.OFFICER

    @property
    def is_auditor(self) -> bool:
        return Role.AUDITOR in self.roles

    def holds(self, *roles: str) -> bool:
        return bool(self.roles & set(roles))

    def leads(self, group_id: int | None) -> bool:
        return group_id is not None and group_id in self.groups_led

    def is_person(self, person_id: int | None) -> bool:
        return person_id is not None and person_id == self.person_id


def nobody(at: datetime.datetime, on: datetime.date) -> Standing:
    """The standing of a visitor who is not signed in: no posts, no rights."""
    return Standing(person_id=None, kind="", at=at, on=on, is_active=False)
