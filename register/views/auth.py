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
    """The answer to a sign-in attempt while its username is locked out (django-axes): the API gets
    a problem-details body, the pages get a page in words."""
    from django.http import JsonResponse
    from django.shortcuts import render

    if request.path.startswith("/api/"):
        return JsonResponse(
            {
                "type": "about:blank",
                "title": "Too many failed sign-in attempts",
                "status": 429,
                "detail": "This username is locked out after repeated failed sign-ins. Try again in 15 minutes.",
            },
            status=429,
            content_type="application/problem+json",
        )
    return render(request, "registration/locked_out.html", status=429)
