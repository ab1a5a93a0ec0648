"""The provider's claims: a stable subject of its own (not the database id) and the e-mail address."""

from oauth2_provider.oauth2_validators import OAuth2Validator
from provider.users import BY_USERNAME


class TestUsersValidator(OAuth2Validator):
    oidc_claim_scope = {**OAuth2Validator.oidc_claim_scope, "email_verified": "email"}

    def get_additional_claims(self, request):
        user = request.user
        known = BY_USERNAME.get(user.username)
        return {
            "sub": known.sub if known else f"provider-{user.pk}",
            "email": user.email,
            "email_verified": known.email_verified if known else True,
            "name": user.get_full_name() or user.username,
        }
