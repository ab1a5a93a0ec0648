"""The button on a person's page with which Democratic Services reset their two-factor sign-in (issue 18)."""

from django import template
from django.urls import reverse
from django.utils.html import format_html

from register import policies
from register.views.context import standing

register = template.Library()


@register.simple_tag(takes_context=True)
def two_factor_reset_button(context, person):
    """A secondary button to the reset page, for those the policy lets reset it (Democratic Services)."""
    request = context.get("request")
    if request is None or not person.has_usable_password() or not policies.manages_sign_in(standing(request), person):
        return ""
    return format_html(
        '<a href="{}" role="button" draggable="false" class="govuk-button govuk-button--secondary" '
        'data-module="govuk-button" id="two-factor-reset">Reset two-factor sign-in</a>',
        reverse("people:two-factor-reset", args=[person.pk]),
    )
