"""The API's one mapping of the domain's errors to HTTP answers that name the field or the rule."""
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from register.errors import Conflict, DomainError, InvalidTransition, NotFound, NotPermitted

STATUS_OF = {
    NotFound: status.HTTP_404_NOT_FOUND,
    NotPermitted: status.HTTP_403_FORBIDDEN,
    InvalidTransition: status.HTTP_409_CONFLICT,
    Conflict: status.HTTP_409_CONFLICT,
}


def exception_handler(exc, context):
    """DRF's handler, plus the domain's errors: 400 for a refused rule or field, 403, 404 or 409."""
    if isinstance(exc, DomainError):
        body = {"detail": exc.message}
        if exc.rule:
            body["rule"] = exc.rule
        if exc.field:
            body["field"] = exc.field
        return Response(body, status=_status_of(exc))
    return drf_exception_handler(exc, context)


def _status_of(exc: DomainError) -> int:
    for kind, code in STATUS_OF.items():
        if isinstance(exc, kind):
            return code
    return status.HTTP_400_BAD_REQUEST
