"""How people sign in: API tokens kept only as hashes, and the sign-in history (issue 18).

Neither is ever deleted (C3): a token is revoked or runs out, and a sign-in event is a fact. Both are
tracked by django-simple-history, so that they join the hash-chained audit timeline (C4)."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from register.models.history import HistoricalRecords

from .audit import Undeletable


class ApiToken(Undeletable):
    """A bearer token for the API. Only its SHA-256 digest is stored: the token itself is shown once,
    when it is issued. One live token per person per client: issuing again for a client revokes the
    one before. A token stops working when it expires, is revoked, or its holder signs out everywhere
    or leaves."""

    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="api_tokens")
    client = models.CharField(max_length=100, help_text="What the token is for, in its holder's words.")
    # The first characters of the token, shown on the tokens page so that a person can tell them apart.
    prefix = models.CharField(max_length=12)
    digest = models.CharField(max_length=64, unique=True, help_text="SHA-256 of the token, hex.")
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_because = models.CharField(max_length=200, blank=True)

    # The digest is kept out of the history: the history is exported to auditors.
    history = HistoricalRecords(excluded_fields=["digest", "last_used_at"])

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "client"], condition=Q(revoked_at__isnull=True), name="one_live_token_per_client"
            ),
        ]

    def __str__(self):
        return f"API token {self.prefix}… ({self.client})"

    def is_live_at(self, moment) -> bool:
        return self.revoked_at is None and self.expires_at > moment


class SignInEvent(Undeletable):
    """One line of the sign-in history: who (or which username) tried, how, from where, and what
    happened. Never a password, a code or a token."""

    class Kind(models.TextChoices):
        SIGNED_IN = "signed-in", "Signed in"
        FAILED = "failed", "Sign-in failed"
        SLOWED = "slowed", "Sign-in slowed (too many failures for the username)"
        LOCKED_OUT = "locked-out", "Address locked out"
        REFUSED = "refused", "Single sign-on refused"
        LINKED = "linked", "Single sign-on identity linked"
        SIGNED_OUT = "signed-out", "Signed out"
        SIGNED_OUT_EVERYWHERE = "signed-out-everywhere", "Signed out everywhere"
        SESSION_EXPIRED = "session-expired", "Session timed out"
        TWO_FACTOR_SET_UP = "two-factor-set-up", "Two-factor sign-in set up"
        TWO_FACTOR_FAILED = "two-factor-failed", "Two-factor code wrong"
        TWO_FACTOR_RESET = "two-factor-reset", "Two-factor sign-in reset"
        RECOVERY_CODE_USED = "recovery-code-used", "Recovery code used"
        PASSWORD_RESET_ASKED = "password-reset-asked", "Password reset asked for"
        PASSWORD_RESET = "password-reset", "Password reset"
        PASSWORD_RESET_REFUSED = "password-reset-refused", "Password reset link refused"
        PASSWORD_CHANGED = "password-changed", "Password changed"
        TOKEN_ISSUED = "token-issued", "API token issued"
        TOKEN_REVOKED = "token-revoked", "API token revoked"

    class Method(models.TextChoices):
        PASSWORD = "password", "Password"
        SINGLE_SIGN_ON = "single-sign-on", "Single sign-on"
        API = "api", "API"
        REGISTER = "register", "The register"

    at = models.DateTimeField()
    kind = models.CharField(max_length=32, choices=Kind.choices)
    method = models.CharField(max_length=16, choices=Method.choices)
    # The person, when the register knows who it was; otherwise only the username given.
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="sign_in_events"
    )
    username = models.CharField(max_length=150, blank=True, help_text="The username given, as given.")
    address = models.GenericIPAddressField(null=True, blank=True, help_text="The client's address.")
    detail = models.CharField(max_length=300, blank=True, help_text="Why, in words (never a password or code).")

    history = HistoricalRecords()

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["username", "at"]), models.Index(fields=["address", "at"])]

    def __str__(self):
        who = self.person or self.username or "someone"
        return f"{self.get_kind_display()}: {who}"
