"""The pages anyone may read without signing in: the front door at ``/`` (a landing page for the
public, the home page for someone signed in), the accessibility statement (the privacy notice is register/views/privacy.py)."""

from django.shortcuts import render
from django.views.decorators.http import require_safe

from register.views import home as home_page

# When the accessibility statement was prepared and the service last tested (the GOV.UK model asks
# for both); change them when the statement is reviewed.
STATEMENT_PREPARED_ON = "29 November 2026"
SERVICE_LAST_TESTED_ON = "29 November 2026"


def front_door(request):
    """Someone signed in gets their home page; anyone else what the register is, the public register
    of briefings, and "Sign in" for councillors and staff."""
    if request.user.is_authenticated:
        return home_page.home(request)
    return render(request, "register/landing.html")


@require_safe
def accessibility(request):
    return render(
        request,
        "register/accessibility.html",
        {"prepared_on": STATEMENT_PREPARED_ON, "tested_on": SERVICE_LAST_TESTED_ON},
    )
