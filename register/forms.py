"""Forms for the pages, rendered in the GOV.UK Design System by crispy-forms-gds."""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Size, Submit
from django.contrib.auth.forms import AuthenticationForm


class GovukFormMixin:
    """A GOV.UK form helper: labels as the design system sets them, one primary button."""

    submit_label = "Continue"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.label_size = Size.SMALL
        self.helper.add_input(Submit("submit", self.submit_label))


class SignInForm(GovukFormMixin, AuthenticationForm):
    submit_label = "Sign in"
    error_messages = {
        "invalid_login": "Enter a correct username and password. Both are case-sensitive.",
        "inactive": "This account cannot sign in. Ask the register's administrator.",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].error_messages["required"] = "Enter your username"
        self.fields["password"].error_messages["required"] = "Enter your password"
        self.fields["username"].widget.attrs.pop("autofocus", None)
