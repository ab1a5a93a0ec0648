"""The provider's people, whose subjects and e-mail addresses the tests know."""

from dataclasses import dataclass


@dataclass(frozen=True)
class ProviderUser:
    username: str
    password: str
    email: str
    sub: str
    email_verified: bool = True


# An officer the register knows by this e-mail address (the tests record it on a person).
OFFICER = ProviderUser(
    "olivia.officer", "provider-password-1", "olivia.officer@council.example", "b7c5e0a4-officer-olivia"
)
# Someone the register does not know: no person has this e-mail address.
STRANGER = ProviderUser("sam.stranger", "provider-password-2", "sam.stranger@elsewhere.example", "0d9f-stranger-sam")
# A known address that the provider has not verified: not enough to link.
UNVERIFIED = ProviderUser(
    "una.unverified", "provider-password-3", "una.unverified@council.example", "41aa-unverified-una", False
)
# For the rules about shared and already-linked addresses.
SECOND = ProviderUser("sid.second", "provider-password-4", "sid.second@council.example", "9e01-second-sid")
USERS = (OFFICER, STRANGER, UNVERIFIED, SECOND)
BY_USERNAME = {user.username: user for user in USERS}

CLIENT_ID = "member-officer-register"
CLIENT_SECRET = "register-client-secret-for-tests-only"
# Loopback (RFC 8252): any port. "testserver" is Django's test client, which never reaches the provider.
REDIRECT_URIS = "http://localhost/oidc/callback/ http://127.0.0.1/oidc/callback/"
POST_LOGOUT_REDIRECT_URIS = "http://localhost/sign-in/ http://127.0.0.1/sign-in/"
