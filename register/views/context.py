"""Template context shared by every page."""

from django.conf import settings
from django.urls import reverse

from register import policies, selectors
from register.policies.records_of_processing import reads_records_of_processing
from register.policies.retention import reads_retention

# The published register of briefings (A8, A9), open to everyone: its short name in the navigation.
PUBLIC_REGISTER = "Public register"


def council(request):
    return {
        "council_name": settings.COUNCIL_NAME,
        "council_contact_email": settings.COUNCIL_CONTACT_EMAIL,
        "navigation": navigation_for(request),
    }


def standing(request):
    """The signed-in person's standing today, read once per request (the navigation and the page
    both need it)."""
    return selectors.standing_for_request(request)


def navigation_for(request) -> list[dict]:
    """The service navigation: the pages the signed-in person can use, by the posts they hold today,
    then the public register; for someone not signed in, the public register and "Sign in".
    Each entry is a list or a page, not a move: it comes from a policy of the viewer's standing."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return _marked(request, [(PUBLIC_REGISTER, reverse("published-attendance")), ("Sign in", reverse("sign-in"))])
    viewer = standing(request)
    items = [("Home", reverse("home"))]
    if policies.declares(viewer):
        items.append(("Your declarations", reverse("declarations:mine")))
    if policies.has_declarations_to_review(viewer):
        items.append(("Declarations to review", reverse("declarations:to-review")))
    if policies.watches_confirmations(viewer):
        items.append(("Not re-confirmed", reverse("declarations:not-confirmed")))
    if policies.oversees_declarations(viewer):
        items.append(("All declarations", reverse("declarations:all")))
    items += attendance_navigation(viewer)
    items += conduct_navigation(viewer)
    if policies.reads_people_records(viewer):
        items.append(("People", reverse("people:index")))
    if policies.reads_all_history(viewer):
        items.append(("Audit timeline", reverse("audit:timeline")))
    if policies.reads_access_log(viewer):
        items.append(("Access log", reverse("audit:access-log")))
    # Subject access (issue 21, item 3).
    if policies.answers_subject_access(viewer):
        items.append(("Subject access", reverse("people:subject-access-choose")))
    # Issue 21: the retention schedule, legal holds and disposal runs.
    if reads_retention(viewer):
        items.append(("Retention", reverse("retention:schedule")))
    # Issue 21: the records of processing (UK GDPR Article 30), for the MO, the DPO and auditors.
    if reads_records_of_processing(viewer):
        items.append(("Records of processing", reverse("records-of-processing")))
    # The e-mails that did not arrive, for Democratic Services (issue 22's follow-up).
    if policies.looks_after_deliveries(viewer):
        items.append(("E-mails not delivered", reverse("notices-undelivered")))
    items.append(("Your notices", reverse("notices")))
    if user.is_superuser:  # the Django admin: the superusers' emergency tool alone
        items.append(("Administration", reverse("admin:index")))
    items.append((PUBLIC_REGISTER, reverse("published-attendance")))
    return _marked(request, items)


def _marked(request, items: list[tuple[str, str]]) -> list[dict]:
    """The items with the one the page belongs to marked active, and current when it is that page
    itself (GOV.UK's aria-current="page"; "true" for a page within the item's section)."""
    active = _active(request.path, [url for _, url in items])
    return [
        {"label": label, "url": url, "active": url == active, "current": url == request.path} for label, url in items
    ]


def attendance_navigation(viewer) -> list[tuple[str, str]]:
    """The attendance pages (A1-A13) for the viewer's standing today: no query of their own."""
    items = []
    if policies.leads_a_group(viewer):
        items.append(("Group briefings", reverse("attendance:group")))
    if policies.holds_deciding_post(viewer):
        items.append(("Attendance decisions", reverse("attendance:queue")))
    elif policies.oversees_attendance(viewer):
        items.append(("Attendance requests", reverse("attendance:queue")))
    if policies.is_briefing_officer(viewer):
        items.append(("Your briefing invitations", reverse("attendance:invitations")))
    return items


def conduct_navigation(viewer) -> list[tuple[str, str]]:
    """Concerns, complaints and the Standards Committee report (D1-D6) for those who oversee them: no
    query of their own. Everyone else raises a concern from the home page and the footer."""
    items = []
    if policies.oversees_concerns(viewer):
        items.append(("Concerns", reverse("concerns:index")))
    if policies.has_complaints_list(viewer):
        items.append(("Complaints", reverse("complaints:list")))
    if policies.reads_standards_report(viewer):
        items.append(("Standards report", reverse("standards-report:report")))
    return items


def _active(path: str, urls: list[str]) -> str | None:
    """The item the page belongs to: the longest address the path starts with ("/" only for home)."""
    matching = [url for url in urls if path == url or (url != "/" and path.startswith(url))]
    return max(matching, key=len, default=None)
