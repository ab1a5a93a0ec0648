"""`manage.py generate_signing_key`: a new Ed25519 key for signing the register's checkpoints (issue 20).

    python manage.py generate_signing_key --out /run/secrets/history_signing_key   # written with mode 0600
    python manage.py generate_signing_key > key.txt                                # only the key on stdout
    python manage.py generate_signing_key --out var/history-signing.key --if-missing  # make run's

The private key goes to the file (or standard output), never into the database; the public key, which
anyone checks checkpoints with, and the settings that give the key to the register are printed with it.
"""

import os
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from register import transparency


class Command(BaseCommand):
    help = "Make an Ed25519 key for signing checkpoints of the history and the access log (issue 20)."
    # Runs before a key exists: the register's check that one is set would stop it.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument(
            "--name",
            default=None,
            help="The key's name, in every signature it makes (default: TRANSPARENCY_ORIGIN, the register's name).",
        )
        parser.add_argument(
            "--out",
            metavar="FILE",
            help="Write the private key to FILE, readable only by its owner (mode 0600). "
            "Without it the private key is printed on standard output and the rest on standard error.",
        )
        parser.add_argument(
            "--if-missing",
            action="store_true",
            help="When FILE already holds a key, keep it and do nothing (without this, an existing FILE is refused).",
        )

    def handle(self, *args, name, out, if_missing, verbosity, **options):
        self.verbosity = verbosity
        if if_missing and not out:
            raise CommandError("--if-missing needs --out FILE: it keeps the key already in that file.")
        path = Path(out).resolve() if out else None
        if path is not None and path.exists():
            if not if_missing:
                raise CommandError(
                    f"{path} already exists: it may hold the key that signed the register's checkpoints, so it is "
                    "not overwritten. To rotate the key, write the new one to another file (docs/signing-key.md)."
                )
            key = self._read(path)
            self._tell(f"{path} already holds a signing key; it is kept.", key, path, self.stdout)
            return
        try:
            key = transparency.SignerKey.generate(name or settings.TRANSPARENCY_ORIGIN)
        except transparency.ProofError as error:
            raise CommandError(f"--name: {error}") from error
        if path is None:
            self.stdout.write(key.text())
            self._tell("That is the private key: keep it secret.", key, None, self.stderr)
            return
        try:
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except OSError as error:
            raise CommandError(f"Cannot write {path}: {error.strerror}.") from error
        with os.fdopen(descriptor, "w", encoding="ascii") as file:
            file.write(key.text() + "\n")
        self._tell(f"The private key is in {path} (readable only by its owner).", key, path, self.stdout)

    def _read(self, path: Path) -> transparency.SignerKey:
        try:
            return transparency.SignerKey.parse(path.read_text(encoding="ascii"))
        except (OSError, UnicodeDecodeError, transparency.ProofError) as error:
            raise CommandError(f"{path} exists but does not hold a signing key ({error}); not overwritten.") from error

    def _tell(self, first: str, key: transparency.SignerKey, path: Path | None, stream) -> None:
        if path is not None and self.verbosity == 0:
            return
        where = (
            f"    HISTORY_SIGNING_KEY_FILE={path}"
            if path
            else "    HISTORY_SIGNING_KEY=<the private key printed above>\n"
            "or save it in a file readable only by the register's user and set\n"
            "    HISTORY_SIGNING_KEY_FILE=<that file>"
        )
        stream.write(
            f"{first}\n\n"
            "The public key, which checks every checkpoint this key signs (publish it; it is not secret):\n"
            f"    {key.verifier.text()}\n\n"
            "Give the register the key with this setting (and restart the web, worker and beat processes):\n"
            f"{where}\n"
            "Then sign a first checkpoint with it:\n"
            '    python manage.py sign_checkpoint --reason "new signing key"\n'
        )
