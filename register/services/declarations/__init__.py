"""Changes to relationship declarations between members and officers (B1-B7) and to the periodic
re-confirmation of them, in modules by what they do: declaring, the moves on a declaration once
made (acting), re-confirmation and its reminders (confirmations), and the reminder to declare an
interest at a meeting (at_meetings). The only code that changes these records.

Each service runs in one transaction, locks what it changes, asks the workflow (or, for a
confirmation, the policy) whether the actor may, saves with history (who, why) and writes its
notices in the same transaction.
"""

from register.services.declarations.acting import (
    declaration_acknowledge,
    declaration_end,
    declaration_reroute,
    declaration_review,
    declaration_withdraw,
)
from register.services.declarations.at_meetings import declare_at_meeting_remind
from register.services.declarations.confirmations import (
    confirmation_reminders_send,
    declarations_nothing_to_declare,
    declarations_reconfirm,
)
from register.services.declarations.declaring import declaration_submit

__all__ = [
    "confirmation_reminders_send",
    "declaration_acknowledge",
    "declaration_end",
    "declaration_reroute",
    "declaration_review",
    "declaration_submit",
    "declaration_withdraw",
    "declarations_nothing_to_declare",
    "declarations_reconfirm",
    "declare_at_meeting_remind",
]
