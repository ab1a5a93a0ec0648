"""The pages' one mapping of the domain's errors (register/errors.py) to what a person reads.

A record the person may not see is "page not found" (404), never "forbidden". A move they may not
make on a record they can see is 403, naming the rule; a move the record's state does not allow, or
that someone else's change overtook, is 409; bad input is 400, on the form field it names. The API
maps the same errors to the same codes (api/errors.py). A form catches a refusal of its own POST to
show it on the field (``form.refuse``); anything else a view lets through is answered here.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.views import defaults

from register import workflow
from register.errors import (
    Conflict,
    DomainError,
    InvalidTransition,
    NotFound,
    NotPermitted,
    RuleViolation,
    in_words,
)

STATUS = {NotFound: 404, NotPermitted: 403, InvalidTransition: 409, Conflict: 409, RuleViolation: 400}
TITLES = {
    409: "This cannot be done now",
    400: "This cannot be done",
}


def status_of(error: DomainError) -> int:
    return next(code for kind, code in STATUS.items() if isinstance(error, kind))


def not_found(error: NotFound) -> Http404:
    return Http404(error.message)


def tell(request, error: DomainError) -> None:
    """A refusal of a one-button action, shown as a message on the page the person returns to."""
    if isinstance(error, NotFound):
        raise not_found(error)
    messages.error(request, in_words(error))


def require_move(request, flow: workflow.Workflow, move: str, record) -> None:
    """Gate an action page on the workflow, for the signed-in person: the same answer the service
    would give (errors go to ``DomainErrorMiddleware``). What the time allows is left to the
    service on submission, so that the form says it on the field it names (the meeting has, or has
    not, begun), with the page's guidance beside it."""
    from register.views.context import standing

    try:
        workflow.require(flow, move, record, standing(request))
    except RuleViolation:
        return


class DomainErrorMiddleware:
    """Answers a domain error that a page let through with the page for its status."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, DomainError) or request.path.startswith("/api/"):
            return None
        code = status_of(exception)
        if code == 404:
            return defaults.page_not_found(request, not_found(exception), template_name="404.html")
        if code == 403:
            return defaults.permission_denied(request, PermissionDenied(in_words(exception)), template_name="403.html")
        return render(
            request,
            "refused.html",
            {"title": TITLES[code], "detail": in_words(exception)},
            status=code,
        )
