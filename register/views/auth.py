"""Signing in and out. Sign-in is CSRF-protected and rate-limited by django-axes."""
from django.contrib.auth import views as auth_views

from register.forms import SignInForm


class SignInView(auth_views.LoginView):
    template_name = "registration/sign_in.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True


class SignOutView(auth_views.LogoutView):
    pass
