"""One JSON body for every error: RFC 9457 problem details.

Domain errors map to status codes here, once: RuleViolation 400, NotPermitted 403, NotFound 404,
InvalidTransition and Conflict 409. A record the caller may not see is 404, never 403.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from register import errors

PROBLEM_TYPE = "https://register.example/problems/"

DOMAIN_STATUS = {
    errors.RuleViolation: (status.HTTP_400_BAD_REQUEST, "rule-violation", "The register's rules refuse this"),
    errors.NotPermitted: (status.HTTP_403_FORBIDDEN, "not-permitted", "You may not do this"),
    errors.NotFound: (status.HTTP_404_NOT_FOUND, "not-found", "Not found"),
    errors.InvalidTransition: (
        status.HTTP_409_CONFLICT,
        "invalid-transition",
        "Not possible in the record's current state",
    ),
    errors.Conflict: (status.HTTP_409_CONFLICT, "conflict", "Someone else changed this first"),
}


def problem(status_code: int, slug: str, title: str, detail: str, **extra) -> Response:
    body = {"type": PROBLEM_TYPE + slug, "title": title, "status": status_code, "detail": detail}
    body.update({key: value for key, value in extra.items() if value is not None})
    return Response(body, status=status_code, content_type="application/problem+json")


def problem_details_handler(exc, context):
    for error_class, (status_code, slug, title) in DOMAIN_STATUS.items():
        if isinstance(exc, error_class):
            return problem(
                status_code,
                slug,
                title,
                exc.message,
                rule=exc.rule,
                errors={exc.field: [exc.message]} if exc.field else None,
            )
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = exception_handler(exc, context)
    if response is None:
        return None  # an unexpected error: Django's 500 handling applies
    detail = response.data
    if isinstance(exc, exceptions.ValidationError):
        fields = dict(_flat_errors(detail if isinstance(detail, dict) else {"non_field_errors": detail}))
        return problem(
            response.status_code,
            "invalid",
            "Your request has errors",
            "Check the fields named in 'errors'.",
            errors=fields,
        )
    slug = getattr(exc, "default_code", "error").replace("_", "-")
    message = detail.get("detail", str(detail)) if isinstance(detail, dict) else str(detail)
    result = problem(response.status_code, slug, _title_for(response.status_code), str(message))
    for header in ("WWW-Authenticate", "Retry-After", "Allow"):
        if header in response:
            result[header] = response[header]
    return result


def _flat_errors(detail, name: str = ""):
    """(field, [messages]) pairs, a nested field named by its path: 'meeting.starts_at', 'officers.1'.
    One shape for every error, however deep the request's body."""
    if isinstance(detail, dict):
        for key, value in detail.items():
            yield from _flat_errors(value, f"{name}.{key}" if name else str(key))
    elif isinstance(detail, list):
        messages = [str(item) for item in detail if not isinstance(item, (dict, list))]
        if messages:
            yield name, messages
        for index, item in enumerate(detail):
            if isinstance(item, (dict, list)):
                yield from _flat_errors(item, f"{name}.{index}")
    else:
        yield name, [str(detail)]


def _title_for(status_code: int) -> str:
    return {
        400: "Your request has errors",
        401: "Sign in first",
        403: "You may not do this",
        404: "Not found",
        405: "Method not allowed",
        406: "Not acceptable",
        409: "Conflict",
        413: "Request too large",
        415: "Unsupported media type",
        429: "Too many requests",
    }.get(status_code, "Error")
