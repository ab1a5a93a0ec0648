"""Django's 404 for API paths, as problem details rather than an HTML page (500s: register/views/errors.py)."""

from django.http import JsonResponse
from django.views import defaults


def _problem(status: int, title: str, detail: str) -> JsonResponse:
    return JsonResponse(
        {"type": "about:blank", "title": title, "status": status, "detail": detail},
        status=status,
        content_type="application/problem+json",
    )


def page_not_found(request, exception):
    if request.path.startswith("/api/"):
        return _problem(404, "Not found", "There is no such address in the API, or no record you may see there.")
    return defaults.page_not_found(request, exception)
