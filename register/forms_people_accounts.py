"""Forms of Democratic Services' account and absence pages (issue 17), in the GOV.UK Design System."""

from crispy_forms_gds.choices import Choice
from django import forms
from django.conf import settings
from django.contrib.auth.forms import SetPasswordForm

from register.forms import GovukFormMixin
from register.forms_declarations import DateField, RegisterForm
from register.models import Post


def _reason(help_text: str) -> forms.CharField:
    return forms.CharField(
        label="Reason",
        max_length=500,
        help_text=help_text,
        error_messages={"required": "Give a reason, for the history"},
    )


class InviteForm(RegisterForm):
    """Invite someone to set their password: the reason is kept in their history."""

    submit_label = "Send the invitation"

    reason = _reason("For example, a new councillor after the election. Kept in their history with your name.")


# What every field where a password is chosen says (the NCSC's guidance: length over complexity, and a
# deny-list; AUTH_PASSWORD_VALIDATORS). The invitation's, the reset's and the change-password page's.
PASSWORD_HINT = (
    f"At least {settings.PASSWORD_MIN_LENGTH} characters, and not a common password. Three random words "
    "is a good way to make one you will remember."
)


class ChoosePasswordForm(GovukFormMixin, SetPasswordForm):
    """The invited person chooses their password, twice; the service checks it against the validators."""

    submit_label = "Set your password"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].label = "Choose a password"
        self.fields["new_password1"].help_text = PASSWORD_HINT
        self.fields["new_password2"].label = "Type the password again"
        self.fields["new_password1"].error_messages["required"] = "Choose a password"
        self.fields["new_password2"].error_messages["required"] = "Type the password again"
        self.error_messages = {**self.error_messages, "password_mismatch": "The two passwords are not the same"}
        self.helper.attrs = {"novalidate": ""}

    def validate_password_for_user(self, user, password_field_name="new_password1"):
        # A password the rules refuse is an error of the field where it was chosen, not of its repetition.
        super().validate_password_for_user(user, "new_password1")

    def clean_new_password2(self):
        # The passwords must match; the validators run in the service (person_set_password), once.
        first, second = self.cleaned_data.get("new_password1"), self.cleaned_data.get("new_password2")
        if first and second and first != second:
            raise forms.ValidationError(self.error_messages["password_mismatch"], code="password_mismatch")
        return second


class StatutoryAbsenceForm(RegisterForm):
    """A statutory officer's absence: the Chief Executive's (the Deputy decides requests, A2) or the
    Monitoring Officer's (their deputy acts)."""

    submit_label = "Record the absence"

    role = forms.ChoiceField(
        label="Whose absence",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whose absence you are recording"},
    )
    start_date = DateField(
        what="the absence starts", label="First day of the absence", help_text="For example, 27 3 2026"
    )
    end_date = DateField(what="the absence ends", label="Last day of the absence", help_text="For example, 3 4 2026")
    reason = _reason("For example, annual leave. Recorded in the history.")

    def __init__(self, *args, roles, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [
            Choice(role, Post.Role(role).label, hint=f"{Post.Role(deputy).label} acts meanwhile.")
            for role, deputy in Post.ABSENCE_DEPUTIES.items()
            if role in roles
        ]


class EndAbsenceForm(RegisterForm):
    """End a recorded absence early: the new last day."""

    submit_label = "End the absence early"

    end_date = DateField(
        what="the absence now ends", label="New last day of the absence", help_text="For example, 3 4 2026"
    )
    reason = _reason("For example, back from leave early. Recorded in the history.")


class CancelAbsenceForm(RegisterForm):
    """Cancel a recorded absence (it did not happen)."""

    submit_label = "Cancel the absence"

    reason = _reason("For example, leave cancelled. Recorded in the history.")
