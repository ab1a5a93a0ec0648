"""The API access matrix: who gets which status from every endpoint and method.

Each issue that adds an endpoint adds its rows here; the test fails on any endpoint of the URL
configuration that has no row, so nothing is exposed unchecked.
"""
from dataclasses import dataclass, field
from typing import Callable

ROLES = ["anonymous", "member", "group_leader", "officer", "chief_executive", "monitoring_officer", "auditor"]
SIGNED_IN = [role for role in ROLES if role != "anonymous"]


def everyone_signed_in(status: int = 200) -> dict[str, int]:
    return {"anonymous": 401, **{role: status for role in SIGNED_IN}}


def everyone(status: int = 200) -> dict[str, int]:
    return {role: status for role in ROLES}


@dataclass
class Cell:
    """Expected statuses by role for one endpoint and method, on one target (own or other group)."""

    url_name: str
    method: str
    expected: dict[str, int]
    target: str = "own"  # "own": a record of the caller's own group; "other": of another group
    kwargs: Callable | None = None  # (world, role, target) -> URL kwargs
    body: Callable | None = None  # (world, role, target) -> request body
    notes: str = ""
    extra: dict = field(default_factory=dict)


def person_kwargs(world, role, target):
    own = world.person_for(role) or world.council.groups[0].leader
    return {"pk": own.pk if target == "own" else world.council.chief_executive.pk}


def organization_kwargs(world, role, target):
    groups = world.council.groups
    return {"pk": groups[0].organization.pk if target == "own" else groups[1].organization.pk}


def post_kwargs(world, role, target):
    from register.models import Post

    return {"pk": Post.objects.order_by("id").first().pk}


def membership_kwargs(world, role, target):
    from register.models import Membership

    return {"pk": Membership.objects.order_by("id").first().pk}


CELLS: list[Cell] = [
    Cell("api-me", "GET", everyone_signed_in()),
    Cell("api-token", "POST", everyone(401), body=lambda world, role, target: {"username": f"nobody-{role}", "password": "x"},
         notes="wrong credentials are a 401 for everyone; the right ones are tested separately"),
    Cell("api-schema", "GET", everyone(), notes="the schema and its documentation are public, for integrators"),
    Cell("api-docs", "GET", everyone()),
    Cell("api-root", "GET", everyone_signed_in()),
    Cell("api-absence-record", "POST",
         {**everyone_signed_in(403), "chief_executive": 201},
         body=lambda world, role, target: {"start_date": "2031-07-01", "end_date": "2031-07-02", "reason": "Leave"},
         notes="only the Chief Executive or the Deputy records an absence (A2)"),
    Cell("person-list", "GET", everyone_signed_in()),
    Cell("person-detail", "GET", everyone_signed_in(), kwargs=person_kwargs),
    Cell("person-detail", "GET", everyone_signed_in(), target="other", kwargs=person_kwargs),
    Cell("organization-list", "GET", everyone_signed_in()),
    Cell("organization-detail", "GET", everyone_signed_in(), kwargs=organization_kwargs),
    Cell("organization-detail", "GET", everyone_signed_in(), target="other", kwargs=organization_kwargs),
    Cell("post-list", "GET", everyone_signed_in()),
    Cell("post-detail", "GET", everyone_signed_in(), kwargs=post_kwargs),
    Cell("membership-list", "GET", everyone_signed_in()),
    Cell("membership-detail", "GET", everyone_signed_in(), kwargs=membership_kwargs),
]
