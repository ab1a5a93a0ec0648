"""Status tags for attendance requests and invitations, coloured as the GOV.UK Design System
suggests: what awaits someone's action stands out; what is finished is grey."""

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from register import workflow

register = template.Library()

TAG_COLOURS = {
    workflow.SUBMITTED: "govuk-tag--blue",
    workflow.APPROVED: "govuk-tag--green",
    workflow.REFUSED: "govuk-tag--red",
    workflow.WITHDRAWN: "govuk-tag--grey",
    workflow.CANCELLED: "govuk-tag--grey",
    workflow.HELD: "govuk-tag--turquoise",
    workflow.CLOSED: "govuk-tag--grey",
    workflow.INVITED: "govuk-tag--yellow",
    workflow.ACCEPTED: "govuk-tag--green",
    workflow.DECLINED: "govuk-tag--grey",
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
def officer_options(field):
    """The officer finder's <option>s, the chosen ones selected. Built in one pass rather than by the
    widget's per-option templates, so that a council of 2,000 officers renders quickly."""
    chosen = {str(value) for value in (field.value() or [])}
    return format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        ((pk, mark_safe(" selected") if str(pk) in chosen else "", label) for pk, label in field.field.choices),
    )
