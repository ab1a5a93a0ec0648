"""The home page: who you are today, and what you hold."""
from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from register import selectors


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
        {"holdings": holdings, "acting": acting, "today": on},
    )
