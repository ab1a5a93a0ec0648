"""Creates the provider's users and the register's client (after migrate)."""

from django.contrib.auth.models import User
from django.core.management.base import BaseCommand
from oauth2_provider.models import Application
from provider import users


class Command(BaseCommand):
    def handle(self, *args, **options):
        for known in users.USERS:
            user = User.objects.filter(username=known.username).first() or User(username=known.username)
            user.email = known.email
            user.set_password(known.password)
            user.save()
        Application.objects.filter(client_id=users.CLIENT_ID).delete()
        Application.objects.create(
            name="Member/officer register (tests)",
            client_id=users.CLIENT_ID,
            client_secret=users.CLIENT_SECRET,
            client_type=Application.CLIENT_CONFIDENTIAL,
            authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
            redirect_uris=users.REDIRECT_URIS,
            post_logout_redirect_uris=users.POST_LOGOUT_REDIRECT_URIS,
            algorithm=Application.RS256_ALGORITHM,
            skip_authorization=True,
        )
