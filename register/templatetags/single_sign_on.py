"""Whether the council's single sign-on is configured, for the sign-in page's button."""

from django import template

from register.sso import is_enabled

register = template.Library()


@register.simple_tag
def single_sign_on_enabled() -> bool:
    return is_enabled()
