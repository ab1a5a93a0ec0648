"""The home page: who you are today, what you hold, and what needs your action now."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse

from register import selectors
from register.selectors import attendance as attendance_reads
from register.selectors import declarations as declaration_reads
from register.views.context import standing


@login_required
def home(request):
    on = selectors.today()
    person = request.user
    holdings = (
        person.memberships.on(on).select_related("organization", "post").order_by("post__label", "organization__name")
    )
    acting = selectors.acting_chief_executive(on)
    return render(
        request,
        "register/home.html",
        {"holdings": holdings, "acting": acting, "today": on, "actions": needs_action(request, on)},
    )


def needs_action(request, on) -> list[dict]:
    """One row per area the person acts in, with how many things await them there. A fixed
    number of queries whatever the counts: the declaration counts come in one query."""
    person = request.user
    tasks = declaration_reads.declaration_tasks(person, on=on, standing=standing(request))
    rows = []
    if tasks.to_review is not None:
        rows.append(
            _row("Declarations to review", tasks.to_review, reverse("declarations:to-review"), "awaiting your advice")
        )
    if tasks.to_acknowledge is not None:
        rows.append(
            _row("Advice to acknowledge", tasks.to_acknowledge, reverse("declarations:mine"), "on your declarations")
        )
    if tasks.naming_unanswered:
        rows.append(
            _row(
                "Declarations naming you",
                tasks.naming_unanswered,
                reverse("declarations:naming-you"),
                "without your own declaration",
            )
        )
    if tasks.confirmation is not None:
        confirmation = tasks.confirmation
        rows.append(
            {
                "label": "Re-confirmation due",
                "count": int(confirmation.due_soon),
                "url": reverse("declarations:confirm"),
                "detail": ("overdue since " if confirmation.overdue else "due by ")
                + f"{confirmation.due_on:%-d %B %Y}",
            }
        )
    if tasks.not_confirmed is not None:
        rows.append(
            _row(
                "Not re-confirmed",
                tasks.not_confirmed,
                reverse("declarations:not-confirmed"),
                "past their due date, among those you oversee",
            )
        )
    rows += attendance_rows(request, on)
    rows.append(_row("Unread notices", selectors.unread_count(person), reverse("notices"), "in your inbox"))
    return rows


def attendance_rows(request, on) -> list[dict]:
    """Officer attendance (A1-A13): at most one query per list the person has."""
    tasks = attendance_reads.attendance_tasks(standing(request))
    rows = []
    if tasks.decisions is not None:
        rows.append(
            _row(
                "Attendance requests to decide",
                tasks.decisions,
                reverse("attendance:queue"),
                "awaiting the Chief Executive's decision",
            )
        )
    if tasks.group_awaiting is not None:
        rows.append(
            _row(
                "Requests from your group",
                tasks.group_awaiting,
                reverse("attendance:group"),
                "awaiting the Chief Executive's decision",
            )
        )
    if tasks.invitations_to_answer is not None:
        rows.append(
            _row(
                "Briefing invitations",
                tasks.invitations_to_answer,
                reverse("attendance:invitations"),
                "to accept or decline",
            )
        )
        rows.append(
            _row(
                "Attendance to record",
                tasks.attendance_to_record,
                reverse("attendance:invitations"),
                "after meetings you attended",
            )
        )
    return rows


def _row(label: str, count: int, url: str, detail: str) -> dict:
    return {"label": label, "count": count, "url": url, "detail": detail}
