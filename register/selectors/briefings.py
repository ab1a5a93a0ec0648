"""What anyone outside a group may know of its briefing (A8, A9): the group, each officer with
their post on the day, the date and the subject, and nothing of the brief or the discussion.

``briefing_facts`` is the one place these facts are built: the published register (page and API),
the other groups' pages and API, and the notices to the other groups all render what it returns,
so that they say the same. It imports no other selector, so that every selector can use it.

The published register's entries (``published_entries``: the page, the CSV, the JSON and the Atom
feed, issue 22) are those facts as the Chief Executive's office last corrected them, with the day each
was published and its correction, and nothing else (docs/open-data.md).
"""

import datetime
from dataclasses import dataclass, replace
from typing import NamedTuple

from django.conf import settings
from django.db.models import (
    Case,
    DateField,
    Exists,
    F,
    FilteredRelation,
    Min,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Greatest, TruncDate
from django.utils import timezone
from django.utils.crypto import salted_hmac

from register import workflow
from register.models import (
    AttendanceInvitation,
    AttendanceRecord,
    AttendanceRequest,
    Membership,
    Organization,
    Post,
    PublicEntryCorrection,
)

NO_PLACEMENT = "Officer of the council"
# What naming an officer reads (``Person.__str__``).
OFFICER_NAMED = ("officer__first_name", "officer__last_name", "officer__username")
# Where ``published_briefings`` puts each briefing's invitations whose attendance was recorded.
ATTENDED = "attended_invitations"


@dataclass(frozen=True)
class OfficerInPost:
    """An officer at a briefing, and the post they held on its day (else where they were placed)."""

    name: str
    post: str


class Holding(NamedTuple):
    """An officer's post (or placement in a directorate) from ``start_date`` to ``end_date``, as shown."""

    start_date: datetime.date
    end_date: datetime.date | None
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


@dataclass(frozen=True)
class PublishedEntry:
    """An entry of the published register (A8): the briefing's facts, with the latest correction's
    date and subject if the Chief Executive's office corrected it, the time it was first published
    (its first attendance recorded) and the correction's time and published reason. What the page,
    the CSV, the JSON and the Atom feed give is ``group``, ``posts``, ``date``, ``subject`` and these;
    ``key`` names the entry (the Atom feed's id) without being the request's id, which would say
    how many requests were never published."""

    fact: BriefingFact
    published_at: datetime.datetime
    corrected_at: datetime.datetime | None
    correction: str
    key: str

    group = property(lambda self: self.fact.group)
    officers = property(lambda self: self.fact.officers)
    posts = property(lambda self: self.fact.posts)
    date = property(lambda self: self.fact.date)
    subject = property(lambda self: self.fact.subject)

    @property
    def corrected(self) -> bool:
        return self.corrected_at is not None

    @property
    def published_on(self) -> datetime.date:
        return timezone.localdate(self.published_at)

    @property
    def corrected_on(self) -> datetime.date | None:
        return timezone.localdate(self.corrected_at) if self.corrected_at else None


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


def _as_published(fact: BriefingFact, request: AttendanceRequest) -> PublishedEntry:
    """The entry of the published register for a request of ``published_briefings``: the posts stay
    those held on the meeting's day (they are corrected in the people records, not here); the date
    and subject are the latest correction's."""
    return PublishedEntry(
        fact=replace(fact, date=request.shown_date, subject=request.corrected_subject or fact.subject),
        # Its first attendance recorded, from the attendances already loaded.
        published_at=min(invitation.attendance.recorded_at for invitation in getattr(request, ATTENDED)),
        corrected_at=request.corrected_at,
        correction=request.correction_reason or "",
        key=entry_key(request.pk),
    )


def entry_key(request_id: int) -> str:
    """The published entry's stable, opaque name: a digest of the request's id keyed by
    OPEN_DATA_ENTRY_KEY, which outlives SECRET_KEY's rotations (SECRET_KEY when it is unset)."""
    secret = settings.OPEN_DATA_ENTRY_KEY or settings.SECRET_KEY
    return salted_hmac("register.published-entry", str(request_id), secret=secret).hexdigest()[:20]


def published_briefings(
    *,
    start: datetime.date | None = None,
    end: datetime.date | None = None,
    group: Organization | None = None,
    directorate: Organization | None = None,
) -> QuerySet[AttendanceRequest]:
    """The briefings on the published register of officer attendance (DOMAIN.md, "Who sees what"):
    agreed briefings that took place, the latest first. Each carries its latest correction, if any, and
    its recorded attendances (``ATTENDED``: the first gives the day it was published); the date the entry shows
    (``shown_date``: the correction's, else the meeting's) is what ``start`` and ``end`` (inclusive)
    filter on. ``group``: one political group's; ``directorate``: those attended by an officer placed
    in, or holding a post of, that directorate on the day. One query for a page of them, and
    ``published_entries`` two more for their facts."""
    attended = AttendanceRecord.objects.filter(invitation__request=OuterRef("pk"))
    latest = PublicEntryCorrection.objects.filter(request=OuterRef("pk")).order_by("-corrected_at", "-id")
    meeting_day = TruncDate("meeting__starts_at", tzinfo=timezone.get_current_timezone())
    held = (
        AttendanceRequest.objects.filter(
            Exists(attended),
            decision=AttendanceRequest.Decision.APPROVED,
            state__in=workflow.AGREED_REQUEST_STATES,
        )
        .annotate(
            # The latest correction joined once, rather than a subquery for each of its columns: fewer
            # subqueries for Django to compile and for PostgreSQL to plan, on every request of the page.
            latest_correction=FilteredRelation(
                "public_corrections", condition=Q(public_corrections__id=Subquery(latest.values("id")[:1]))
            ),
            corrected_at=F("latest_correction__corrected_at"),
            corrected_subject=F("latest_correction__subject"),
            correction_reason=F("latest_correction__reason"),
            meeting_day=meeting_day,
            shown_date=Coalesce("latest_correction__date", "meeting_day", output_field=DateField()),
        )
        .select_related("group", "meeting")
        .only("subject", "group__name", "meeting__starts_at")
        .prefetch_related(
            # Into a list (to_attr): Django then builds no queryset for each request of the page.
            Prefetch(
                "invitations",
                queryset=AttendanceInvitation.objects.filter(attendance__isnull=False)
                .select_related("officer", "attendance")
                .only("request", *OFFICER_NAMED, "attendance__recorded_at"),
                to_attr=ATTENDED,
            )
        )
        .order_by("-shown_date", "-meeting__starts_at", "-id")
    )
    if start:
        held = held.filter(shown_date__gte=start)
    if end:
        held = held.filter(shown_date__lte=end)
    if group is not None:
        held = held.filter(group=group)
    if directorate is not None:
        held = held.filter(Exists(_placed_in(directorate)))
    return held


def _placed_in(directorate: Organization) -> QuerySet[Membership]:
    """An attending officer's holding in ``directorate`` on the meeting's day (for ``Exists``)."""
    day = OuterRef("meeting_day")
    return Membership.objects.filter(
        organization=directorate,
        person__attendance_invitations__request=OuterRef("pk"),
        person__attendance_invitations__attendance__isnull=False,
        start_date__lte=day,
    ).filter(Q(end_date__isnull=True) | Q(end_date__gte=day))


def published_entries(briefings) -> list[PublishedEntry]:
    """The entries of the published register for ``briefings`` (a page of ``published_briefings``):
    ``briefing_facts`` of them, as corrected, with their publication and correction."""
    briefings = list(briefings)
    facts = briefing_facts(briefings, attended_only=True)
    return [_as_published(fact, request) for fact, request in zip(facts, briefings, strict=True)]


def updated_entries(briefings: QuerySet[AttendanceRequest], *, limit: int) -> list[PublishedEntry]:
    """The ``limit`` entries published or corrected last, the latest first: the Atom feed's."""
    first_recorded = (
        AttendanceRecord.objects.filter(invitation__request=OuterRef("pk"))
        .values("invitation__request")
        .annotate(first=Min("recorded_at"))
        .values("first")
    )
    changed = Greatest("published_at", Coalesce("corrected_at", "published_at"))
    briefings = briefings.annotate(published_at=Subquery(first_recorded), updated_at=changed)
    return published_entries(briefings.order_by("-updated_at", "-id")[:limit])


def published_register(*, start: datetime.date | None = None, end: datetime.date | None = None) -> list[PublishedEntry]:
    """Every entry of the published register from ``start`` to ``end`` (inclusive) when given."""
    return published_entries(published_briefings(start=start, end=end))


def _officers_at(request: AttendanceRequest, *, attended_only: bool) -> list:
    if attended_only and hasattr(request, ATTENDED):
        return [invitation.officer for invitation in getattr(request, ATTENDED)]
    invitations = list(request.invitations.all())
    attended = [invitation.officer for invitation in invitations if invitation.has_attendance]
    if attended or attended_only:
        return attended
    return [
        invitation.officer
        for invitation in invitations
        if invitation.state not in workflow.NOT_ATTENDING_INVITATION_STATES
    ]


def _holdings_of(officer_ids: set[int]) -> dict[int, list[Holding]]:
    """Each officer's posts outside the political groups, and their placements in a directorate."""
    if not officer_ids:
        return {}
    holdings: dict[int, list[Holding]] = {}
    found = Membership.objects.filter(person__in=officer_ids).filter(
        (Q(post__isnull=False) & ~Q(post__role__in=Post.MEMBER_ROLES))
        | Q(post__isnull=True, organization__classification=Organization.Classification.DIRECTORATE)
    )
    # A post first: a plain placement in a directorate only says where the officer works. Said
    # outright, since SQLite sorts a missing post first and PostgreSQL last.
    placement_last = Case(When(post__isnull=True, then=Value(1)), default=Value(0))
    # Rows rather than models: a page of the published register reads a few hundred of them.
    rows = found.order_by(placement_last, "start_date", "id").values_list(
        "person", "start_date", "end_date", "post", "post__label", "organization__name"
    )
    for person, start_date, end_date, post, label, organization in rows:
        named = label if post is not None else f"Officer, {organization}"
        holdings.setdefault(person, []).append(Holding(start_date, end_date, named))
    return holdings


def _post_on(holdings: list[Holding], day: datetime.date) -> str:
    for holding in holdings:
        if holding.start_date <= day and (holding.end_date is None or holding.end_date >= day):
            return holding.post
    return NO_PLACEMENT
