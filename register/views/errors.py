"""Error answers that must not depend on the database: 503 while it is unreachable, 413 for bodies too large.

Django sends every uncaught exception to `handler500` (register/urls.py), wherever it was
raised: in a view, in the API, or in the middleware loading the session. A database that cannot
be reached is not a defect of the register, so it is answered 503 ("try again shortly") rather
than the crash page, and without touching the database again.
"""

import sys

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.views import defaults

UNAVAILABLE_TITLE = "Sorry, the service is unavailable"
UNAVAILABLE_DETAIL = (
    "The register cannot reach its database just now. Try again in a few minutes. "
    "Anything you were saving was saved only if you saw a confirmation."
)
RETRY_AFTER_SECONDS = 30


def server_error(request):
    """handler500: 503 when the cause is an unreachable database, Django's 500 page otherwise."""
    if database_unavailable(sys.exc_info()[1]):
        response = error_response(request, status=503, title=UNAVAILABLE_TITLE, detail=UNAVAILABLE_DETAIL)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    if wants_json(request):
        return error_response(
            request,
            status=500,
            title="Server error",
            detail="Something went wrong; nothing you sent was half saved. Try again later.",
        )
    return defaults.server_error(request)


def database_unavailable(error: BaseException | None) -> bool:
    """Whether ``error``, or an error it was raised from, says the database could not be used.

    OperationalError covers a refused or dropped connection and a server shutting down;
    InterfaceError a connection that was already closed.
    """
    seen = set()
    while error is not None and id(error) not in seen:
        if isinstance(error, (OperationalError, InterfaceError)):
            return True
        seen.add(id(error))
        error = error.__cause__ or error.__context__
    return False


def error_response(request, *, status: int, title: str, detail: str) -> HttpResponse:
    """JSON for the API and for clients that ask for it, a plain GOV.UK page for everyone else.

    Rendered without the request's context on purpose: the context processors read the signed-in
    user, which needs the database.
    """
    if wants_json(request):
        # RFC 9457 problem details, like every other error of the API.
        return JsonResponse(
            {"type": "about:blank", "title": title, "status": status, "detail": detail},
            status=status,
            content_type="application/problem+json",
        )
    page = render_to_string("error.html", {"title": title, "detail": detail, "council_name": settings.COUNCIL_NAME})
    return HttpResponse(page, status=status)


def wants_json(request) -> bool:
    if request.path.startswith("/api/"):
        return True
    accept = request.headers.get("Accept", "")
    return "application/json" in accept and "text/html" not in accept
