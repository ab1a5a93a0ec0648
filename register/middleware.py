"""Middleware of the register's own: refusing request bodies larger than it accepts."""

from django.conf import settings

from register.views.errors import error_response


class RequestSizeLimitMiddleware:
    """Refuses with 413 a request whose declared body is larger than the register accepts.

    Django limits form bodies (DATA_UPLOAD_MAX_MEMORY_SIZE) only when it parses them, and the
    API's JSON parser reads the body without that limit; checking the declared length here
    applies one limit to every view before anything reads the body. Multipart uploads may be
    larger (MAX_UPLOAD_SIZE). A body sent without a declared length (chunked) is never read by
    Django, so it cannot pass the limit unseen.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        limit = self.limit_for(request)
        length = self.declared_length(request)
        if length is not None and length > limit:
            return error_response(
                request,
                status=413,
                title="The file or form you sent is too large",
                detail=f"The register accepts at most {limit / 1024 / 1024:.1f} MB in one request.",
            )
        return self.get_response(request)

    @staticmethod
    def limit_for(request) -> int:
        if request.content_type == "multipart/form-data":
            return settings.MAX_UPLOAD_SIZE
        return settings.DATA_UPLOAD_MAX_MEMORY_SIZE

    @staticmethod
    def declared_length(request) -> int | None:
        try:
            return int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return None


class SingleQueryParametersMiddleware:
    """Refuses with 400 an API request that gives a query parameter more than once.

    Every parameter of the API takes one value; Django would silently use the last of several,
    so a caller who sent ``?page=2&page=3`` would get an answer to a question they did not ask.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith("/api/"):
            repeated = [name for name, values in request.GET.lists() if len(values) > 1]
            if repeated:
                response = error_response(
                    request,
                    status=400,
                    title="Your request has errors",
                    detail=f"Give each query parameter once: {_named(repeated)} given more than once.",
                )
                return response
        return self.get_response(request)


def _named(names: list[str]) -> str:
    """The parameters, named where their names can be shown. A name holding a control character (a NUL,
    a line break, an escape sequence) or another unprintable one is not echoed: the detail is read in
    logs and terminals, and the caller chose the name."""
    shown = sorted(name for name in names if name and name.isprintable())
    unprintable = sum(1 for name in names if not name.isprintable())
    if "" in names:
        shown.append("a parameter with no name")
    if unprintable == 1:
        shown.append("a parameter whose name holds unprintable characters")
    elif unprintable:
        shown.append(f"{unprintable} parameters whose names hold unprintable characters")
    return ", ".join(shown) + (" was" if len(names) == 1 else " were each")
