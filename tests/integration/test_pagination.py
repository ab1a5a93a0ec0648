"""The API's page numbers (issue 23): on PostgreSQL a page and the list's count are read in one
statement, and every page, count, link and refusal is what Django's and DRF's own pagination give."""

import pytest
from django.core.paginator import InvalidPage, Paginator
from django.db import connection
from django.db.models import Exists, OuterRef
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from api.pagination import PageWithItsCount
from register.models import Membership, Person
from tests.factories import submit_request

pytestmark = pytest.mark.usefixtures("clock")


def page_as_django_gives_it(paginator_class, queryset, per_page, number):
    paginator = paginator_class(queryset, per_page)
    try:
        page = paginator.page(number)
    except InvalidPage as refused:
        return type(refused).__name__, str(refused)
    return (
        [row.pk for row in page],
        paginator.count,
        paginator.num_pages,
        page.has_next(),
        page.has_previous(),
        page.start_index(),
        page.end_index(),
    )


@pytest.mark.parametrize(
    "rows",
    [
        pytest.param(lambda: Person.objects.order_by("pk"), id="people"),
        pytest.param(lambda: Person.objects.none(), id="nobody"),
        # A join that repeats each person once per membership, made distinct: counted as Django counts it.
        pytest.param(lambda: Person.objects.filter(memberships__isnull=False).distinct().order_by("pk"), id="distinct"),
    ],
)
def test_every_page_and_refusal_is_djangos(council, rows):
    total = rows().count()
    for per_page in (1, 7, 50):
        last = -(-total // per_page) if total else 1
        for number in {1, 2, last - 1, last, last + 1, "0", "2", "x", None}:
            assert page_as_django_gives_it(PageWithItsCount, rows(), per_page, number) == page_as_django_gives_it(
                Paginator, rows(), per_page, number
            ), (per_page, number)


def test_a_list_annotated_with_subqueries_is_counted_on_its_own_as_django_counts_it(council):
    """Its count's subquery would compile every one of the list's own subqueries again, which costs
    more than the round trip it saves: such a list is paged as Django pages it, page for page."""
    annotated = Person.objects.annotate(has_posts=Exists(Membership.objects.filter(person=OuterRef("pk")))).order_by(
        "pk"
    )
    paginator = PageWithItsCount(annotated, 5)
    with CaptureQueriesContext(connection) as captured:
        rows = list(paginator.page(2))
        count = paginator.count
    assert len(captured) == 2 and "COUNT(" in captured[0]["sql"].upper()
    assert page_as_django_gives_it(PageWithItsCount, annotated, 5, 2) == page_as_django_gives_it(
        Paginator, annotated, 5, 2
    )
    assert count == Person.objects.count() and len(rows) == 5


def test_a_page_and_its_count_are_one_statement(council):
    paginator = PageWithItsCount(Person.objects.order_by("pk"), 5)
    with CaptureQueriesContext(connection) as captured:
        rows = list(paginator.page(2))
        count = paginator.count
    assert len(captured) == 1
    assert count == Person.objects.count()
    assert [row.pk for row in rows] == list(Person.objects.order_by("pk").values_list("pk", flat=True)[5:10])


def test_a_list_of_values_is_paginated_as_django_does(council, django_assert_num_queries):
    with django_assert_num_queries(2):  # Django's count, then the page
        page = list(PageWithItsCount(Membership.objects.order_by("pk").values("pk"), 5).page(1))
    assert page == list(Membership.objects.order_by("pk").values("pk")[:5])


# --- Through the API -----------------------------------------------------------------------------


@pytest.fixture
def leader_api(council):
    client = APIClient()
    client.force_authenticate(council.groups[0].leader)
    return client


def test_the_first_page_of_an_empty_list_is_an_empty_page(leader_api):
    response = leader_api.get("/api/attendance-requests/")
    assert response.status_code == 200
    assert response.json() == {"count": 0, "next": None, "previous": None, "results": []}


def test_a_page_of_an_empty_list_after_the_first_is_not_found(leader_api):
    assert leader_api.get("/api/attendance-requests/", {"page": 2}).status_code == 404


def test_the_last_page_links_back_and_not_on(council, leader_api):
    made = [submit_request(council).pk for _ in range(5)]
    body = leader_api.get("/api/attendance-requests/", {"page": 3, "page_size": 2}).json()
    assert body["count"] == 5
    assert body["next"] is None
    assert body["previous"].endswith("/api/attendance-requests/?page=2&page_size=2")
    assert [row["id"] for row in body["results"]] == [min(made)]  # newest first


def test_a_page_past_the_end_is_not_found_as_drf_says_it(council, leader_api):
    submit_request(council)
    response = leader_api.get("/api/attendance-requests/", {"page": 2})
    assert response.status_code == 404
    assert response.json()["detail"] == "Invalid page."


@pytest.mark.parametrize("page_size", ["0", "201", "x", "-1"])
def test_a_page_size_out_of_range_is_refused_naming_it(leader_api, page_size):
    response = leader_api.get("/api/attendance-requests/", {"page_size": page_size})
    assert response.status_code == 400
    assert "page_size" in response.json()["errors"]


def test_a_page_size_at_the_limits_is_taken(council, leader_api):
    for _ in range(3):
        submit_request(council)
    assert len(leader_api.get("/api/attendance-requests/", {"page_size": 1}).json()["results"]) == 1
    assert len(leader_api.get("/api/attendance-requests/", {"page_size": 200}).json()["results"]) == 3
