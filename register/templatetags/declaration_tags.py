"""Status tags for declarations, coloured as the GOV.UK Design System suggests: what awaits
someone's action stands out; what is finished is grey."""

from django import template
from django.utils.html import format_html

from register.models import Declaration

register = template.Library()

State = Declaration.State
TAG_COLOURS = {
    State.SUBMITTED: "govuk-tag--blue",
    State.REVIEWED: "govuk-tag--yellow",
    State.ACKNOWLEDGED: "govuk-tag--green",
    State.ENDED: "govuk-tag--grey",
    State.WITHDRAWN: "govuk-tag--grey",
    # The other person's narrow view has its own three states.
    "current": "govuk-tag--blue",
}


@register.simple_tag
def declaration_status(state: str, text: str):
    return format_html('<strong class="govuk-tag {}">{}</strong>', TAG_COLOURS.get(state, "govuk-tag--grey"), text)
