"""Signed checkpoints of the history and the access log (issue 20): C2SP tlog-checkpoints in signed notes.

The signing key comes from the environment or a file, never from the database: a copy of the
database alone cannot sign a checkpoint, so a checkpoint published outside the register pins the
history down. Each checkpoint keeps the public key that checks it, so that checkpoints signed before
a key rotation stay checkable and their key stays published.
"""

import functools
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone

from register import transparency
from register.models import Checkpoint, TransparencyLog
from register.services.audit import tree

KEY_HELP = (
    "Generate one with `python manage.py generate_signing_key` and give it to the register in "
    "HISTORY_SIGNING_KEY_FILE (a file readable only by the register) or HISTORY_SIGNING_KEY."
)


def origin(log: str) -> str:
    """The log's origin line: the register's name for it, which every checkpoint of it starts with."""
    return f"{settings.TRANSPARENCY_ORIGIN}/{log}"


def signing_key() -> transparency.SignerKey:
    """The register's signing key, or ImproperlyConfigured saying what is missing or wrong. Never made up."""
    return _signing_key(settings.HISTORY_SIGNING_KEY, settings.HISTORY_SIGNING_KEY_FILE)


@functools.lru_cache(maxsize=4)
def _signing_key(text: str, path: str) -> transparency.SignerKey:
    if text and path:
        raise ImproperlyConfigured("Set HISTORY_SIGNING_KEY or HISTORY_SIGNING_KEY_FILE, not both.")
    if path:
        try:
            text = Path(path).read_text(encoding="ascii")
        except (OSError, UnicodeDecodeError) as error:
            raise ImproperlyConfigured(
                f"The history signing key file {path} cannot be read ({error}). {KEY_HELP}"
            ) from error
    if not text.strip():
        raise ImproperlyConfigured(f"The history signing key is not set, so no checkpoint can be signed. {KEY_HELP}")
    try:
        return transparency.SignerKey.parse(text)
    except transparency.ProofError as error:
        where = f"The file {path}" if path else "HISTORY_SIGNING_KEY"
        raise ImproperlyConfigured(f"{where} does not hold a signing key: {error} {KEY_HELP}") from error


def published_keys() -> list[transparency.VerifierKey]:
    """Every public key that has signed a checkpoint here, and the current one: what a checker trusts."""
    texts = set(Checkpoint.objects.values_list("verifier_key", flat=True).distinct())
    try:
        texts.add(signing_key().verifier.text())
    except ImproperlyConfigured:
        pass
    return [transparency.VerifierKey.parse(text) for text in sorted(texts)]


def latest_checkpoint(log: str) -> Checkpoint | None:
    return Checkpoint.objects.filter(log=log).order_by("-tree_size", "-signed_at").first()


def sign_checkpoint(*, log: str, reason: str) -> Checkpoint | None:
    """Extend the log's tree and sign its size and root; None for a log with nothing in it yet.

    A log that has not grown since its last checkpoint under the same key is not signed again: the
    note would be the same, byte for byte (Ed25519 signatures are deterministic).
    """
    if log not in TransparencyLog.values:
        raise ValueError(f"No log {log!r}.")
    key = signing_key()
    verifier = key.verifier.text()
    with transaction.atomic():
        size = tree.extend_tree(log)
        if size == 0:
            return None
        latest = latest_checkpoint(log)
        if latest and latest.tree_size == size and latest.verifier_key == verifier:
            return latest
        root = tree.root_hash(log, size)
        body = transparency.CheckpointBody(origin(log), size, root).text()
        return Checkpoint.objects.create(
            log=log,
            tree_size=size,
            root_hash=root.hex(),
            note=key.sign(body),
            key_name=key.name,
            verifier_key=verifier,
            signed_at=timezone.now(),
            reason=reason[:200],
        )
