"""Conflict check between briefings and declared relationships (B7).

Submission and decision of an attendance request call ``warnings_for``; the notices to the
decision-maker and to each officer show what it returns: one warning for each officer named in
the request who has an active declared relationship with a member of the requesting group. A
warning names the kind of relationship and the action agreed, never the description. On approval
the member is reminded to declare the interest at the meeting (``relationships_for``).
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.utils import timezone

from register import selectors
from register.models import AttendanceRequest, Membership, Person
from register.selectors.declarations import ActiveRelationship, active_relationships


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
    return _as_warnings(relationships_for(attendance_request))


def relationships_for(attendance_request: AttendanceRequest) -> list[ActiveRelationship]:
    """Active declared relationships, on the day of the meeting, between the officers the request
    names and the members of the requesting group."""
    on = meeting_day(attendance_request)
    officers = [invitation.officer for invitation in attendance_request.invitations.select_related("officer")]
    return active_relationships(officers, group_members(attendance_request.group_id, on), on)


def warnings_for_requests(requests: list[AttendanceRequest]) -> dict[int, list[ConflictWarning]]:
    """The warnings of many requests at once, in a fixed number of queries (for lists such as the
    decision queue): relationships active today between each request's officers and its group's
    members. ``requests`` must have their invitations' officers prefetched."""
    today = selectors.today()
    officers = {invitation.officer for request in requests for invitation in request.invitations.all()}
    members_by_group = defaultdict(set)
    for membership in (
        Membership.objects.on(today)
        .filter(organization_id__in={request.group_id for request in requests}, post__isnull=True)
        .select_related("person")
    ):
        members_by_group[membership.organization_id].add(membership.person)
    members = set().union(*members_by_group.values()) if members_by_group else set()
    found = active_relationships(officers, members, today)
    warnings = {}
    for request in requests:
        named = {invitation.officer_id for invitation in request.invitations.all()}
        in_group = {person.pk for person in members_by_group[request.group_id]}
        warnings[request.pk] = _as_warnings([r for r in found if r.officer.pk in named and r.member.pk in in_group])
    return warnings


def meeting_day(attendance_request: AttendanceRequest) -> datetime.date:
    return timezone.localtime(attendance_request.meeting.starts_at).date()


def group_members(group_id: int, on: datetime.date) -> list[Person]:
    memberships = Membership.objects.on(on).filter(organization_id=group_id, post__isnull=True).select_related("person")
    return [membership.person for membership in memberships]


def _as_warnings(relationships: list[ActiveRelationship]) -> list[ConflictWarning]:
    """One warning per officer, member and kind: both sides' declarations of one relationship
    make one warning."""
    warnings, seen = [], set()
    for relationship in relationships:
        key = (relationship.officer.pk, relationship.member.pk, relationship.kind)
        if key in seen:
            continue
        seen.add(key)
        warnings.append(
            ConflictWarning(
                relationship_kind=relationship.kind_text,
                action_agreed=relationship.action_text,
                member=relationship.member,
                officer=relationship.officer,
            )
        )
    return warnings
