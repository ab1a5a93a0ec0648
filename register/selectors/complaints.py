"""Code of Conduct complaints (D4) as the viewer may read them, the parish and town councils in the area,
and the Independent Persons in post. Every list costs a fixed number of queries."""

import datetime

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from register import policies
from register.errors import NotFound
from register.models import Membership, Organization, Person, Post
from register.models.conduct import Complaint, Consultation
from register.policies import Standing
from register.selectors.standing import standing_of

Role = Post.Role
NOT_FOUND = "There is no such complaint."


def joined(complaints: QuerySet) -> QuerySet:
    """Complaints with what the pages, the API and the policies read, in a fixed number of queries
    (the consultations are prefetched, so ``consulted_person_ids`` costs nothing)."""
    return complaints.select_related(
        "member", "local_council", "reported_with", "decided_by", "recorded_by"
    ).prefetch_related(
        Prefetch(
            "consultations",
            queryset=Consultation.objects.select_related("independent_person", "asked_by").order_by("asked_at", "id"),
        )
    )


def complaints_visible_to(viewer: Person, *, standing: Standing | None = None) -> QuerySet:
    """Every complaint ``viewer`` may know exists (the queryset form of ``policies.sees_complaint``):
    all for the Monitoring Officer, deputy and auditors; an Independent Person's those they are consulted
    on; a member's those they have been told of. Newest first."""
    standing = standing or standing_of(viewer)
    complaints = Complaint.objects.all()
    told_if_about_them = ~Q(member=viewer) | Q(member_told_at__isnull=False)
    if standing.holds(*policies.COMPLAINT_ROLES, Role.AUDITOR):
        complaints = complaints.filter(told_if_about_them)
    else:
        consulted = Consultation.objects.filter(complaint=OuterRef("pk"), independent_person=viewer)
        complaints = complaints.filter(
            Q(member=viewer, member_told_at__isnull=False) | (Exists(consulted) & ~Q(member=viewer))
        )
    return joined(complaints).order_by("-received_on", "-id")


def complaint_for(viewer: Person, complaint_id: int, *, standing: Standing | None = None) -> Complaint:
    """One complaint, if the viewer may know it exists; else "not found" (never "forbidden")."""
    standing = standing or standing_of(viewer)
    complaint = joined(Complaint.objects.filter(pk=complaint_id)).first()
    if complaint is None or not policies.sees_complaint(standing, complaint):
        raise NotFound(NOT_FOUND)
    return complaint


def local_councils() -> QuerySet:
    """The parish and town councils in the area, which Democratic Services keep (D4)."""
    return Organization.objects.filter(classification__in=Organization.LOCAL_COUNCILS).order_by("name")


def independent_persons_on(on: datetime.date) -> QuerySet:
    """The people holding the council's Independent Person post on ``on`` (D4)."""
    holding = Membership.objects.on(on).filter(person=OuterRef("pk"), post__role=Role.INDEPENDENT_PERSON)
    return Person.objects.filter(Exists(holding), kind=Person.Kind.INDEPENDENT).order_by(
        "last_name", "first_name", "pk"
    )


def councillors_on(on: datetime.date) -> QuerySet:
    """The borough councillors a complaint may be about: members of this council on ``on``."""
    return (
        Person.objects.filter(kind=Person.Kind.MEMBER, is_active=True)
        .filter(Q(left_on__isnull=True) | Q(left_on__gte=on))
        .order_by("last_name", "first_name", "pk")
    )
