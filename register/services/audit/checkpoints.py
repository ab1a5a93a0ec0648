"""Signed checkpoints of the history and the access log (issue 20): C2SP tlog-checkpoints in signed notes.

The signing key comes from the environment or a file, never from the database: a copy of the
database alone cannot sign a checkpoint, so a checkpoint published outside the register pins the
history down. Each checkpoint keeps the public key that checks it, so that checkpoints signed before
a key rotation stay checkable and their key stays published.
"""

import functools
import re
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone

from register import transparency
from register.models import Checkpoint, Notification, TransparencyLog
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


def published_keys(using: str = "default") -> list[transparency.VerifierKey]:
    """Every public key that has signed a checkpoint here, and the current one: what a checker trusts.
    A stored key that is not one is left out: the checkpoints naming it do not verify, and
    ``verify_history`` reports them."""
    texts = set(Checkpoint.objects.using(using).values_list("verifier_key", flat=True).distinct())
    try:
        texts.add(signing_key().verifier.text())
    except ImproperlyConfigured:
        pass
    keys = []
    for text in sorted(texts):
        try:
            keys.append(transparency.VerifierKey.parse(text))
        except transparency.ProofError:
            continue
    return keys


# The lines around a signed note in the daily notice (templates/notifications/history-head.*), so that a
# reader copies exactly the note and ``last_emailed_checkpoint`` finds it again.
NOTE_BEGIN = "-----BEGIN {} CHECKPOINT-----"
NOTE_END = "-----END {} CHECKPOINT-----"
LOG_LABELS = {TransparencyLog.HISTORY: "HISTORY", TransparencyLog.ACCESS: "ACCESS LOG"}


def note_markers(log: str) -> tuple[str, str]:
    """The lines the daily notice puts before and after the log's signed note."""
    return NOTE_BEGIN.format(LOG_LABELS[log]), NOTE_END.format(LOG_LABELS[log])


def note_in(text: str, log: str) -> str | None:
    """The signed note of ``log`` between its marker lines in a notice's text, exactly; None if it has none."""
    begin, end = note_markers(log)
    found = re.search(rf"^{re.escape(begin)}\n(.*?\n){re.escape(end)}$", text, re.M | re.S)
    return found[1] if found else None


def last_emailed_checkpoint(log: str = TransparencyLog.HISTORY) -> Checkpoint | None:
    """The checkpoint of ``log`` carried by the newest daily notice (``history-head``) e-mailed to the
    Monitoring Officer or an auditor; None if no e-mail sent has carried one.

    The note is read from the e-mail's text as sent, and the stored checkpoint with that exact note is
    returned. If none is stored any more (its row was removed behind the register), an unsaved
    Checkpoint made from the e-mailed note is returned instead (``pk`` None, no verifier key): the note
    itself is still what the recipients hold, and a history that no longer extends it must be caught.
    """
    begin, _ = note_markers(log)
    notice = (
        Notification.objects.filter(
            kind="history-head",
            channel=Notification.Channel.EMAIL,
            status=Notification.Status.SENT,
            body_text__contains=begin,
        )
        .order_by("-sent_at", "-pk")
        .only("body_text", "sent_at")
        .first()
    )
    note = notice and note_in(notice.body_text, log)
    if not note:
        return None
    stored = Checkpoint.objects.filter(log=log, note=note).order_by("signed_at").first()
    if stored is not None:
        return stored
    split = note.rfind("\n\n")
    body = transparency.parse_checkpoint(note[: split + 1])
    signer = note[split + 2 :].removeprefix(transparency.SIGNATURE_DASH).split(" ", 1)[0]
    return Checkpoint(
        log=log,
        tree_size=body.size,
        root_hash=body.root.hex(),
        note=note,
        key_name=signer,
        verifier_key="",
        signed_at=notice.sent_at,
        reason="e-mailed in the daily notice; not among the stored checkpoints",
    )


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
