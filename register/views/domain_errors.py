"""The pages' one mapping of the domain's errors (register/errors.py) to what a person reads.

A record the person may not see is "page not found" (404), never "forbidden". A move they may not
make on a record they can see is 403, naming the rule; a move the record's state does not allow, or
that someone else's change overtook, is 409; bad input is 400, on the form field it names. The API
maps the same errors to the same codes (api/errors.py).

Pages map nothing by hand: an action page gates with ``require_move`` (or ``require_one_of``), lets
the service's refusals through to ``DomainErrorMiddleware``, and catches only ``RuleViolation``,
which a form shows on the field it names (``form.refuse``) and ``form_page`` answers with 400.
"""

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
from register.views.context import standing

STATUS = {NotFound: 404, NotPermitted: 403, InvalidTransition: 409, Conflict: 409, RuleViolation: 400}
TITLES = {
    409: "This cannot be done now",
    400: "This cannot be done",
}


def status_of(error: DomainError) -> int:
    return next(code for kind, code in STATUS.items() if isinstance(error, kind))


def require_move(request, flow: workflow.Workflow, move: str, record, *, state: str | None = None) -> None:
    """Gate an action page on the workflow, for the signed-in person: the same answer the service
    would give (errors go to ``DomainErrorMiddleware``). What the time allows is left to the
    service on submission, so that the form says it on the field it names (the meeting has, or has
    not, begun), with the page's guidance beside it."""
    try:
        workflow.require(flow, move, record, standing(request), state=state)
    except RuleViolation:
        return


def require_one_of(request, flow: workflow.Workflow, moves: tuple[str, ...], record) -> None:
    """Gate a page that offers a choice of moves (approve or refuse; accept or decline): it opens
    when any of them may be made. Otherwise the refusal is that of a move the record's state has
    (an officer who accepted is told why they cannot decline, not that they already accepted)."""
    state = workflow.state_of(flow, record)
    refusals = []
    for move in sorted(moves, key=lambda move: not workflow.allows(flow, state, move)):
        try:
            require_move(request, flow, move, record)
        except DomainError as error:
            refusals.append(error)
        else:
            return
    raise refusals[0]


def form_page(request, template: str, context: dict, *, form) -> object:
    """A page with a form: 400 when the form shows errors (its own, or a refusal by the service
    that it names: ``form.refuse``), 200 otherwise. Successful submissions redirect instead."""
    status = 400 if form.is_bound and form.errors else 200
    return render(request, template, {"form": form, **context}, status=status)


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
            return defaults.page_not_found(request, Http404(exception.message), template_name="404.html")
        if code == 403:
            return defaults.permission_denied(request, PermissionDenied(in_words(exception)), template_name="403.html")
        return render(
            request,
            "refused.html",
            {"title": TITLES[code], "detail": in_words(exception)},
            status=code,
        )
