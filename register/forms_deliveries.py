"""The form for sending again an e-mail notice that did not arrive. It collects the reason; the service
decides (delivery.notice_retry: a delivered notice is refused on ``receipt``, no reason on ``reason``)."""

from django import forms

from register.forms_declarations import RegisterForm


class SendAgainForm(RegisterForm):
    submit_label = "Send it again"

    # Not required here: the service refuses a missing reason, naming the field, for the page and the API alike.
    reason = forms.CharField(
        label="Why is it sent again?",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example, the address was corrected. Recorded in the notice's history.",
        error_messages={"max_length": "The reason must be 1,000 characters or fewer"},
    )
