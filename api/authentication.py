"""Bearer tokens for the API (issue 18), issued and checked by ``register.services.sign_in.tokens``:
kept only as hashes, expiring, revoked on sign-out, and refused for leavers as the pages refuse
their sessions. "Bearer" is the scheme (RFC 6750); "Token", the scheme of the tokens before, is
accepted too, so that existing clients keep working with their new tokens."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header

from register import selectors
from register.services.sign_in.tokens import TokenRefused, authenticate_token

SCHEMES = (b"bearer", b"token")
CHALLENGE = 'Bearer realm="api"'


class TokenNotAccepted(exceptions.AuthenticationFailed):
    """A 401 whose problem type says why: token-expired, token-revoked, token-unknown, token-holder-left."""

    CODES = {
        "expired": "token_expired",
        "revoked": "token_revoked",
        "unknown": "token_unknown",
        "left": "token_holder_left",
    }

    def __init__(self, refusal: TokenRefused):
        super().__init__(refusal.message)
        self.why = refusal.why
        # api/errors.py names the problem after the exception's code.
        self.default_code = self.CODES[refusal.why]


class ExpiringTokenAuthentication(BaseAuthentication):
    def authenticate(self, request):
        words = get_authorization_header(request).split()
        if not words or words[0].lower() not in SCHEMES:
            return None
        if len(words) != 2:
            raise exceptions.AuthenticationFailed("Give the token after the word Bearer, with one space between.")
        try:
            token = words[1].decode("ascii")
        except UnicodeDecodeError:
            raise TokenNotAccepted(TokenRefused("unknown")) from None
        try:
            record = authenticate_token(token)
        except TokenRefused as refusal:
            request._token_refused = refusal.why
            raise TokenNotAccepted(refusal) from None
        return selectors.standing_loaded_with(record, record.person), record

    def authenticate_header(self, request):
        why = getattr(request, "_token_refused", None)
        if why is None:
            return CHALLENGE
        description = TokenRefused.MESSAGES[why].replace('"', "'")
        return f'{CHALLENGE}, error="invalid_token", error_description="{description}"'


class ExpiringTokenScheme(OpenApiAuthenticationExtension):
    """The schema's security scheme for these tokens: HTTP bearer, from POST /api/token/."""

    target_class = "api.authentication.ExpiringTokenAuthentication"
    name = "bearerAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A token from POST /api/token/, sent as 'Authorization: Bearer <token>'. It expires "
            "(expires_at), and is revoked by POST /api/token/revoke/, by signing out and by leaving.",
        }
