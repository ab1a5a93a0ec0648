"""Pagination: page numbers for ordinary lists; cursors for the long, growing ones."""

from rest_framework import pagination
from rest_framework.exceptions import NotFound, ValidationError


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
