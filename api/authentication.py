"""Token sign-in for the API, refusing leavers as the pages do (``register.backends``)."""

from rest_framework.authentication import TokenAuthentication
from rest_framework.exceptions import AuthenticationFailed

from register.backends import is_signed_in_allowed


class CurrentPeopleTokenAuthentication(TokenAuthentication):
    def authenticate_credentials(self, key):
        user, token = super().authenticate_credentials(key)
        if not is_signed_in_allowed(user):
            raise AuthenticationFailed("You have left the council, so you can no longer use the register.")
        return user, token
