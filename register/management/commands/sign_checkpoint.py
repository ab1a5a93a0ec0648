"""`manage.py sign_checkpoint`: sign a checkpoint of the history and/or the access log now (issue 20).

    python manage.py sign_checkpoint                             # both logs, reason "on demand"
    python manage.py sign_checkpoint --log history --reason "key rotated"

Prints each signed note, as published. A log that has not grown since its last checkpoint under the
same key is not signed again: its last checkpoint is printed.
"""

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from register.models import TransparencyLog
from register.services.audit import checkpoints


class Command(BaseCommand):
    help = "Sign a checkpoint (size and root hash) of the history and/or the access log, and print it."

    def add_arguments(self, parser):
        parser.add_argument("--log", choices=[*TransparencyLog.values, "all"], default="all")
        parser.add_argument("--reason", default="on demand", help="Why it is signed, kept with the checkpoint.")

    def handle(self, *args, log, reason, **options):
        reason = reason.strip()
        if not reason:
            raise CommandError("--reason must say why the checkpoint is signed.")
        logs = TransparencyLog.values if log == "all" else [log]
        for name in logs:
            try:
                checkpoint = checkpoints.sign_checkpoint(log=name, reason=reason)
            except ImproperlyConfigured as error:
                raise CommandError(str(error)) from error
            if checkpoint is None:
                self.stdout.write(f"The {name} log is empty: nothing to sign yet.\n")
                continue
            self.stdout.write(
                f"Checkpoint of the {name} log: {checkpoint.tree_size} entries, "
                f"signed {checkpoint.signed_at:%Y-%m-%d %H:%M:%S} UTC ({checkpoint.reason}), "
                f"public key {checkpoint.verifier_key}\n"
            )
            self.stdout.write(checkpoint.note, ending="")
            self.stdout.write("")
