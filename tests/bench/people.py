"""Whom the bench signs in as, and how: as those people would, with a code from an authenticator app.

The Chief Executive and the auditor must sign in with a code (TWO_FACTOR_REQUIRED is on in production and
on the bench's stack), so ``bench_seed`` gives each an authenticator app through the register's own
service, and the bench's sessions are verified by it.
"""

import time

from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP

from register.models import Person
from register.services.sign_in import two_factor

SIGNED_IN_AS = ("chief-executive", "auditor")


def authenticator_for(person: Person) -> None:
    """Set up ``person``'s two-factor sign-in through the register's own service, once."""
    if two_factor.has_two_factor(person):
        return
    device = two_factor.pending_authenticator(person)
    two_factor.set_up_two_factor(person=person, device=device, code=authenticator_code(device))


def authenticator_code(device) -> str:
    """The code the authenticator app shows now. A code is accepted once (django-otp remembers the last
    time step used), so a second code waits for the next step."""
    while True:
        device.refresh_from_db()
        code = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
        if device.last_t is None or code.t() > device.last_t:
            return f"{code.token():0{device.digits}d}"
        time.sleep(1)


def signed_in_client(username: str) -> Client:
    """An in-process client signed in as ``username`` (the view runs in this process), its session
    verified by their authenticator app when they have one, as their own would be."""
    client = Client(HTTP_X_FORWARDED_PROTO="https")
    person = Person.objects.get(username=username)
    client.force_login(person)
    device = two_factor.authenticator_of(person)
    if device is not None:
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client
