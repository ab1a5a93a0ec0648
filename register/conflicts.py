"""Conflict check between briefings and declared relationships (B7): the seam.

Submission and decision of an attendance request call ``warnings_for``; the notices to the
decision-maker and to each officer show whatever it returns. The relationship declarations
(B1-B7) fill it in: a warning for each officer named in the request who has an active declared
relationship with a member of the requesting group. Until then it finds nothing.
"""
from dataclasses import dataclass

from register.models import AttendanceRequest, Person


@dataclass(frozen=True)
class ConflictWarning:
    """An officer named in a request has a declared relationship with a member of the group."""

    relationship_kind: str
    action_agreed: str
    member: Person
    officer: Person

    def __str__(self):
        agreed = f" Action agreed: {self.action_agreed}." if self.action_agreed else ""
        return (
            f"{self.officer} has declared a relationship ({self.relationship_kind}) with {self.member}, "
            f"a member of the requesting group.{agreed} {self.member} should declare the interest at the meeting."
        )


def warnings_for(attendance_request: AttendanceRequest) -> list[ConflictWarning]:
    """Warnings for the decision-maker and the officers about ``attendance_request`` (B7)."""
    return []
