"""Passwords and two-factor sign-in (issue 18): a forgotten password (Django's reset views, in GOV.UK
pages, sending the link through the register's notices), changing one's password, setting up
two-factor sign-in, and Democratic Services resetting someone's (a lost phone)."""

from base64 import b32encode

import django_otp
import qrcode
import qrcode.image.svg
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse_lazy
from django.utils.safestring import mark_safe
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters

from register import policies
from register.addresses import client_address
from register.errors import NotPermitted, RuleViolation, in_words
from register.forms_sign_in import (
    ChangePasswordForm,
    ForgottenPasswordForm,
    NewPasswordForm,
    ResetTwoFactorForm,
    SetUpCodeForm,
)
from register.models import Person
from register.selectors.people import is_signed_in_allowed
from register.services.people import password_resets as passwords
from register.services.people.accounts import valid_for_in_words
from register.services.sign_in import two_factor
from register.views.attendance.common import posted
from register.views.auth import wrong_code
from register.views.context import standing
from register.views.domain_errors import form_page

# ---------------------------------------------------------------------------------------------------
# A forgotten password


class ForgottenPasswordView(auth_views.PasswordResetView):
    """Ask for a link by e-mail. The answer is the same whoever the address belongs to, or nobody."""

    template_name = "registration/password_reset_form.html"
    form_class = ForgottenPasswordForm
    success_url = reverse_lazy("password-reset-done")

    def form_valid(self, form):
        passwords.password_reset_ask(email=form.cleaned_data["email"], address=client_address(self.request))
        return redirect(self.get_success_url())

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)


class ForgottenPasswordSentView(auth_views.PasswordResetDoneView):
    template_name = "registration/password_reset_done.html"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "valid_for": valid_for_in_words()}


class NewPasswordView(auth_views.PasswordResetConfirmView):
    """The link in the e-mail: choose a new password, once, before the link expires. A link that no
    longer works gets a page saying so and how to ask for another (400), and a line in the sign-in
    history. Django's token is the invitation's: made from the password, so it works once."""

    template_name = "registration/password_reset_confirm.html"
    form_class = NewPasswordForm
    success_url = reverse_lazy("password-reset-complete")
    post_reset_login = False

    def get_user(self, uidb64):
        person = super().get_user(uidb64)
        if person is None or person.kind == Person.Kind.SYSTEM or not is_signed_in_allowed(person):
            return None
        return person

    def dispatch(self, *args, **kwargs):
        response = super().dispatch(*args, **kwargs)
        # A good link first redirects to a page without the token in its address (Django's own step).
        if not self.validlink and response.status_code != 302:
            passwords.password_reset_refused(uidb64=kwargs.get("uidb64", ""), address=client_address(self.request))
            return render(
                self.request,
                "registration/password_reset_invalid.html",
                {"valid_for": valid_for_in_words()},
                status=400,
            )
        return response

    def form_valid(self, form):
        try:
            passwords.password_reset(
                person=self.user, raw_password=form.cleaned_data["new_password1"], address=client_address(self.request)
            )
        except RuleViolation as error:
            form.add_error("new_password1", error.message)
            return self.form_invalid(form)
        del self.request.session[auth_views.INTERNAL_RESET_SESSION_TOKEN]
        return redirect(self.get_success_url())

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)


class NewPasswordSavedView(auth_views.PasswordResetCompleteView):
    template_name = "registration/password_reset_complete.html"


# ---------------------------------------------------------------------------------------------------
# Changing one's password


class ChangePasswordView(auth_views.PasswordChangeView):
    """Change one's own password: other sessions end, this one stays (update_session_auth_hash)."""

    template_name = "register/account/password_change.html"
    form_class = ChangePasswordForm
    success_url = reverse_lazy("account:password")

    def form_valid(self, form):
        try:
            person = passwords.password_change(
                person=self.request.user,
                raw_password=form.cleaned_data["new_password1"],
                address=client_address(self.request),
            )
        except RuleViolation as error:
            form.add_error("new_password1", error.message)
            return self.form_invalid(form)
        update_session_auth_hash(self.request, person)
        messages.success(self.request, "Your password has been changed. You are signed out everywhere else.")
        return redirect(self.get_success_url())

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)


# ---------------------------------------------------------------------------------------------------
# Two-factor sign-in


@login_required
def two_factor_index(request):
    """Whether two-factor sign-in is on, whether it must be, and the way to set it up (again)."""
    person = request.user
    return render(
        request,
        "register/account/two_factor.html",
        {
            "is_on": two_factor.has_two_factor(person),
            "is_required": two_factor.is_required_for(person, sign_in_method=_method(request)),
            "codes_left": two_factor.recovery_codes_left(person),
            "single_sign_on": _method(request) == "single-sign-on",
        },
    )


@never_cache
@login_required
@sensitive_post_parameters("code")
def two_factor_set_up(request):
    """Set up the authenticator app: scan the QR code (or type the secret), give a code to confirm it,
    and see ten recovery codes, once. Someone who has it already proves it with a code first."""
    person = request.user
    if two_factor.has_two_factor(person) and not person.is_verified():
        return redirect("sign-in-code")
    device = two_factor.pending_authenticator(person)
    form = SetUpCodeForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            codes = two_factor.set_up_two_factor(
                person=person, device=device, code=form.cleaned_data["code"], address=client_address(request)
            )
        except RuleViolation as error:
            ended = wrong_code(request, person)
            if ended is not None:
                return ended
            form.add_error("code", error.message)
        else:
            device.refresh_from_db()
            django_otp.login(request, device)
            request.session.pop("two_factor_wrong_codes", None)
            # Shown in this answer only: nowhere keeps them but the person's own copy.
            return render(request, "register/account/two_factor_codes.html", {"codes": codes})
    secret = b32encode(device.bin_key).decode()
    return form_page(
        request,
        "register/account/two_factor_set_up.html",
        {
            "qr_svg": _qr_svg(device.config_url),
            "secret_groups": [secret[i : i + 4] for i in range(0, len(secret), 4)],
            "is_required": two_factor.is_required_for(person, sign_in_method=_method(request)),
        },
        form=form,
    )


def _qr_svg(text: str) -> str:
    """The QR code as inline SVG: paths only, no style or script, so the content security policy allows it."""
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=2)
    svg = image.to_string(encoding="unicode")
    return mark_safe(
        svg.replace("<svg ", '<svg class="register-qr" role="img" aria-label="QR code" focusable="false" ', 1)
    )  # noqa: S308


def _method(request) -> str:
    return request.session.get("sign_in_method", "password")


@login_required
def two_factor_reset(request, pk: int):
    """Democratic Services reset a person's two-factor sign-in (a lost phone), with a reason."""
    person = get_object_or_404(Person.objects.exclude(kind=Person.Kind.SYSTEM), pk=pk)
    if not policies.manages_sign_in(standing(request), person):
        raise NotPermitted("Only Democratic Services reset a person's two-factor sign-in.")
    form = ResetTwoFactorForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            two_factor.reset_two_factor(
                actor=request.user, person=person, reason=form.cleaned_data["reason"], address=client_address(request)
            )
        except RuleViolation as error:
            form.add_error("reason", in_words(error))
        else:
            messages.success(
                request,
                f"{person}'s two-factor sign-in has been reset: they set it up again the next time they sign in.",
            )
            return redirect("people:detail", person.pk)
    return form_page(
        request,
        "register/account/two_factor_reset.html",
        {"person": person, "is_on": two_factor.has_two_factor(person)},
        form=form,
    )


# /account/password/ and /account/two-factor/ (the sessions part owns /account/ itself; the lead joins
# the two lists into the one "account" namespace).
account_urlpatterns = [
    path("password/", ChangePasswordView.as_view(), name="password"),
    path("two-factor/", two_factor_index, name="two-factor"),
    path("two-factor/set-up/", two_factor_set_up, name="two-factor-set-up"),
]

sign_in_urlpatterns = [
    path("sign-in/forgotten-password/", ForgottenPasswordView.as_view(), name="password-reset"),
    path("sign-in/forgotten-password/sent/", ForgottenPasswordSentView.as_view(), name="password-reset-done"),
    path("sign-in/forgotten-password/done/", NewPasswordSavedView.as_view(), name="password-reset-complete"),
    path("sign-in/forgotten-password/<uidb64>/<token>/", NewPasswordView.as_view(), name="password-reset-confirm"),
]
