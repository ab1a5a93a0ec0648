"""Forms for the retention pages (issue 21), in the GOV.UK Design System. They collect what was typed;
the services decide (a period below the minimum is refused by ``retention_period_set`` on ``months``)."""

from django import forms

from register import retention
from register.forms_declarations import RegisterForm

KIND_CHOICES = [(kind.key, kind.label) for kind in retention.KINDS]


def _reason(label: str, what: str) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Recorded in the history.",
        error_messages={"required": f"Enter {what}", "max_length": "The reason must be 1,000 characters or fewer"},
    )


class PeriodForm(RegisterForm):
    """The Monitoring Officer sets how long one kind of record is kept after it ends."""

    submit_label = "Set the period"

    record_kind = forms.ChoiceField(
        label="Which records?", choices=KIND_CHOICES, error_messages={"required": "Choose which records"}
    )
    months = forms.IntegerField(
        label="How many months are they kept after they end?",
        min_value=0,
        max_value=1200,
        help_text="For example, 72 for six years. Never shorter than the minimum the schedule names.",
        error_messages={
            "required": "Enter the number of months",
            "invalid": "Enter the period as a whole number of months",
            "min_value": "Enter a number of months of 0 or more",
            "max_value": "Enter a period of 1,200 months or fewer",
        },
    )
    reason = _reason("Why is the period changed?", "why the period is changed")


class HoldForm(RegisterForm):
    """Place a legal hold on one record: it is not erased, whatever its period, until the hold is released."""

    submit_label = "Place the hold"

    record_kind = forms.ChoiceField(
        label="What kind of record?", choices=KIND_CHOICES, error_messages={"required": "Choose the kind of record"}
    )
    record_id = forms.CharField(
        label="The record's number",
        max_length=64,
        help_text="As in its address: /declarations/12/ is declaration 12.",
        error_messages={"required": "Enter the record's number"},
    )
    reason = _reason("Why is it held?", "why the record is held")


class ReleaseForm(RegisterForm):
    submit_label = "Release the hold"

    reason = _reason("Why is the hold released?", "why the hold is released")


class DecisionForm(RegisterForm):
    """Approve a disposal run (its due records are then erased) or reject it (nothing is erased)."""

    submit_label = "Record the decision"

    decision = forms.ChoiceField(
        label="Your decision",
        widget=forms.RadioSelect,
        choices=[("approve", "Approve: erase the records due"), ("reject", "Reject: erase nothing")],
        error_messages={"required": "Choose whether to approve or reject the run"},
    )
    reason = _reason("Why?", "the reason for your decision")
