"""Signing in and out. Sign-in is CSRF-protected and rate-limited by django-axes."""

from django.contrib.auth import views as auth_views

from register.forms import SignInForm


class SignInView(auth_views.LoginView):
    template_name = "registration/sign_in.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True


class SignOutView(auth_views.LogoutView):
    pass


def locked_out(request, original_response=None, credentials=None):
    """The answer to a sign-in attempt from an address that is locked out (django-axes): the API gets a
    problem-details body, the pages a page in words; both say when to try again, and neither says
    whether the username exists (the lock is the address's, whatever username was tried)."""
    from django.http import JsonResponse
    from django.shortcuts import render

    from register.addresses import client_address
    from register.backends import address_refusal, sign_in_refusal

    refusal = sign_in_refusal(request) or address_refusal(client_address(request))
    if request.path.startswith("/api/") and getattr(original_response, "status_code", None) == 429:
        response = original_response  # /api/token/ has said it already, with the same refusal
    elif request.path.startswith("/api/"):
        response = JsonResponse(
            {"type": "about:blank", "title": refusal.title, "status": 429, "detail": refusal.detail},
            status=429,
            content_type="application/problem+json",
        )
    else:
        response = render(request, "registration/locked_out.html", {"refusal": refusal}, status=429)
    response["Retry-After"] = str(refusal.wait_seconds)
    return response
