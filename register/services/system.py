"""The system user: the person that changes made by the register itself are attributed to (C1).

A module of its own, below people and notifications, which both need it (no import cycle among the services).
"""

import copy

from django.db import transaction

from register.models import Person

SYSTEM_USERNAME = "system"

# The system user, once looked up, for the rest of this request or task (see forget_system_user).
_known_system_user: dict[str, Person] = {}


def system_user() -> Person:
    """The person that changes made by the register itself are attributed to (C1).

    Looked up once and then kept by this process: a delivery worker attributes every notice it
    delivers to it, and the lookup was a tenth of the worker's time. What is kept is a copy, so
    that no caller changes the one the next caller gets. It is forgotten at the start of every
    request and task (``forget_system_user``), so a database that lost the row since (a test's
    rolled-back transaction, a flushed database) has it looked up, or made, again.
    """
    known = _known_system_user.get("person")
    if known is None:
        known, created = _system_user_from_the_database()
        if created:
            return known  # not kept until it is seen committed: the transaction making it may yet roll back
        _known_system_user["person"] = known
    return copy.copy(known)


def forget_system_user(**signal_arguments) -> None:
    """Look the system user up again next time it is needed (connected to the start of each request and task)."""
    _known_system_user.clear()


def _system_user_from_the_database() -> tuple[Person, bool]:
    person = Person.objects.filter(username=SYSTEM_USERNAME).first()
    if person is not None:
        return person, False
    person = Person(username=SYSTEM_USERNAME, first_name="The register", kind=Person.Kind.SYSTEM, is_active=False)
    person.set_unusable_password()
    with transaction.atomic():
        # Nobody caused the system user's creation but the register itself: its first history row
        # names the system user, like every other change the register makes on its own (C1).
        person._history_user = person
        person._change_reason = "The register's system user, created on first use"
        person.save()
    return person, True
