"""The gate of two-factor sign-in (issue 18): someone who must sign in with a code, and whose session
has not been verified by one, reaches no page but setting it up (or giving the code), and signing out.

After django-otp's OTPMiddleware (which says whether the session is verified). Exempt: single sign-on
sessions (the provider's own MFA is trusted), static files, /healthz, and the API's token requests
(their person is not known to the middleware, only to DRF; the token endpoint asks for the code)."""

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse

from register import selectors
from register.services.sign_in import two_factor
from register.views.auth import api_problem

OPEN_PAGES = ("sign-in", "sign-in-code", "sign-out", "account:two-factor-set-up")


class TwoFactorGateMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if settings.TWO_FACTOR_REQUIRED and self._must_give_a_code(request):
            has_app = two_factor.has_two_factor(request.user)
            if request.path.startswith("/api/"):
                return api_problem(
                    403,
                    "Two-factor sign-in needed",
                    "Sign in with a code from your authenticator app on the register's pages first.",
                )
            return redirect("sign-in-code" if has_app else "account:two-factor-set-up")
        return self.get_response(request)

    def _must_give_a_code(self, request) -> bool:
        path = request.path
        if path == "/healthz" or path.startswith("/" + settings.STATIC_URL.lstrip("/")):
            return False
        if any(path == reverse(name) for name in OPEN_PAGES):
            return False
        user = request.user
        if not user.is_authenticated or user.is_verified():
            return False
        return two_factor.is_required_for(
            user,
            sign_in_method=request.session.get("sign_in_method", "password"),
            standing=selectors.standing_for_request(request),
        )
