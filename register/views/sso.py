"""Single sign-on pages: going to the council's provider, coming back from it, and signing out of it too.

Every way the provider's answer can fail (no or a wrong state, a wrong nonce, a tampered or expired ID
token, one from another issuer or for another client, a code the provider will not exchange, a provider
that cannot be reached) ends on a page that says what to do next, with a line in the sign-in history;
never on a crash page or a bare redirect.
"""

import re

from django.contrib import auth
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.generic import View
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from register import sso
from register.addresses import client_address
from register.models import SignInEvent
from register.services.sign_in.events import record_sign_in_event
from register.services.sign_in.single_sign_on import SingleSignOnRefused
from register.views import auth as auth_pages

SIGN_IN_METHOD = "single-sign-on"
# Where the signed-out page finds the provider's sign-out address (in the new, anonymous session).
PROVIDER_SIGN_OUT = "sso_provider_sign_out_url"


def _failed(request, reason: str, *, status: int = 400):
    """The sign-in did not work: say so in the history and tell the person to start again."""
    record_sign_in_event(
        kind=SignInEvent.Kind.REFUSED,
        method=SignInEvent.Method.SINGLE_SIGN_ON,
        address=client_address(request),
        detail=reason,
    )
    return render(request, "registration/sso_failed.html", status=status)


def _refused(request):
    """The provider vouched for someone the register does not let in (already in the history). The page
    is the same whatever the reason, so that it never tells whether the register knows someone."""
    return render(request, "registration/sso_refused.html", status=403)


class SingleSignOnStartView(OIDCAuthenticationRequestView):
    """Sends the browser to the provider with a new state, nonce and PKCE challenge (mozilla-django-oidc)."""

    get_settings = staticmethod(sso.provider_setting)

    def __init__(self, *args, **kwargs):
        # The library reads the provider's endpoint when the view is made; here, when it is asked for.
        View.__init__(self, *args, **kwargs)

    def get(self, request):
        if not sso.is_enabled():
            raise Http404("Single sign-on is not configured.")
        try:
            self.OIDC_OP_AUTH_ENDPOINT = sso.provider_setting("OIDC_OP_AUTHORIZATION_ENDPOINT")
        except sso.ProviderUnreachable:
            return _failed(request, "The provider could not be reached to start the sign-in.", status=503)
        self.OIDC_RP_CLIENT_ID = sso.provider_setting("OIDC_RP_CLIENT_ID")
        return super().get(request)


def _error_code(value: str) -> str:
    """The provider's error code, only if it looks like one (it is written to the history)."""
    return value if re.fullmatch(r"[a-z_]{1,60}", value or "") else "an error"


class SingleSignOnCallbackView(OIDCAuthenticationCallbackView):
    """Where the provider sends the browser back: checks the state, has the backend check the code, the
    ID token and the person, and signs the person in, or shows why not."""

    def get(self, request):
        if not sso.is_enabled():
            raise Http404("Single sign-on is not configured.")
        state = request.GET.get("state", "")
        states = request.session.get("oidc_states")
        states = states if isinstance(states, dict) else {}
        started = states.pop(state, None) if state else None
        if started is not None:
            # Each state is used once, whatever happens next.
            request.session["oidc_states"] = states
            request.session.save()
        if request.GET.get("error"):
            return _failed(request, f"The provider answered with {_error_code(request.GET['error'])}.")
        if not state:
            return _failed(request, "The provider's answer had no state.")
        if started is None:
            return _failed(request, "The state in the provider's answer matched no sign-in begun in this browser.")
        if not request.GET.get("code"):
            return _failed(request, "The provider's answer had no authorisation code.")
        # Read the session again after the slow exchange with the provider, as mozilla-django-oidc does, so
        # that nothing written by another tab meanwhile is overwritten.
        request.session = request.session.__class__(request.session.session_key)
        try:
            user = auth.authenticate(
                request=request, nonce=started.get("nonce"), code_verifier=started.get("code_verifier")
            )
        except sso.SingleSignOnFailed as failure:
            return _failed(request, failure.reason)
        except SingleSignOnRefused:
            return _refused(request)
        if user is None:
            # Refused before the backend was asked (django-axes: this address is locked out).
            return _failed(request, "Sign-in from this address is blocked for now.", status=403)
        self.user = user
        id_token = request.session.get("oidc_id_token")
        auth.login(request, user)
        request.session["sign_in_method"] = SIGN_IN_METHOD
        if id_token:
            request.session["oidc_id_token"] = id_token
        record_sign_in_event(
            kind=SignInEvent.Kind.SIGNED_IN,
            method=SignInEvent.Method.SINGLE_SIGN_ON,
            person=user,
            address=client_address(request),
            detail="Signed in through the council's identity provider.",
        )
        return HttpResponseRedirect(self.success_url)


class SignOutView(auth_pages.SignOutView):
    """The register's sign-out; after a single sign-on it also offers the provider's sign-out."""

    def post(self, request, *args, **kwargs):
        through_provider = request.session.get("sign_in_method") == SIGN_IN_METHOD
        id_token = request.session.get("oidc_id_token", "")
        response = super().post(request, *args, **kwargs)
        if through_provider and sso.is_enabled():
            url = sso.end_session_url(
                id_token=id_token, post_logout_redirect_uri=request.build_absolute_uri(reverse("sign-in"))
            )
            if url:
                request.session[PROVIDER_SIGN_OUT] = url
                return redirect("sso-signed-out")
        return response


def signed_out(request):
    """You have signed out of the register; you may still be signed in at the provider: sign out there too."""
    url = request.session.pop(PROVIDER_SIGN_OUT, "")
    if not url:
        return redirect("sign-in")
    return render(request, "registration/sso_signed_out.html", {"provider_sign_out_url": url})
