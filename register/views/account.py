"""Your account (issue 18): how you are signed in, "sign out everywhere", and your API tokens.
Democratic Services sign another person out everywhere from that person's page. The services
(register/services/sign_in/) decide who may; these pages only ask and show."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from register.addresses import client_address
from register.errors import NotFound, RuleViolation
from register.forms_declarations import RegisterForm
from register.models import ApiToken, Person
from register.policies.calendar_feeds import calendar_feed_kinds
from register.selectors import clock
from register.selectors.accounts import api_tokens_of
from register.services.sign_in import sessions, tokens, two_factor
from register.views.attendance.common import posted
from register.views.context import standing
from register.views.domain_errors import form_page


def session_timeouts(request) -> dict:
    """The timeouts the "you will be signed out soon" warning counts down (frontend/static/register/
    session-timeout.js reads them from the page's body)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "session_idle_seconds": int(sessions.idle_timeout().total_seconds()),
        "session_remaining_seconds": int(sessions.remaining(request.session, clock.now()).total_seconds()),
        "session_warning_seconds": settings.SESSION_WARNING_SECONDS,
    }


@login_required
def index(request):
    """How you are signed in, sign out everywhere, and the links to your API tokens, your password and
    your two-factor sign-in."""
    session = request.session
    method = sessions.method_of(session)
    return render(
        request,
        "register/account/index.html",
        {
            "signed_in_at": sessions.moment(session, sessions.SIGNED_IN_AT),
            "method": "Single sign-on" if method == "single-sign-on" else "Username and password",
            "idle_minutes": settings.SESSION_IDLE_MINUTES,
            "absolute_hours": settings.SESSION_ABSOLUTE_HOURS,
            "live_tokens": sum(1 for token in api_tokens_of(request.user) if token.is_live_at(clock.now())),
            "has_password": request.user.has_usable_password(),
            "has_two_factor": two_factor.has_two_factor(request.user),
            "recovery_codes_left": two_factor.recovery_codes_left(request.user),
            "calendar_feeds": bool(calendar_feed_kinds(standing(request))),
        },
    )


@login_required
@require_POST
def sign_out_everywhere(request):
    """Sign yourself out of every browser and revoke your API tokens; this session ends too."""
    person = request.user
    sessions.sign_out_everywhere(
        actor=person, person=person, reason="Asked for by themselves", address=client_address(request)
    )
    # The session's hash no longer matches: end it here rather than at the next request, so that the
    # message reaches the sign-in page.
    request.session.flush()
    request.user = AnonymousUser()
    messages.success(request, "You have been signed out everywhere, and your API tokens have been revoked.")
    return redirect("sign-in")


@require_POST
def keep_alive(request):
    """ "Stay signed in": the request itself is the activity. 204 while signed in; once the session has
    ended the middleware has already answered with the sign-in page."""
    if not request.user.is_authenticated:
        return HttpResponse(status=401)
    sessions.mark_active(request.session)
    return HttpResponse(status=204)


class IssueTokenForm(RegisterForm):
    submit_label = "Issue a token"

    client = forms.CharField(
        label="What is the token for?",
        help_text="For example, the reporting spreadsheet. A new token for the same thing replaces the old one.",
        max_length=100,
        error_messages={
            "required": "Say what the token is for",
            "max_length": "Say what the token is for in 100 characters or fewer",
        },
    )


@never_cache
@login_required
def api_tokens(request):
    """Your API tokens, with a button to revoke each live one, and a form to issue one: the token is
    shown on the page that issues it, once (the register keeps only its hash)."""
    form = IssueTokenForm(posted(request))
    issued = None
    if request.method == "POST" and form.is_valid():
        try:
            issued = tokens.issue_token(
                actor=request.user,
                person=request.user,
                client=form.cleaned_data["client"],
                address=client_address(request),
            )
        except RuleViolation as error:
            form.refuse(error)
        else:
            form = IssueTokenForm()
    now = clock.now()
    rows = [(token, _state_of(token, now)) for token in api_tokens_of(request.user)]
    return form_page(
        request,
        "register/account/tokens.html",
        {"rows": rows, "issued": issued, "hours": settings.API_TOKEN_HOURS},
        form=form,
    )


def _state_of(token: ApiToken, now) -> str:
    if token.revoked_at is not None:
        return "Revoked"
    return "Live" if token.expires_at > now else "Expired"


@login_required
@require_POST
def revoke_api_token(request, token_id: int):
    token = ApiToken.objects.select_related("person").filter(pk=token_id).first()
    if token is None:
        raise NotFound("No such API token.")
    tokens.revoke_token(
        actor=request.user, token=token, reason="Revoked by its holder", address=client_address(request)
    )
    messages.success(request, f"The token for {token.client} ({token.prefix}…) has been revoked.")
    return redirect("account:tokens")


class SignOutEverywhereForm(RegisterForm):
    submit_label = "Sign them out everywhere"

    reason = forms.CharField(
        label="Why?",
        help_text="For example: they have left the council; a lost laptop. Kept in their history with your name.",
        max_length=200,
        error_messages={"required": "Say why they are signed out everywhere"},
    )


@login_required
def sign_person_out_everywhere(request, pk: int):
    """Democratic Services end every session of a person and revoke their API tokens (a leaver, a lost
    laptop). Anyone else is told the page is not found, or that only Democratic Services may."""
    person = get_object_or_404(Person.objects.exclude(kind=Person.Kind.SYSTEM), pk=pk)
    # Democratic Services' page (a person signs themselves out from /account/): the service's refusal.
    sessions.require_may_sign_out(standing(request), person, own_allowed=False)
    form = SignOutEverywhereForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            revoked = sessions.sign_out_everywhere(
                actor=request.user, person=person, reason=form.cleaned_data["reason"], address=client_address(request)
            )
        except RuleViolation as error:
            form.refuse(error)
        else:
            if person.pk == request.user.pk:
                request.session.flush()
                request.user = AnonymousUser()
                messages.success(request, "You have been signed out everywhere.")
                return redirect("sign-in")
            messages.success(
                request,
                f"{person} has been signed out everywhere; {revoked} API token{'s' if revoked != 1 else ''} revoked.",
            )
            return redirect("people:detail", person.pk)
    return form_page(request, "register/account/sign_person_out.html", {"person": person}, form=form)
