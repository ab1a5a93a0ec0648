"""Status tags for attendance requests and invitations, coloured as the GOV.UK Design System
suggests: what awaits someone's action stands out; what is finished is grey."""

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from register import states, workflow

register = template.Library()

TAG_COLOURS = {
    workflow.SUBMITTED: "govuk-tag--blue",
    workflow.APPROVED: "govuk-tag--green",
    workflow.REFUSED: "govuk-tag--red",
    workflow.WITHDRAWN: "govuk-tag--grey",
    workflow.CANCELLED: "govuk-tag--grey",
    workflow.HELD: "govuk-tag--turquoise",
    workflow.CLOSED: "govuk-tag--grey",
    workflow.LAPSED: "govuk-tag--grey",
    workflow.INVITED: "govuk-tag--yellow",
    workflow.ACCEPTED: "govuk-tag--green",
    workflow.DECLINED: "govuk-tag--grey",
    # What an invitation is shown as (register.states.invitation_shown_state).
    states.ASKED: "govuk-tag--light-blue",
    states.NOT_NEEDED: "govuk-tag--grey",
}


@register.simple_tag
def attendance_status(state: str, text: str):
    return format_html('<strong class="govuk-tag {}">{}</strong>', TAG_COLOURS.get(state, "govuk-tag--grey"), text)


@register.filter
def days_left_text(days: int) -> str:
    """Working days left to decide, in words (A12)."""
    if days < 0:
        return f"Overdue by {-days} working day{'s' if days != -1 else ''}"
    if days == 0:
        return "Due today"
    return f"{days} working day{'s' if days != 1 else ''} left"


@register.filter
def decision_time_text(row) -> str:
    """A parity row's working days from request to decision, in words (A11, A12): the same numbers
    the API gives as ``average_working_days_to_decision`` and ``longest_working_days_to_decision``."""
    if not row.decided:
        return "No decisions yet"
    if not row.longest_working_days_to_decision:
        return "Decided the same working day" if row.decided == 1 else "All decided the same working day"
    average = f"{row.average_working_days_to_decision:g}"
    days = "working day" if average == "1" else "working days"
    return f"Average {average} {days}, longest {row.longest_working_days_to_decision}"


@register.filter
def officer_options(field):
    """The officer finder's <option>s, the chosen ones selected. Built in one pass rather than by the
    widget's per-option templates, so that a council of 2,000 officers renders quickly."""
    chosen = {str(value) for value in (field.value() or [])}
    return format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        ((pk, mark_safe(" selected") if str(pk) in chosen else "", label) for pk, label in field.field.choices),
    )
