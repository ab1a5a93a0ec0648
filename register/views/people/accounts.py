"""Accounts (issue 17, point 6): Democratic Services invite a person to set their password, and the
person sets it from the link in the e-mail. Nobody types or sends another person's password."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.tokens import default_token_generator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.encoding import force_str
from django.utils.http import urlsafe_base64_decode
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters

from register import selectors, workflow
from register.errors import RuleViolation
from register.forms_people_accounts import ChoosePasswordForm, InviteForm
from register.models import Person
from register.services.people import person_set_password
from register.services.people.accounts import person_invite_to_sign_in, valid_for_in_words
from register.views.attendance.common import posted
from register.views.domain_errors import form_page, require_move


@login_required
def invite(request, pk: int):
    """Confirm, with a reason, an invitation to set a password: Democratic Services only (the workflow's
    INVITE_TO_SIGN_IN); someone who has left cannot be invited (its state)."""
    person = get_object_or_404(Person.objects.exclude(kind=Person.Kind.SYSTEM), pk=pk)
    require_move(request, workflow.PERSON_RECORD, workflow.INVITE_TO_SIGN_IN, person)
    form = InviteForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            person_invite_to_sign_in(actor=request.user, reason=form.cleaned_data["reason"], person=person)
        except RuleViolation as error:
            form.refuse(error)
        else:
            messages.success(request, f"{person} has been sent an invitation to set a password, to {person.email}.")
            return redirect("people:invite", person.pk)
    return form_page(
        request,
        "register/people/invite.html",
        {"person": person, "valid_for": valid_for_in_words(), "has_password": person.has_usable_password()},
        form=form,
    )


@never_cache
@sensitive_post_parameters("new_password1", "new_password2")
def set_password(request, uidb64: str, token: str):
    """The link in the invitation: choose a password, once, before the link expires. A link that has
    expired, has been used, or was never made gets a page saying so (and what to do), status 400."""
    person = _invited(uidb64, token)
    if person is None:
        return render(
            request, "registration/set_password_invalid.html", {"valid_for": valid_for_in_words()}, status=400
        )
    form = ChoosePasswordForm(person, posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            person_set_password(
                actor=person,
                reason="Set their own password from the invitation e-mail",
                person=person,
                raw_password=form.cleaned_data["new_password1"],
            )
        except RuleViolation as error:
            form.add_error("new_password1", error.message)
        else:
            messages.success(request, f"Your password is set. Sign in with your username, {person.username}.")
            return redirect("sign-in")
    return form_page(request, "registration/set_password.html", {"person": person}, form=form)


def _invited(uidb64: str, token: str) -> Person | None:
    """The person the link was made for, if it still works for them: a current person, and a token
    that has not expired and was made from their password as it is (so, not yet used)."""
    try:
        pk = int(force_str(urlsafe_base64_decode(uidb64)))
    except (TypeError, ValueError, OverflowError):
        return None
    person = Person.objects.filter(pk=pk).exclude(kind=Person.Kind.SYSTEM).first()
    if person is None or not person.is_current_on(selectors.today()):
        return None
    if not default_token_generator.check_token(person, token):
        return None
    return person
