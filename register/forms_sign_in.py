"""Forms of signing in with the register's own password (issue 18): a forgotten password, a changed
password, and the second step of two-factor sign-in, in the GOV.UK Design System."""

from crispy_forms_gds.layout import Field, Fixed, Layout
from django import forms
from django.contrib.auth.forms import PasswordChangeForm

from register.forms import GovukFormMixin
from register.forms_declarations import RegisterForm
from register.forms_people_accounts import ChoosePasswordForm


class ForgottenPasswordForm(GovukFormMixin, forms.Form):
    submit_label = "Send the link"

    email = forms.EmailField(
        label="E-mail address",
        max_length=254,
        help_text="The address the council has for you.",
        error_messages={
            "required": "Enter your e-mail address",
            "invalid": "Enter an e-mail address in the correct format, like name@example.com",
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper.attrs = {"novalidate": ""}


class NewPasswordForm(ChoosePasswordForm):
    """A new password chosen from a reset link: the same fields, hint and rules as the invitation's."""

    submit_label = "Save your new password"


class ChangePasswordForm(ChoosePasswordForm, PasswordChangeForm):
    """Change one's own password: the current one, then the new one twice."""

    submit_label = "Change your password"
    field_order = ["old_password", "new_password1", "new_password2"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["old_password"].label = "Your current password"
        self.fields["old_password"].widget.attrs.pop("autofocus", None)
        self.fields["old_password"].error_messages["required"] = "Enter your current password"
        self.fields["new_password1"].label = "New password"
        self.fields["new_password2"].label = "Type the new password again"
        self.error_messages = {
            **self.error_messages,
            "password_incorrect": "Your current password is not right: enter it again",
        }


class CodeForm(GovukFormMixin, forms.Form):
    """The second step of signing in: a code from the authenticator app, or a recovery code."""

    submit_label = "Continue"

    code = forms.CharField(
        label="Code",
        max_length=32,
        help_text="The 6-digit code your authenticator app shows now, or one of your recovery codes.",
        error_messages={"required": "Enter the code from your authenticator app"},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "spellcheck": "false"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper.attrs = {"novalidate": ""}
        self.helper.layout = Layout(Field.text("code", field_width=Fixed.TEN))


class SetUpCodeForm(CodeForm):
    submit_label = "Turn on two-factor sign-in"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].label = "Code from the app"
        self.fields["code"].help_text = "The 6-digit code the app shows for this register, without spaces."
        self.fields["code"].widget.attrs["inputmode"] = "numeric"


class ResetTwoFactorForm(RegisterForm):
    """Democratic Services reset a person's two-factor sign-in: the reason is kept in their history."""

    submit_label = "Reset two-factor sign-in"

    reason = forms.CharField(
        label="Reason",
        max_length=200,
        help_text="For example, lost their phone. Kept in their history with your name.",
        error_messages={"required": "Give a reason, for the history"},
    )
