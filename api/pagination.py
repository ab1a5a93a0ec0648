"""Pagination: page numbers for ordinary lists; cursors for the long, growing ones."""

from django.core.paginator import Paginator
from django.db import connections
from django.db.models import IntegerField, QuerySet, Subquery
from django.db.models.query import ModelIterable
from rest_framework import pagination
from rest_framework.exceptions import NotFound, ValidationError

# The annotation that carries the list's total on each row of a page.
TOTAL = "pagination_total"


class Total(Subquery):
    """How many rows ``queryset`` has, as an uncorrelated scalar subquery, which PostgreSQL runs once
    for the whole statement (an InitPlan, on an index only) before reading the page. Wrapped, so that
    a DISTINCT list is counted as Django's own count() counts it. ``COUNT(*) OVER ()`` would also make
    one statement, but a window over the list makes PostgreSQL read and join every row of the list,
    not only the page's, before the LIMIT: for page 2 of the attendance requests on the bench's 2,000,
    EXPLAIN ANALYZE gave 10.4 ms with the window against 0.9 ms with this subquery for the Chief
    Executive (2,000 rows), and 2.3 ms against 0.6 ms for a group leader (500)."""

    template = "(SELECT COUNT(*) FROM (%(subquery)s) AS counted)"
    output_field = IntegerField()

    def __init__(self, queryset):
        super().__init__(queryset.order_by().values("pk"))


class PageWithItsCount(Paginator):
    """Django's Paginator, reading a page of a queryset and the list's total in one statement on
    PostgreSQL (``Total``) rather than a count and then the page. Where that cannot tell the total
    (an empty page past the first: the page is past the end), and for anything but a queryset of
    model instances, Django's own way answers, so the pages, errors and counts are Django's. So does a
    list annotated with subqueries of its own, or joined to a filtered relation (the published
    register's latest correction): Django's count() leaves out the annotations and joins the count does
    not need, which ``Total`` would carry, compiled again and planned again for every row. Four
    subqueries cost 1.3 ms a request there against the 0.05 ms of the round trip saved on loopback;
    the one join, 0.5 ms (in-process, p50 of 150 and of 300 requests)."""

    def page(self, number):
        first = self._first_row(number)
        if first is None:
            return super().page(number)
        rows = list(self.object_list.annotate(**{TOTAL: Total(self.object_list)})[first : first + self.per_page])
        if not rows and first > 0:
            return super().page(number)
        self.count = getattr(rows[0], TOTAL) if rows else 0
        return self._get_page(rows, first // self.per_page + 1, self)

    def _first_row(self, number) -> int | None:
        """The index of the page's first row, when one statement can read it with the total."""
        given = self.object_list
        if (
            not isinstance(given, QuerySet)
            or given._iterable_class is not ModelIterable
            or given.query.combinator
            or connections[given.db].vendor != "postgresql"
            or any(_has_subquery(annotation) for annotation in given.query.annotations.values())
            # Django keeps no public name for them: a queryset's FilteredRelation annotations.
            or given.query._filtered_relations
            or self.orphans
            or not isinstance(number, int | str)
            or not str(number).isdigit()
            or int(number) < 1
        ):
            return None
        return (int(number) - 1) * self.per_page


def _has_subquery(expression) -> bool:
    """Whether ``expression`` holds a subquery at any depth (Django's own ``contains_subquery`` does not
    look inside a condition's WhereNode)."""
    if getattr(expression, "subquery", False):
        return True
    if hasattr(expression, "get_source_expressions"):
        inner = expression.get_source_expressions()
    else:
        inner = getattr(expression, "children", [])
    return any(_has_subquery(each) for each in inner if each is not None)


class StrictPageSize:
    """A page_size that is not a whole number from 1 to max_page_size is refused, not ignored."""

    def get_page_size(self, request):
        given = request.query_params.get(self.page_size_query_param)
        if given is None:
            return self.page_size
        if not given.isdigit() or not 1 <= int(given) <= self.max_page_size:
            raise ValidationError(
                {self.page_size_query_param: [f"Enter a whole number from 1 to {self.max_page_size}."]}
            )
        return int(given)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"] = {"type": "integer", "minimum": 1, "maximum": self.max_page_size}
        return parameters


class PageNumberPagination(StrictPageSize, pagination.PageNumberPagination):
    django_paginator_class = PageWithItsCount
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200

    def get_page_number(self, request, paginator):
        given = request.query_params.get(self.page_query_param)
        if given is not None and not given.isdigit():
            raise ValidationError({self.page_query_param: ["Enter a page number: a whole number from 1."]})
        return super().get_page_number(request, paginator)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_query_param:
                parameter["schema"] = {"type": "integer", "minimum": 1}
        return parameters


class CursorPagination(StrictPageSize, pagination.CursorPagination):
    """For the audit timeline and notices: stays fast however deep the reader goes."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    ordering = "-id"


class TimelineCursorPagination(CursorPagination):
    """The audit timeline, newest first by its place in the history chain: a keyset on a unique,
    indexed column, so no page ever needs an OFFSET."""

    ordering = "-position"

    def decode_cursor(self, request):
        cursor = super().decode_cursor(request)
        # The position is compared with a bigint column: anything but a whole number in range is no page.
        if (
            cursor is not None
            and cursor.position is not None
            and not (cursor.position.isdigit() and len(cursor.position) <= 18)
        ):
            raise NotFound(self.invalid_cursor_message)
        return cursor


class AccessLogCursorPagination(TimelineCursorPagination):
    """The access log, newest first by its position: a keyset on a unique, indexed column."""
