"""The password sign-ins in the sign-in history (issue 18): every attempt at the pages or at /api/token/
leaves one line (``SignInEvent``), never with its password.

Django's ``user_logged_in`` and ``user_login_failed`` signals and django-axes' ``user_locked_out`` are
received here (connected in ``register/apps.py``):

- SIGNED_IN: a person signed in with their password (method "password"), or was given a token for it
  at /api/token/ (method "api": no session is started there, so the backend reports it);
- FAILED: a wrong password or an unknown username, in the same words for both (written by the backend
  within the username's turn, so that the next attempt sees it; ``user_login_failed`` only if not);
- SLOWED: refused before the password was checked, the username's delay not yet over;
- LOCKED_OUT: the address has just reached the limit of failures, or tried while locked out.

Single sign-on, two-factor, token and password-reset events are recorded by their own parts with the
same ``record_sign_in_event``; this module records nothing for a sign-in without a password."""

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_login_failed

from register.addresses import client_address
from register.models import SignInEvent
from register.services.sign_in.events import record_sign_in_event

Kind, Method = SignInEvent.Kind, SignInEvent.Method
FAILED_DETAIL = "Wrong password or unknown username"


def connect() -> None:
    user_logged_in.connect(record_password_sign_in, dispatch_uid="register.sign-in-history.signed-in")
    user_login_failed.connect(record_failed_sign_in, dispatch_uid="register.sign-in-history.failed")
    user_locked_out.connect(record_lockout, dispatch_uid="register.sign-in-history.locked-out")


def method_of(request) -> str:
    return Method.API if request.path.startswith("/api/") else Method.PASSWORD


def password_accepted(request, user) -> None:
    """Called by the backend when a password is right: the pages record the sign-in when the session
    starts (``user_logged_in``, after any further check); the API, which starts none, records it now."""
    if request is None:
        return
    request.password_accepted_for = user
    if method_of(request) == Method.API:
        record_sign_in_event(
            kind=Kind.SIGNED_IN, method=Method.API, person=user, address=client_address(request), detail="Password"
        )


def password_refused(request, username: str) -> None:
    """Called by the backend, within the username's turn, when the password is wrong or the username
    unknown: the line is written before the next attempt for the username may look at the count."""
    if getattr(request, "sign_in_recorded", False):
        return
    request.sign_in_recorded = True
    record_sign_in_event(
        kind=Kind.FAILED,
        method=method_of(request),
        username=username,
        address=client_address(request),
        detail=FAILED_DETAIL,
    )


def record_password_sign_in(sender, request=None, user=None, **kwargs) -> None:
    """A session started after the person's password was accepted in this very request. Sessions
    started otherwise (single sign-on, a test's force_login) are not password sign-ins."""
    if request is None or user is None or getattr(request, "password_accepted_for", None) is not user:
        return
    record_sign_in_event(kind=Kind.SIGNED_IN, method=method_of(request), person=user, address=client_address(request))


def record_failed_sign_in(sender, credentials=None, request=None, **kwargs) -> None:
    credentials = credentials or {}
    if request is None or "password" not in credentials or getattr(request, "sign_in_recorded", False):
        return
    refusal = getattr(request, "sign_in_refusal", None)
    username = str(credentials.get("username") or "")
    if refusal is not None and refusal.kind == Kind.LOCKED_OUT:
        return  # django-axes sends user_locked_out for it: record_lockout writes the line
    request.sign_in_recorded = True
    if refusal is not None:
        record_sign_in_event(
            kind=Kind.SLOWED,
            method=method_of(request),
            username=username,
            address=client_address(request),
            detail=f"Refused before the password was checked: wait {refusal.wait_seconds} s",
        )
        return
    record_sign_in_event(
        kind=Kind.FAILED,
        method=method_of(request),
        username=username,
        address=client_address(request),
        detail=FAILED_DETAIL,
    )


def record_lockout(sender, request=None, username=None, ip_address=None, **kwargs) -> None:
    """django-axes locked the address out on this failure, or refused an attempt while it is locked."""
    if request is None:
        return
    refused_while_locked = getattr(request, "sign_in_refusal", None) is not None
    if not refused_while_locked:
        # The failure that reached the limit: its own line first, whichever receiver runs first.
        record_failed_sign_in(sender, credentials={"username": username, "password": ""}, request=request)
    request.sign_in_recorded = True
    detail = (
        "Refused before the password was checked: the address is locked out"
        if refused_while_locked
        else "The address reached the limit of failed sign-ins and is locked out"
    )
    record_sign_in_event(
        kind=Kind.LOCKED_OUT,
        method=method_of(request),
        username=str(username or ""),
        address=ip_address or client_address(request),
        detail=detail,
    )
