"""Concerns made through the services, for the concern tests (D1-D3, D6)."""

import datetime

from register import selectors
from register.services import people
from register.services.conduct import concerns as services


def raise_concern(raiser, concerned=None, **options):
    """A concern raised by ``raiser`` about ``concerned`` (a councillor's difficulty obtaining information
    when ``concerned`` is None and ``information`` is not said), through the service."""
    options.setdefault("information", concerned is None)
    options.setdefault("what_happened", "The officer shared our group's draft motion with another group.")
    options.setdefault("happened_on", selectors.today() - datetime.timedelta(days=2))
    return services.concern_raise(
        actor=raiser, reason=options.pop("reason", "Raised in a test"), concerned_person=concerned, **options
    )


def reports_to(council, officer, manager):
    """Democratic Services records that ``officer`` reports to ``manager`` (their line manager)."""
    return people.person_update(
        actor=council.democratic_services,
        reason="Line manager recorded",
        person=officer,
        changes={"reports_to": manager},
    )


def absent(council, role, days=1):
    """The holder of ``role`` (the Monitoring Officer, the Chief Executive) is recorded absent today."""
    today = selectors.today()
    return people.absence_record(
        actor=council.democratic_services,
        reason="Annual leave",
        start_date=today,
        end_date=today + datetime.timedelta(days=days - 1),
        role=role,
    )
