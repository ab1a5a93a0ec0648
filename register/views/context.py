"""Template context shared by every page."""

from django.conf import settings
from django.urls import reverse

from register import policies, selectors
from register.models import Post

Role = Post.Role


def council(request):
    return {"council_name": settings.COUNCIL_NAME, "navigation": navigation_for(request)}


def standing(request):
    """The signed-in person's standing today, read once per request (the navigation and the page
    both need it)."""
    return selectors.standing_for_request(request)


def roles_today(request) -> frozenset[str]:
    """The posts the signed-in person holds today."""
    return standing(request).roles


def navigation_for(request) -> list[dict]:
    """The service navigation: the pages the signed-in person can use, by the posts they hold today."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return []
    viewer = standing(request)
    roles = viewer.roles
    items = [("Home", reverse("home"))]
    if policies.declares(viewer):
        items.append(("Your declarations", reverse("declarations:mine")))
    if roles & policies.DECLARATION_REVIEWING_ROLES:
        items.append(("Declarations to review", reverse("declarations:to-review")))
    if policies.watches_confirmations(viewer):
        items.append(("Not re-confirmed", reverse("declarations:not-confirmed")))
    if policies.oversees_declarations(viewer):
        items.append(("All declarations", reverse("declarations:all")))
    items += attendance_navigation(user, roles)
    if policies.reads_all_history(viewer):
        items.append(("Audit timeline", reverse("audit:timeline")))
    items.append(("Your notices", reverse("notices")))
    if user.is_staff:
        items.append(("Administration", reverse("admin:index")))
    active = _active(request.path, [url for _, url in items])
    return [{"label": label, "url": url, "active": url == active} for label, url in items]


def attendance_navigation(user, roles: set[str]) -> list[tuple[str, str]]:
    """The attendance pages (A1-A13) for the posts held today: no extra query (roles are read once)."""
    items = []
    if roles & {Role.GROUP_LEADER, Role.DEPUTY_GROUP_LEADER}:
        items.append(("Group briefings", reverse("attendance:group")))
    if roles & {Role.CHIEF_EXECUTIVE, Role.DEPUTY_CHIEF_EXECUTIVE}:
        items.append(("Attendance decisions", reverse("attendance:queue")))
    elif roles & policies.ATTENDANCE_OVERSEERS:
        items.append(("Attendance requests", reverse("attendance:queue")))
    if user.is_officer and Role.AUDITOR not in roles:
        items.append(("Your briefing invitations", reverse("attendance:invitations")))
    return items


def _active(path: str, urls: list[str]) -> str | None:
    """The item the page belongs to: the longest address the path starts with ("/" only for home)."""
    matching = [url for url in urls if path == url or (url != "/" and path.startswith(url))]
    return max(matching, key=len, default=None)
