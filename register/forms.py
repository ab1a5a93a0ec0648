"""Forms for the pages, rendered in the GOV.UK Design System by crispy-forms-gds."""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Size, Submit
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError

from register.backends import sign_in_refusal
from register.models import Person
from register.selectors.people import is_signed_in_allowed


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

    def clean(self):
        try:
            return super().clean()
        except ValidationError:
            refusal = sign_in_refusal(self.request)
            if refusal is not None:
                # Refused before the password was checked (register/backends.py): say when to try again,
                # in the words the API uses, and nothing about the account.
                raise ValidationError(refusal.detail, code=refusal.slug) from None
            leaver = self._leaver_signing_in()
            if leaver is None:
                raise
            raise ValidationError(
                f"The register records that you left the council on {leaver.left_on:%d %B %Y}, so you can no "
                "longer sign in. If this is wrong, contact Democratic Services.",
                code="left",
            ) from None

    def _leaver_signing_in(self) -> Person | None:
        """The leaver these credentials belong to, if they are right: only someone who knows the
        password learns that the account has left (nobody else learns that it exists)."""
        username, password = self.cleaned_data.get("username"), self.cleaned_data.get("password")
        if not username or not password:
            return None
        person = Person.objects.filter(username=username).first()
        if person is None or person.left_on is None or is_signed_in_allowed(person):
            return None
        return person if check_password(password, person.password) else None
