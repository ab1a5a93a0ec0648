"""Two-factor sign-in (issue 18): a code from an authenticator app (django-otp's TOTP device) after the
password, or one of ten recovery codes (a static device) when the phone is not to hand.

Who must use it is a policy (``policies.needs_two_factor``) and a setting (TWO_FACTOR_REQUIRED); anyone
else may choose to. Single sign-on is exempt: the council's provider asks for its own second factor.

django-otp's devices are not tracked by simple-history, so nothing here deletes one: set-up confirms a
new device and retires the ones before it (unconfirmed, renamed with when and why), and every set-up,
reset, wrong code and recovery code used leaves a line in the sign-in history and, for a set-up or a
reset, a row in the person's own history naming who did it. A code is never written anywhere."""

import datetime
import math
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_otp.models import VerifyNotAllowed
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from register import policies
from register.errors import NotFound, NotPermitted, RuleViolation
from register.models import Person, SignInEvent
from register.selectors import clock, standing_of
from register.services.history import save_with_history
from register.services.sign_in.events import record_sign_in_event

Kind = SignInEvent.Kind
Method = SignInEvent.Method

RECOVERY_CODE_COUNT = 10
# A device waiting for its first code; once confirmed it is the person's authenticator app.
PENDING = "Waiting for its first code"
CONFIRMED = "Authenticator app"
RECOVERY_CODES = "Recovery codes"
CODE_FIELD = "code"


@dataclass(frozen=True)
class CodeChecked:
    """What a code given at sign-in did: the device that accepted it (None if refused), whether it was
    a recovery code, and when a refused person may try again (django-otp's throttling)."""

    device: object | None
    recovery: bool = False
    wait_until: datetime.datetime | None = None

    @property
    def accepted(self) -> bool:
        return self.device is not None


def is_required_for(person: Person, *, sign_in_method: str = Method.PASSWORD, standing=None) -> bool:
    """Whether ``person`` must sign in with a second factor: those the policy names, when the setting
    is on, who sign in with the register's own password (not through single sign-on)."""
    if not settings.TWO_FACTOR_REQUIRED or sign_in_method == Method.SINGLE_SIGN_ON:
        return False
    if not person.has_usable_password():
        return False
    return policies.needs_two_factor(standing or standing_of(person))


def authenticator_of(person: Person) -> TOTPDevice | None:
    """The person's confirmed authenticator app, if they have set one up."""
    return TOTPDevice.objects.filter(user=person, confirmed=True).order_by("-id").first()


def has_two_factor(person: Person) -> bool:
    return TOTPDevice.objects.filter(user=person, confirmed=True).exists()


def recovery_codes_left(person: Person) -> int:
    return StaticToken.objects.filter(device__user=person, device__confirmed=True).count()


def second_factor_needed(person: Person) -> bool:
    """Whether a password alone is not enough for ``person`` (the sign-in page, the API's token): they
    must use two-factor sign-in, or they chose to."""
    return is_required_for(person) or has_two_factor(person)


def check_second_factor(person: Person, code: str, *, address: str | None = None, method: str = Method.API) -> bool:
    """Whether ``code`` (from the authenticator app, or a recovery code) is right for ``person`` now.
    Someone who must use two-factor sign-in but has not set it up has no code that works: they set it up
    on the pages first. Each wrong code and each recovery code used is a line in the sign-in history."""
    return check_code(person, code, address=address, method=method).accepted


def check_code(person: Person, code: str, *, address: str | None = None, method: str = Method.PASSWORD) -> CodeChecked:
    """Check a code given at sign-in against the person's confirmed devices: six digits go to the
    authenticator app, anything else to the recovery codes (which then work no more). django-otp
    throttles each device after a wrong code (OTP_TOTP_THROTTLE_FACTOR): while it does, even the
    right code is refused, and ``wait_until`` says until when."""
    code = "".join((code or "").split()).lower()
    recovery = not (len(code) == 6 and code.isdigit())
    model = StaticDevice if recovery else TOTPDevice
    checked = CodeChecked(device=None, recovery=recovery)
    with transaction.atomic():
        devices = list(model.objects.select_for_update().filter(user=person, confirmed=True).order_by("-id"))
        for device in devices:
            if code and device.verify_token(code):
                checked = CodeChecked(device=device, recovery=recovery)
                break
        else:
            checked = CodeChecked(device=None, recovery=recovery, wait_until=_throttled_until(devices))
    if not checked.accepted:
        record_sign_in_event(
            kind=Kind.TWO_FACTOR_FAILED,
            method=method,
            person=person,
            address=address,
            detail="Wrong recovery code" if recovery else "Wrong code from the authenticator app",
        )
    elif recovery:
        record_sign_in_event(
            kind=Kind.RECOVERY_CODE_USED,
            method=method,
            person=person,
            address=address,
            detail=f"{recovery_codes_left(person)} recovery codes left",
        )
    return checked


def _throttled_until(devices) -> datetime.datetime | None:
    latest = None
    for device in devices:
        allowed, data = device.verify_is_allowed()
        if not allowed and data and data.get("reason") == VerifyNotAllowed.N_FAILED_ATTEMPTS:
            delay = device.get_throttle_factor() * (2 ** (device.throttling_failure_count - 1))
            until = device.throttling_failure_timestamp + datetime.timedelta(seconds=delay)
            latest = until if latest is None or until > latest else latest
    return latest


def minutes_to_wait(person: Person) -> int:
    """Whole minutes (at least one) before django-otp lets ``person`` try a code from the app again."""
    devices = list(TOTPDevice.objects.filter(user=person, confirmed=True))
    until = _throttled_until(devices)
    if until is None:
        return 1
    return max(1, math.ceil((until - timezone.now()).total_seconds() / 60))


def pending_authenticator(person: Person) -> TOTPDevice:
    """The authenticator app being set up: one waiting for its first code, made now if there is none.
    Opening the set-up page again shows the same secret; a retired device's secret is never reused."""
    with transaction.atomic():
        Person.objects.select_for_update(no_key=True).get(pk=person.pk)
        device = TOTPDevice.objects.filter(user=person, confirmed=False, name=PENDING).order_by("-id").first()
        if device is None:
            device = TOTPDevice.objects.create(user=person, name=PENDING, confirmed=False)
    return device


def set_up_two_factor(*, person: Person, device: TOTPDevice, code: str, address: str | None = None) -> list[str]:
    """Confirm ``person``'s new authenticator app with a code from it, retire any before it, and give
    them ten new recovery codes, returned once to be shown once. A wrong code is refused, naming the
    field, and counted in the sign-in history."""
    code = "".join((code or "").split())
    with transaction.atomic():
        locked = Person.objects.select_for_update(no_key=True).get(pk=person.pk)
        device = TOTPDevice.objects.select_for_update().filter(pk=device.pk, user=locked, confirmed=False).first()
        if device is None:
            raise NotFound("This set-up has ended: start again from the two-factor sign-in page.")
        wait_until = _throttled_until([device])
        if not (len(code) == 6 and code.isdigit() and device.verify_token(code)):
            refused = True
        else:
            refused = False
            _retire_devices(locked, because=f"Replaced on {clock.now():%Y-%m-%d}")
            device.name = CONFIRMED
            device.confirmed = True
            device.save(update_fields=["name", "confirmed"])
            codes = _new_recovery_codes(locked)
            save_with_history(
                locked, actor=locked, reason="Set up two-factor sign-in", update_fields=["sessions_revoked_at"]
            )
    if refused:
        record_sign_in_event(
            kind=Kind.TWO_FACTOR_FAILED,
            method=Method.PASSWORD,
            person=person,
            address=address,
            detail="Wrong code while setting up two-factor sign-in",
        )
        if wait_until is not None and wait_until > timezone.now():
            raise RuleViolation(
                "That code was not accepted: after a wrong code you wait a few seconds before the next. "
                "Wait a moment, then enter the code your app shows then.",
                field=CODE_FIELD,
            )
        raise RuleViolation(
            "The code is not right: enter the 6-digit code your authenticator app shows now.", field=CODE_FIELD
        )
    record_sign_in_event(
        kind=Kind.TWO_FACTOR_SET_UP,
        method=Method.PASSWORD,
        person=person,
        address=address,
        detail=f"Authenticator app and {RECOVERY_CODE_COUNT} recovery codes",
    )
    return codes


def reset_two_factor(*, actor: Person, person: Person, reason: str, address: str | None = None) -> Person:
    """Democratic Services reset someone's two-factor sign-in (a lost phone): their authenticator app
    and recovery codes stop working (retired, not deleted), and at their next sign-in they set up a new
    one. The person's history and the sign-in history name who did it and why."""
    if not reason or not reason.strip():
        raise RuleViolation("Give a reason, for the history.", field="reason")
    if not policies.manages_sign_in(standing_of(actor), person):
        raise NotPermitted("Only Democratic Services reset a person's two-factor sign-in.")
    with transaction.atomic():
        locked = Person.objects.select_for_update(no_key=True).get(pk=person.pk)
        _retire_devices(locked, because=f"Reset on {clock.now():%Y-%m-%d} by {actor.username}")
        save_with_history(
            locked,
            actor=actor,
            reason=f"Two-factor sign-in reset: {reason.strip()}",
            update_fields=["sessions_revoked_at"],
        )
    record_sign_in_event(
        kind=Kind.TWO_FACTOR_RESET,
        method=Method.REGISTER,
        person=locked,
        address=address,
        detail=f"By {actor.get_full_name() or actor.username} ({actor.username}): {reason.strip()}"[:300],
    )
    return locked


def _retire_devices(person: Person, *, because: str) -> None:
    """Unconfirm every confirmed device of ``person`` (django-otp then refuses it, and a session it
    verified is no longer verified), keeping it with a name that says when and why."""
    for model in (TOTPDevice, StaticDevice):
        for device in model.objects.select_for_update().filter(user=person, confirmed=True):
            device.confirmed = False
            device.name = because[:64]
            device.save(update_fields=["confirmed", "name"])
        if model is TOTPDevice:
            # A set-up left half done is retired too: its secret may have been seen.
            for device in model.objects.select_for_update().filter(user=person, confirmed=False, name=PENDING):
                device.name = because[:64]
                device.save(update_fields=["name"])


def _new_recovery_codes(person: Person) -> list[str]:
    device = StaticDevice.objects.create(user=person, name=RECOVERY_CODES, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    for code in codes:
        device.token_set.create(token=code)
    return codes
