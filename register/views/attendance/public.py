"""The published register of officer attendance at group meetings (A8), for everyone: no sign-in."""

from django.shortcuts import render

from register import selectors


def published(request):
    """Group, officer's post, date and subject, nothing more (A8)."""
    return render(request, "register/attendance/published.html", {"briefings": selectors.published_register()})
