"""The history's signed checkpoints on the public register (issue 20), for everyone: no sign-in.

A page listing them with the public keys and how to check them, and plain-text addresses a script
can fetch: each log's latest signed note, the keys, the stand-alone checker itself, and a
consistency proof between any two checkpoints of a log.
"""

from pathlib import Path

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from register import transparency
from register.errors import DomainError
from register.models import TransparencyLog
from register.selectors import checkpoints as published
from register.services.audit import checkpoints, proofs
from register.views.audit import json_download
from register.views.domain_errors import status_of

CHECKPOINTS_PER_PAGE = 25
CHECKER_NAME = "verify_register_proof.py"


@require_safe
def index(request):
    """The history log's checkpoints, newest first, the access log's latest, the keys and how to check."""
    history, access = TransparencyLog.HISTORY, TransparencyLog.ACCESS
    page = Paginator(published.checkpoints_of(history), CHECKPOINTS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "register/checkpoints/index.html",
        {
            "page": page,
            "latest_history": published.latest_of(history),
            "latest_access": published.latest_of(access),
            "history_origin": checkpoints.origin(history),
            "access_origin": checkpoints.origin(access),
            "keys": [key.text() for key in checkpoints.published_keys()],
            "checker_name": CHECKER_NAME,
        },
    )


def _text(body: str, status: int = 200) -> HttpResponse:
    return HttpResponse(body, content_type="text/plain; charset=utf-8", status=status)


@require_safe
def latest_note(request, log: str):
    """The log's latest checkpoint, exactly as signed (a C2SP signed note)."""
    latest = published.latest_of(log)
    if latest is None:
        return _text(f"No checkpoint of the {log} log has been signed yet.\n", status=404)
    return _text(latest.note)


@require_safe
def keys(request):
    """Every public key that has signed a checkpoint here, and the current one: one a line."""
    return _text("".join(f"{key.text()}\n" for key in checkpoints.published_keys()))


@require_safe
def checker(request):
    """The stand-alone checker (register/transparency.py), byte for byte."""
    response = HttpResponse(Path(transparency.__file__).read_bytes(), content_type="text/x-python; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{CHECKER_NAME}"'
    return response


@require_safe
def consistency(request):
    """A consistency proof between two checkpoints of a log: ?log=history&from=SIZE&to=SIZE."""
    log = request.GET.get("log", TransparencyLog.HISTORY)
    sizes = {}
    for name in ("from", "to"):
        given = request.GET.get(name, "")
        if not given.isdigit() or len(given) > 18 or int(given) < 1:
            return _text(f"The parameter {name} must be a checkpoint's tree size: a whole number from 1.\n", 400)
        sizes[name] = int(given)
    try:
        document = proofs.consistency_proof(log=log, old_size=sizes["from"], new_size=sizes["to"])
    except DomainError as error:
        return _text(f"{error.message}\n", status_of(error))
    return json_download(document, f"{log}-consistency-{sizes['from']}-{sizes['to']}.json")
