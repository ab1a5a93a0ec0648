"""Reads for a person's own sign-in: their API tokens (issue 18)."""

from register.models import ApiToken


def api_tokens_of(person):
    """Every token the person was issued, newest first: live, expired and revoked (nothing is deleted)."""
    return ApiToken.objects.filter(person=person).order_by("-created_at", "-pk")
