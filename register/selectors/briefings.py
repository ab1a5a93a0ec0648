"""What anyone outside a group may know of its briefing (A8, A9): the group, each officer with
their post on the day, the date and the subject, and nothing of the brief or the discussion.

``briefing_facts`` is the one place these facts are built: the published register (page and API),
the other groups' pages and API, and the notices to the other groups all render what it returns,
so that they say the same. It imports no other selector, so that every selector can use it.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Case, Exists, OuterRef, Prefetch, Q, Value, When
from django.utils import timezone

from register import workflow
from register.models import AttendanceInvitation, AttendanceRecord, AttendanceRequest, Membership, Organization, Post

NO_PLACEMENT = "Officer of the council"


@dataclass(frozen=True)
class OfficerInPost:
    """An officer at a briefing, and the post they held on its day (else where they were placed)."""

    name: str
    post: str


@dataclass(frozen=True)
class BriefingFact:
    """All that anyone outside the requesting group learns of a briefing: which group, which
    officers (each with their post on the day), the date and the subject matter (A8, A9)."""

    group: str
    officers: tuple[OfficerInPost, ...]
    date: datetime.date
    subject: str

    @property
    def names(self) -> tuple[str, ...]:
        """The officers' names: what the other groups' leaders are told (A9)."""
        return tuple(officer.name for officer in self.officers)

    @property
    def posts(self) -> tuple[str, ...]:
        """The officers' posts, in the order of ``officers``: what the published register shows."""
        return tuple(officer.post for officer in self.officers)


def briefing_facts(requests, *, attended_only: bool = False) -> list[BriefingFact]:
    """The facts of each briefing in ``requests``, in their order (A8, A9).

    The officers are those who attended once anyone has recorded attendance, and until then those
    named who have not declined; ``attended_only`` (the published register) keeps only those who
    attended. Each officer's post is the one they held on the day of the meeting. One query for
    all the officers' posts, whatever the number of briefings, when the requests come with their
    group, meeting and invitations (officer and attendance) loaded."""
    requests = list(requests)
    attending = {request.pk: _officers_at(request, attended_only=attended_only) for request in requests}
    holdings = _holdings_of({officer.pk for officers in attending.values() for officer in officers})
    facts = []
    for request in requests:
        day = timezone.localtime(request.meeting.starts_at).date()
        officers = sorted(attending[request.pk], key=lambda officer: (str(officer), officer.pk))
        facts.append(
            BriefingFact(
                group=request.group.name,
                officers=tuple(
                    OfficerInPost(name=str(officer), post=_post_on(holdings.get(officer.pk, []), day))
                    for officer in officers
                ),
                date=day,
                subject=request.subject,
            )
        )
    return facts


def published_register(*, start: datetime.date | None = None, end: datetime.date | None = None) -> list[BriefingFact]:
    """The published register of officer attendance (DOMAIN.md, "Who sees what"): agreed briefings
    that took place, the latest first, with the officers who attended; from ``start`` to ``end``
    (inclusive) when given. Three queries: the briefings, their invitations, the officers' posts."""
    attended = AttendanceRecord.objects.filter(invitation__request=OuterRef("pk"))
    held = (
        AttendanceRequest.objects.filter(
            Exists(attended),
            decision=AttendanceRequest.Decision.APPROVED,
            state__in=workflow.AGREED_REQUEST_STATES,
        )
        .select_related("group", "meeting")
        .prefetch_related(
            Prefetch("invitations", queryset=AttendanceInvitation.objects.select_related("officer", "attendance"))
        )
        .order_by("-meeting__starts_at", "-id")
    )
    if start:
        held = held.filter(meeting__starts_at__date__gte=start)
    if end:
        held = held.filter(meeting__starts_at__date__lte=end)
    return briefing_facts(held, attended_only=True)


def _officers_at(request: AttendanceRequest, *, attended_only: bool) -> list:
    invitations = list(request.invitations.all())
    attended = [invitation.officer for invitation in invitations if invitation.has_attendance]
    if attended or attended_only:
        return attended
    return [
        invitation.officer
        for invitation in invitations
        if invitation.state not in workflow.NOT_ATTENDING_INVITATION_STATES
    ]


def _holdings_of(officer_ids: set[int]) -> dict[int, list[Membership]]:
    """Each officer's posts outside the political groups, and their placements in a directorate."""
    if not officer_ids:
        return {}
    holdings: dict[int, list[Membership]] = {}
    found = Membership.objects.filter(person__in=officer_ids).filter(
        (Q(post__isnull=False) & ~Q(post__role__in=Post.MEMBER_ROLES))
        | Q(post__isnull=True, organization__classification=Organization.Classification.DIRECTORATE)
    )
    # A post first: a plain placement in a directorate only says where the officer works. Said
    # outright, since SQLite sorts a missing post first and PostgreSQL last.
    placement_last = Case(When(post__isnull=True, then=Value(1)), default=Value(0))
    for holding in found.select_related("post", "organization").order_by(placement_last, "start_date", "id"):
        holdings.setdefault(holding.person_id, []).append(holding)
    return holdings


def _post_on(holdings: list[Membership], day: datetime.date) -> str:
    for holding in holdings:
        if holding.start_date <= day and (holding.end_date is None or holding.end_date >= day):
            return holding.post.label if holding.post else f"Officer, {holding.organization}"
    return NO_PLACEMENT
