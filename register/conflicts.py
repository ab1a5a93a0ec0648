"""Conflict check between briefings and declared relationships (B7).

One warning for each officer named in a request who, on the day of the meeting, has an active
declared relationship with a member of the requesting group. ``warning_sentence`` is the one
wording of a warning: the decision queue and pages, the API and the notices to the decision-maker
and to each officer all show it. It says who declared the relationship (the member, the officer or
both), with whom, its kind and the action agreed, never the description. On approval the member is
reminded to declare the interest at the meeting (``relationships_for``).
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.utils import timezone

from register import policies
from register.models import AttendanceRequest, GroupMeeting, Membership, Person
from register.policies import Standing
from register.selectors.declarations import ActiveRelationship, active_relationships, relationships_declared_during


def warning_sentence(
    *, officer: Person, member: Person, declared_by: tuple[Person, ...], kind: str, action_agreed: str
) -> str:
    """The warning, in words, of a relationship between ``officer`` and ``member`` (B7), saying who
    declared it: the member, the officer, or each of them."""
    councillor = f"Councillor {member}"
    declarants = {person.pk for person in declared_by}
    if declarants == {member.pk}:
        declared = f"{councillor}, a member of the requesting group, has declared a relationship with {officer}"
    elif declarants == {officer.pk}:
        declared = f"{officer} has declared a relationship with {councillor}, a member of the requesting group"
    elif declarants == {officer.pk, member.pk}:
        declared = (
            f"{officer} and {councillor}, a member of the requesting group, have each declared their relationship"
        )
    else:
        raise ValueError("A conflict warning names who declared the relationship: the officer or the member.")
    agreed = f" Action agreed: {action_agreed}." if action_agreed else ""
    return f"{declared}: {kind}.{agreed} {councillor} should declare the interest at the meeting."


@dataclass(frozen=True)
class ConflictWarning:
    """An officer named in a request has a declared relationship with a member of the group."""

    relationship_kind: str
    action_agreed: str
    member: Person
    officer: Person
    declared_by: tuple[Person, ...]

    def __str__(self):
        return warning_sentence(
            officer=self.officer,
            member=self.member,
            declared_by=self.declared_by,
            kind=self.relationship_kind,
            action_agreed=self.action_agreed,
        )


def warnings_for(attendance_request: AttendanceRequest) -> list[ConflictWarning]:
    """Warnings for the decision-maker and the officers about ``attendance_request`` (B7), from
    its invitations as they stand (read afresh, for the services that have just written them)."""
    officers = [invitation.officer for invitation in attendance_request.invitations.select_related("officer")]
    return _warnings([(attendance_request, officers)])[attendance_request.pk]


def warnings_for_requests(requests) -> dict[int, list[ConflictWarning]]:
    """The warnings of many requests at once, each on the day of its own meeting, in a fixed number
    of queries (for lists such as the decision queue). ``requests`` must have their invitations'
    officers loaded."""
    return _warnings([(request, [i.officer for i in request.invitations.all()]) for request in requests])


def warnings_seen_by(viewer: Standing, requests) -> dict[int, list[ConflictWarning]]:
    """The warnings ``viewer`` sees on each of ``requests`` (B7): every one for the decision-maker and
    those who oversee every request (the Chief Executive and Deputy, the Monitoring Officer,
    auditors); for a named officer, those about themselves; none for anyone else, since a
    declaration is not theirs to see."""
    requests = list(requests)
    oversees = policies.oversees_attendance(viewer)
    named = any(policies.is_named_officer(viewer, request) for request in requests)
    if not (oversees or named):
        return {request.pk: [] for request in requests}
    found = warnings_for_requests(requests)
    if oversees:
        return found
    return {
        pk: [warning for warning in warnings if warning.officer.pk == viewer.person_id]
        for pk, warnings in found.items()
    }


def relationships_for(attendance_request: AttendanceRequest) -> list[ActiveRelationship]:
    """Active declared relationships, on the day of the meeting, between the officers the request
    names and the members of the requesting group."""
    on = meeting_day(attendance_request)
    officers = [invitation.officer for invitation in attendance_request.invitations.select_related("officer")]
    return active_relationships(officers, group_members(attendance_request.group_id, on), on)


def meeting_day(attendance_request: AttendanceRequest) -> datetime.date:
    return timezone.localtime(attendance_request.meeting.starts_at).date()


def group_members(group_id: int, on: datetime.date) -> list[Person]:
    memberships = Membership.objects.on(on).filter(organization_id=group_id, post__isnull=True).select_related("person")
    return [membership.person for membership in memberships]


def _warnings(requests: list[tuple[AttendanceRequest, list[Person]]]) -> dict[int, list[ConflictWarning]]:
    """One query whatever the number of requests, the declarations of the named officers over the
    meetings' days; and only when there are some, one more for which of the other parties were
    members of the requesting groups on those days."""
    if not requests:
        return {}
    days = _meeting_days([request for request, _officers in requests])
    first, last = min(days.values()), max(days.values())
    officers = {officer.pk: officer for _request, named in requests for officer in named}
    declared = relationships_declared_during(officers.values(), first, last)
    if not declared:  # the usual page: none of its officers has declared a relationship
        return {request.pk: [] for request, _named in requests}
    memberships = Membership.objects.overlapping(first, last).filter(
        organization_id__in={request.group_id for request, _named in requests},
        person_id__in={d.relationship.member.pk for d in declared},
        post__isnull=True,
    )
    by_group = defaultdict(list)
    for membership in memberships:
        by_group[membership.organization_id].append(membership)
    warnings = {}
    for request, named in requests:
        day = days[request.pk]
        named_ids = {officer.pk for officer in named}
        in_group = {m.person_id for m in by_group[request.group_id] if _current(m, day)}
        warnings[request.pk] = warnings_from(
            [
                d.relationship
                for d in declared
                if d.current_on(day) and d.relationship.officer.pk in named_ids and d.relationship.member.pk in in_group
            ]
        )
    return warnings


def _meeting_days(requests: list[AttendanceRequest]) -> dict[int, datetime.date]:
    """Each request's meeting day; the meetings not loaded with their requests are read in one query."""
    loaded = [request for request in requests if AttendanceRequest.meeting.is_cached(request)]
    days = {request.pk: meeting_day(request) for request in loaded}
    missing = defaultdict(list)
    for request in requests:
        if request.pk not in days:
            missing[request.meeting_id].append(request.pk)
    for meeting_id, starts_at in GroupMeeting.objects.filter(pk__in=missing).values_list("pk", "starts_at"):
        days.update(dict.fromkeys(missing[meeting_id], timezone.localtime(starts_at).date()))
    return days


def _current(membership: Membership, day: datetime.date) -> bool:
    return membership.start_date <= day and (membership.end_date is None or membership.end_date >= day)


def warnings_from(relationships: list[ActiveRelationship]) -> list[ConflictWarning]:
    """The warnings of ``relationships`` (as ``active_relationships`` finds them): one per officer,
    member and kind, so that both sides' declarations of one relationship make one warning, naming
    each as having declared it."""
    merged: dict[tuple, list[ActiveRelationship]] = {}
    for relationship in relationships:
        merged.setdefault((relationship.officer.pk, relationship.member.pk, relationship.kind), []).append(relationship)
    warnings = []
    for same in merged.values():
        first = same[0]
        declared_by = tuple({r.declared_by.pk: r.declared_by for r in same}.values())
        actions = list(dict.fromkeys(r.action_text for r in same))
        warnings.append(
            ConflictWarning(
                relationship_kind=first.kind_text,
                action_agreed="; ".join(actions),
                member=first.member,
                officer=first.officer,
                declared_by=declared_by,
            )
        )
    return warnings
