"""Signing in and out. Sign-in is CSRF-protected and rate-limited by django-axes.

Someone with two-factor sign-in set up gives their password here and then a code on a second page
(``sign_in_code``): until the code is right they are not signed in at all, only "half signed in" (the
session remembers who gave the right password, for a few minutes). Five wrong codes in a row end it."""

import datetime

import django_otp
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters

from register.addresses import client_address
from register.backends import address_refusal, sign_in_refusal
from register.forms import SignInForm
from register.forms_sign_in import CodeForm
from register.models import Person, SignInEvent
from register.selectors import clock
from register.selectors.people import is_signed_in_allowed
from register.services.sign_in import two_factor
from register.views.attendance.common import posted
from register.views.domain_errors import form_page

# The session's keys: who gave the right password and waits to give a code, and how many wrong codes
# they have given in a row (the set-up page counts in the same place).
HALF_SIGNED_IN = "two_factor_pending"
WRONG_CODES = "two_factor_wrong_codes"
# The session's way of signing in (issue 18's shared convention): single sign-on is exempt from two-factor.
SIGN_IN_METHOD = "sign_in_method"
HALF_SIGNED_IN_FOR = datetime.timedelta(minutes=10)


class SignInView(auth_views.LoginView):
    template_name = "registration/sign_in.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        person = form.get_user()
        if two_factor.has_two_factor(person):
            # Not signed in yet: the code comes first. The session's key changes when they are.
            self.request.session[HALF_SIGNED_IN] = {
                "person": person.pk,
                "backend": person.backend,
                "next": self.get_success_url(),
                "at": clock.now().timestamp(),
            }
            self.request.session[WRONG_CODES] = 0
            return redirect("sign-in-code")
        response = super().form_valid(form)
        self.request.session[SIGN_IN_METHOD] = SignInEvent.Method.PASSWORD
        return response


class SignOutView(auth_views.LogoutView):
    pass


def half_signed_in(request) -> tuple[Person | None, dict | None]:
    """Who is between their password and their code: a person signed in whose session has not been
    verified by a code (through the admin's sign-in, say), or one who gave their password here a few
    minutes ago. (None, None) for anyone else."""
    user = request.user
    if user.is_authenticated:
        return (None, None) if user.is_verified() else (user, None)
    pending = request.session.get(HALF_SIGNED_IN)
    if not pending or clock.now().timestamp() - pending.get("at", 0) > HALF_SIGNED_IN_FOR.total_seconds():
        return None, None
    person = Person.objects.filter(pk=pending["person"]).first()
    if person is None or not is_signed_in_allowed(person):
        return None, None
    return person, pending


@never_cache
@sensitive_post_parameters("code")
def sign_in_code(request):
    """The second step of signing in: the code from the authenticator app, or a recovery code."""
    person, pending = half_signed_in(request)
    if person is None or not two_factor.has_two_factor(person):
        return redirect("sign-in")
    form = CodeForm(posted(request))
    if request.method == "POST" and form.is_valid():
        checked = two_factor.check_code(person, form.cleaned_data["code"], address=client_address(request))
        if checked.accepted:
            return _signed_in(request, person, pending, checked)
        ended = wrong_code(request, person)
        if ended is not None:
            return ended
        form.add_error("code", _refusal(checked))
    return form_page(request, "registration/sign_in_code.html", {}, form=form)


def _signed_in(request, person, pending, checked):
    request.session.pop(WRONG_CODES, None)
    next_page = settings.LOGIN_REDIRECT_URL
    if pending is not None:
        request.session.pop(HALF_SIGNED_IN, None)
        # The password was accepted a step ago, in this half-signed-in session: the sign-in history
        # records the sign-in now that it is whole (register/sign_in_history.py).
        request.password_accepted_for = person
        login(request, person, backend=pending["backend"])
        request.session[SIGN_IN_METHOD] = SignInEvent.Method.PASSWORD
        next_page = pending["next"]
    django_otp.login(request, checked.device)
    if checked.recovery:
        left = two_factor.recovery_codes_left(person)
        messages.warning(
            request,
            f"You signed in with a recovery code, which now works no more. You have {left} left: "
            "if your phone is lost, ask Democratic Services to reset your two-factor sign-in.",
        )
    if not url_has_allowed_host_and_scheme(next_page, allowed_hosts={request.get_host()}):
        next_page = settings.LOGIN_REDIRECT_URL
    return redirect(next_page)


def _refusal(checked) -> str:
    # django-otp's throttling counts in its own clock (timezone.now), not the register's.
    now = timezone.now()
    if checked.wait_until is not None and checked.wait_until > now:
        seconds = max(1, round((checked.wait_until - now).total_seconds()))
        return (
            f"That code was not accepted: after a wrong code you wait a little before the next. "
            f"Wait {seconds} second{'s' if seconds != 1 else ''}, then enter the code your app shows then."
        )
    if checked.recovery:
        return "The code is not right: enter the 6-digit code from your app, or a recovery code you have not used."
    return "The code is not right: enter the 6-digit code your authenticator app shows now."


def wrong_code(request, person):
    """Count a wrong code in this session; at the fifth in a row, end the session and say what to do
    next. None while the person may try again."""
    wrong = request.session.get(WRONG_CODES, 0) + 1
    request.session[WRONG_CODES] = wrong
    if wrong < settings.TWO_FACTOR_MAX_FAILURES:
        return None
    minutes = two_factor.minutes_to_wait(person)
    if request.user.is_authenticated:
        logout(request)
    else:
        request.session.flush()
    return render(
        request,
        "registration/two_factor_ended.html",
        {"wrong": wrong, "minutes": minutes, "has_two_factor": two_factor.has_two_factor(person)},
        status=429,
    )


def locked_out(request, original_response=None, credentials=None):
    """The answer to a sign-in attempt from an address that is locked out (django-axes): the API gets a
    problem-details body, the pages a page in words; both say when to try again, and neither says
    whether the username exists (the lock is the address's, whatever username was tried)."""
    refusal = sign_in_refusal(request) or address_refusal(client_address(request))
    if request.path.startswith("/api/") and getattr(original_response, "status_code", None) == 429:
        response = original_response  # /api/token/ has said it already, with the same refusal
    elif request.path.startswith("/api/"):
        response = api_problem(429, refusal.title, refusal.detail)
    else:
        response = render(request, "registration/locked_out.html", {"refusal": refusal}, status=429)
    response["Retry-After"] = str(refusal.wait_seconds)
    return response


def api_problem(status: int, title: str, detail: str) -> JsonResponse:
    """An RFC 9457 problem-details answer for an API request that a middleware stops before DRF."""
    return JsonResponse(
        {"type": "about:blank", "title": title, "status": status, "detail": detail},
        status=status,
        content_type="application/problem+json",
    )
