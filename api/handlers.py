"""Django's 404 and 500 answers for API paths, as problem details rather than HTML pages."""
from django.http import JsonResponse
from django.views import defaults


def _problem(status: int, title: str, detail: str) -> JsonResponse:
    return JsonResponse(
        {"type": "about:blank", "title": title, "status": status, "detail": detail},
        status=status, content_type="application/problem+json",
    )


def page_not_found(request, exception):
    if request.path.startswith("/api/"):
        return _problem(404, "Not found", "There is no such address in the API, or no record you may see there.")
    return defaults.page_not_found(request, exception)


def server_error(request):
    if request.path.startswith("/api/"):
        return _problem(500, "Server error", "Something went wrong; nothing you sent was half saved. Try again later.")
    return defaults.server_error(request)
