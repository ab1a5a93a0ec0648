"""Changes a provider user's e-mail address (as a council's directory might): set_email USERNAME ADDRESS."""

from django.contrib.auth.models import User
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("email")

    def handle(self, *args, username, email, **options):
        user = User.objects.get(username=username)
        user.email = email
        user.save(update_fields=["email"])
