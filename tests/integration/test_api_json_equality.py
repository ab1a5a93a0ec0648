"""Issue 23: every list endpoint of the API answers every demo role the same JSON through the compiled
serializers and the orjson renderer as through plain DRF (DRF's JSON renderer and each serializer's own
field-by-field ``to_representation``), so that a DRF upgrade that changes behaviour fails here rather
than at a council.

The list endpoints are read from the OpenAPI schema (every GET answering a page or a list), so a new
one is covered without a line here. The demo council with its year of activity is loaded once for the
module, in a transaction rolled back at the end (as tests/integration/test_demo_year.py does)."""

import datetime
import io
import json

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator
from rest_framework import renderers, serializers
from rest_framework.test import APIClient

from api import compiled
from register.models import Declaration, Person

SCHEMA = SchemaGenerator().get_schema(request=None, public=True)


def list_endpoints() -> list[str]:
    """Every GET operation of the schema whose answer is a page of records or a list of them."""
    found = []
    for path, operations in SCHEMA["paths"].items():
        answer = operations.get("get", {}).get("responses", {}).get("200", {}).get("content", {})
        shape = answer.get("application/json", {}).get("schema", {})
        if shape.get("type") == "array" or shape.get("$ref", "").startswith("#/components/schemas/Paginated"):
            found.append(path)
    return sorted(found)


def required_query(path: str) -> dict[str, str]:
    """The query an endpoint cannot answer without: the demo year, for the reports of a period."""
    required = {p["name"] for p in SCHEMA["paths"][path]["get"].get("parameters", []) if p.get("required")}
    today = timezone.localdate()
    known = {"start": (today - datetime.timedelta(days=366)).isoformat(), "end": today.isoformat()}
    assert required <= set(known), f"{path} needs {sorted(required - set(known))}: give them here"
    return {name: known[name] for name in required}


LIST_ENDPOINTS = list_endpoints()


@pytest.fixture(scope="module")
def demo_council(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            call_command("seed_demo", "--with-activity", stdout=io.StringIO())
            users = one_user_per_role()
            add_what_the_demo_year_lacks(users["monitoring-officer"])
            yield users
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def one_user_per_role() -> dict[str, Person]:
    """The first demo user (by id) of each role: the same kind of person, holding the same posts in
    the same kinds of organization (a group of the administration or of the opposition, a directorate),
    with the same rights to the Django admin. Read from the database, so a new role is covered too."""
    chosen = {}
    people = Person.objects.order_by("id").prefetch_related("memberships__post", "memberships__organization")
    for person in people:
        posts = frozenset(
            (m.post.role if m.post else None, m.organization.classification, m.organization.is_administration)
            for m in person.memberships.all()
            if m.end_date is None
        )
        chosen.setdefault((person.kind, person.member_type, person.is_superuser, posts), person)
    return {person.username: person for person in chosen.values()}


def add_what_the_demo_year_lacks(monitoring_officer: Person) -> None:
    """Through the API, as the Monitoring Officer: a read of a declaration (the access log's entry),
    a legal hold on it and a disposal run proposed, so that those lists have a record to compare."""
    client = APIClient()
    client.force_authenticate(monitoring_officer)
    declaration = Declaration.objects.order_by("id").first()
    assert client.get(f"/api/declarations/{declaration.pk}/").status_code == 200
    hold = {"record_kind": "declaration", "record_id": str(declaration.pk), "reason": "A claim is expected."}
    assert client.post("/api/retention/holds/", hold, format="json").status_code == 201
    assert client.post("/api/retention/runs/", {}, format="json").status_code == 201
    # Issue 22's follow-up: an e-mail that did not arrive, for Democratic Services' list.
    from tests.integration.notice_helpers import failed

    failed(monitoring_officer)


@pytest.fixture
def users(demo_council, db):
    return demo_council


def answer(user, path: str, *, plain: bool):
    client = APIClient()
    client.force_authenticate(user)
    if plain:
        with compiled.plain_drf():
            return client.get(path, required_query(path))
    return client.get(path, required_query(path))


def rows(body) -> list:
    return body["results"] if isinstance(body, dict) else body


def test_one_user_per_role_covers_the_readmes_demo_roles(users):
    readme = {"chief-executive", "deputy-chief-executive", "monitoring-officer", "deputy-monitoring-officer"}
    readme |= {"auditor", "data-protection-officer", "democratic-services", "leader-1", "leader-2"}
    readme |= {"deputy-leader-1", "member-1", "co-opted-1", "director-1", "officer-1", "independent-person-1", "admin"}
    assert readme <= set(users), f"no user for {sorted(readme - set(users))}"


def test_the_list_endpoints_are_found_in_the_schema():
    """The schema's lists include the attendance decision queue and the reports, not only the main lists."""
    assert {"/api/attendance-requests/", "/api/attendance-requests/queue/", "/api/attendance-parity/"} <= set(
        LIST_ENDPOINTS
    )
    assert len(LIST_ENDPOINTS) >= 20


@pytest.mark.parametrize("path", LIST_ENDPOINTS)
def test_every_demo_role_gets_the_same_json_from_the_compiled_path_as_from_plain_drf(users, path):
    """Equal as parsed JSON, with the same status, for every role; and some role sees a non-empty list,
    so that the comparison is of records, not of empty pages."""
    differing, seen_rows = [], 0
    for username, user in users.items():
        fast = answer(user, path, plain=False)
        plain = answer(user, path, plain=True)
        if fast.status_code != plain.status_code or json.loads(fast.content) != json.loads(plain.content):
            differing.append(username)
        if fast.status_code == 200:
            seen_rows += len(rows(json.loads(fast.content)))
    assert not differing, f"{path}: the compiled path differs from plain DRF for {differing}"
    assert seen_rows, f"{path}: no demo role saw a record, so nothing was compared"


def test_the_compiled_serializers_and_orjson_answer_without_drfs_field_loop_or_json_module(users, monkeypatch):
    """The equality above compares two different paths: the compiled one never enters DRF's
    Serializer.to_representation nor its renderer's json.dumps; plain DRF does both."""
    calls = {"to_representation": 0, "dumps": 0}
    drf_represent, drf_dumps = serializers.Serializer.to_representation, renderers.json.dumps

    def counted_represent(self, instance):
        calls["to_representation"] += 1
        return drf_represent(self, instance)

    def counted_dumps(*args, **kwargs):
        calls["dumps"] += 1
        return drf_dumps(*args, **kwargs)

    monkeypatch.setattr(serializers.Serializer, "to_representation", counted_represent)
    monkeypatch.setattr(renderers.json, "dumps", counted_dumps)
    path = "/api/attendance-requests/"

    fast = answer(users["chief-executive"], path, plain=False)
    assert fast.status_code == 200 and rows(fast.json())
    assert calls == {"to_representation": 0, "dumps": 0}

    answer(users["chief-executive"], path, plain=True)
    assert calls["to_representation"] > len(rows(fast.json())) and calls["dumps"] == 1
