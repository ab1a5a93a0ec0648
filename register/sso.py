"""Single sign-on with the council's OpenID Connect provider: the provider's configuration, and the
mozilla-django-oidc backend, a thin adapter over the matching rule (register/services/sign_in/single_sign_on.py).

The library checks the ID token's signature against the provider's published keys and its nonce; this
backend also checks what the library leaves out (the issuer, the audience and authorised party, the
expiry and issue time), names the person by "<issuer> <subject>" and never by an e-mail address alone,
and says why in words when it refuses (``SingleSignOnRefused``), so that the callback page can record it.
"""

import threading

import jwt
import requests
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, SuspiciousOperation
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from register.addresses import client_address
from register.selectors.people import is_signed_in_allowed
from register.selectors.standing import people_with_standing
from register.services.sign_in.single_sign_on import (
    ProviderIdentity,
    SingleSignOnRefused,
    person_for_provider_identity,
)

# The settings read from the provider's discovery document when not given, and the document's names for them.
DISCOVERED = {
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "authorization_endpoint",
    "OIDC_OP_TOKEN_ENDPOINT": "token_endpoint",
    "OIDC_OP_USER_ENDPOINT": "userinfo_endpoint",
    "OIDC_OP_JWKS_ENDPOINT": "jwks_uri",
    "OIDC_OP_END_SESSION_ENDPOINT": "end_session_endpoint",
}

_discovery_lock = threading.Lock()
_discovered: dict[str, dict] = {}


class ProviderUnreachable(Exception):
    """The provider's discovery document could not be read."""


def is_enabled() -> bool:
    return bool(getattr(settings, "OIDC_ISSUER", ""))


def discovery_document(issuer: str) -> dict:
    """The provider's /.well-known/openid-configuration, read once per issuer and kept by the process."""
    document = _discovered.get(issuer)
    if document is not None:
        return document
    with _discovery_lock:
        if issuer not in _discovered:
            url = issuer.rstrip("/") + "/.well-known/openid-configuration"
            try:
                response = requests.get(url, timeout=settings.OIDC_TIMEOUT)
                response.raise_for_status()
                document = response.json()
            except (requests.RequestException, ValueError) as error:
                raise ProviderUnreachable(f"The provider's discovery document could not be read ({error}).") from error
            if document.get("issuer") != issuer:
                raise ProviderUnreachable("The provider's discovery document names another issuer.")
            _discovered[issuer] = document
    return _discovered[issuer]


def forget_discovery() -> None:
    """Read the discovery document again next time (tests that start a provider on a new port)."""
    with _discovery_lock:
        _discovered.clear()


def provider_setting(name: str, *default):
    """A setting of mozilla-django-oidc, with the provider's endpoints from its discovery document
    when the settings leave them empty."""
    value = getattr(settings, name, *default) if default else getattr(settings, name)
    if name in DISCOVERED and not value:
        if not is_enabled():
            raise ImproperlyConfigured("Single sign-on is off: OIDC_ISSUER is empty.")
        value = discovery_document(settings.OIDC_ISSUER).get(DISCOVERED[name], "")
    return value


def end_session_url(*, id_token: str, post_logout_redirect_uri: str) -> str:
    """Where to send a person to sign out at the provider too, or "" when the provider has no such endpoint."""
    from urllib.parse import urlencode

    try:
        endpoint = provider_setting("OIDC_OP_END_SESSION_ENDPOINT")
    except ProviderUnreachable:
        return ""
    if not endpoint:
        return ""
    params = {"post_logout_redirect_uri": post_logout_redirect_uri, "client_id": settings.OIDC_RP_CLIENT_ID}
    if id_token:
        params["id_token_hint"] = id_token
    return f"{endpoint}{'&' if '?' in endpoint else '?'}{urlencode(params)}"


class SingleSignOnFailed(Exception):
    """The sign-in itself failed (the token, the provider): ``reason`` says why, in words."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class SingleSignOnBackend(OIDCAuthenticationBackend):
    """mozilla-django-oidc's backend, matching on the provider's subject. Django asks it only from the
    callback (its ``authenticate`` takes the nonce and code verifier, which no sign-in form sends)."""

    def __init__(self, *args, **kwargs):
        # The library reads the endpoints when the backend is made; here they are read when first used,
        # so that Django can make the backend (it does for every sign-in) with single sign-on off.
        from django.contrib.auth import get_user_model

        self.UserModel = get_user_model()

    get_settings = staticmethod(provider_setting)

    @property
    def OIDC_OP_TOKEN_ENDPOINT(self):  # noqa: N802 (the library's name)
        return provider_setting("OIDC_OP_TOKEN_ENDPOINT")

    @property
    def OIDC_OP_USER_ENDPOINT(self):  # noqa: N802
        return provider_setting("OIDC_OP_USER_ENDPOINT")

    @property
    def OIDC_OP_JWKS_ENDPOINT(self):  # noqa: N802
        return provider_setting("OIDC_OP_JWKS_ENDPOINT")

    @property
    def OIDC_RP_CLIENT_ID(self):  # noqa: N802
        return settings.OIDC_RP_CLIENT_ID

    @property
    def OIDC_RP_CLIENT_SECRET(self):  # noqa: N802
        return settings.OIDC_RP_CLIENT_SECRET

    OIDC_RP_SIGN_ALGO = "RS256"
    OIDC_RP_IDP_SIGN_KEY = None

    def authenticate(self, request, *, nonce, code_verifier):
        """The person the provider's answer names. Raises ``SingleSignOnFailed`` when the answer
        cannot be trusted and ``SingleSignOnRefused`` when it names nobody who may sign in."""
        if request is None or not is_enabled():
            return None
        self.request = request
        code = request.GET.get("code")
        if not code:
            raise SingleSignOnFailed("The provider's answer had no authorisation code.")
        from django.urls import reverse
        from mozilla_django_oidc.utils import absolutify

        payload = {
            "client_id": self.OIDC_RP_CLIENT_ID,
            "client_secret": self.OIDC_RP_CLIENT_SECRET,
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": absolutify(request, reverse(settings.OIDC_AUTHENTICATION_CALLBACK_URL)),
            "code_verifier": code_verifier,
        }
        try:
            token_info = self.get_token(payload)
        except requests.HTTPError as error:
            response = error.response
            detail = ""
            try:
                detail = response.json().get("error", "") if response is not None else ""
            except ValueError:
                pass
            raise SingleSignOnFailed(
                "The provider refused to exchange the authorisation code"
                + (f" ({detail})" if detail else "")
                + ": it may have been used already or have expired."
            ) from error
        except (requests.RequestException, ProviderUnreachable) as error:
            raise SingleSignOnFailed("The provider could not be reached to exchange the authorisation code.") from error
        id_token = token_info.get("id_token")
        if not id_token:
            raise SingleSignOnFailed("The provider's answer had no ID token.")
        claims = self.verify_token(id_token, nonce=nonce)
        self.store_tokens(token_info.get("access_token"), id_token)
        identity = self.identity(claims, access_token=token_info.get("access_token"))
        return person_for_provider_identity(
            identity=identity,
            trust_email_without_verified=settings.OIDC_TRUST_EMAIL_WITHOUT_VERIFIED,
            address=client_address(request),
        )

    def verify_token(self, token, **kwargs):
        """The ID token's claims, once its signature (against the provider's published keys), issuer,
        audience, authorised party, times and nonce have all been checked."""
        if not isinstance(token, str):
            raise SingleSignOnFailed("The provider's ID token was not a token.")
        try:
            header = jwt.get_unverified_header(token)
        except jwt.InvalidTokenError as error:
            raise SingleSignOnFailed("The ID token could not be read.") from error
        if header.get("alg") != self.OIDC_RP_SIGN_ALGO:
            raise SingleSignOnFailed(f"The ID token was not signed with {self.OIDC_RP_SIGN_ALGO}.")
        try:
            key = self.retrieve_matching_jwk(token)
        except (SuspiciousOperation, KeyError, jwt.InvalidTokenError) as error:
            raise SingleSignOnFailed("The ID token was signed with a key the provider does not publish.") from error
        except (requests.RequestException, ProviderUnreachable) as error:
            raise SingleSignOnFailed("The provider's published keys could not be read.") from error
        try:
            claims = jwt.decode(
                token,
                key,
                algorithms=[self.OIDC_RP_SIGN_ALGO],
                audience=self.OIDC_RP_CLIENT_ID,
                issuer=settings.OIDC_ISSUER,
                leeway=settings.OIDC_CLOCK_SKEW_SECONDS,
                options={"require": ["iss", "aud", "exp", "iat"]},
            )
        except jwt.InvalidSignatureError as error:
            raise SingleSignOnFailed(
                "The ID token's signature did not verify against the provider's published keys."
            ) from error
        except jwt.ExpiredSignatureError as error:
            raise SingleSignOnFailed("The ID token had expired.") from error
        except jwt.InvalidIssuerError as error:
            raise SingleSignOnFailed(
                "The ID token was issued by another issuer than the council's provider."
            ) from error
        except jwt.InvalidAudienceError as error:
            raise SingleSignOnFailed("The ID token was issued for another client than the register.") from error
        except jwt.ImmatureSignatureError as error:
            raise SingleSignOnFailed("The ID token was issued in the future.") from error
        except jwt.MissingRequiredClaimError as error:
            raise SingleSignOnFailed(f"The ID token lacked its {error.claim} claim.") from error
        except jwt.InvalidTokenError as error:
            raise SingleSignOnFailed("The ID token was not valid.") from error
        audience = claims["aud"]
        if isinstance(audience, list) and len(audience) > 1 and claims.get("azp") != self.OIDC_RP_CLIENT_ID:
            raise SingleSignOnFailed("The ID token was issued for another client than the register.")
        if kwargs.get("nonce") is None or claims.get("nonce") != kwargs["nonce"]:
            raise SingleSignOnFailed("The ID token's nonce did not match the sign-in the register started.")
        return claims

    def identity(self, claims: dict, *, access_token: str | None) -> ProviderIdentity:
        """Who the verified claims name: the subject from the ID token; the e-mail address from it, or
        from the provider's user info (for the same subject) when the ID token carries none."""
        subject = str(claims.get(settings.OIDC_SUBJECT_CLAIM) or "")
        email, verified = claims.get("email") or "", claims.get("email_verified")
        if not email and access_token:
            try:
                if provider_setting("OIDC_OP_USER_ENDPOINT"):
                    info = self.get_userinfo(access_token, None, claims)
                    if info.get("sub") == claims.get("sub"):
                        email, verified = info.get("email") or "", info.get("email_verified")
            except (requests.RequestException, ValueError, ProviderUnreachable):
                pass
        return ProviderIdentity(
            issuer=claims["iss"], subject=subject, email=str(email), email_verified=verified in (True, "true")
        )

    def get_user(self, user_id):
        """As the password sessions' (register/backends.py): the person read with the rows of their
        standing in the same statement (``people_with_standing``)."""
        user = people_with_standing().filter(pk=user_id).first()
        return user if user is not None and is_signed_in_allowed(user) else None

    def user_can_authenticate(self, user) -> bool:
        return is_signed_in_allowed(user)

    # Nobody is matched by e-mail alone, nor created: both go through the rule above.
    def filter_users_by_claims(self, claims):
        return self.UserModel.objects.none()

    def get_or_create_user(self, access_token, id_token, payload):
        # Never reached (authenticate above does not call it); refuses rather than fall back on the library's.
        raise SingleSignOnFailed("Only the register's own matching rule may find a person.")


__all__ = ["SingleSignOnBackend", "SingleSignOnFailed", "SingleSignOnRefused", "ProviderUnreachable"]
