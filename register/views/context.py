"""Template context shared by every page."""
from django.conf import settings
from django.urls import reverse


def council(request):
    return {"council_name": settings.COUNCIL_NAME, "navigation": navigation_for(request)}


def navigation_for(request) -> list[dict]:
    """The service navigation: the pages the signed-in person can use."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return []
    items = [("Home", reverse("home")), ("Your notices", reverse("notices"))]
    if user.is_staff:
        items.append(("Administration", reverse("admin:index")))
    return [{"label": label, "url": url, "active": request.path == url} for label, url in items]
