"""Who may sign in: Django's own check, and only people still with the council. A leaver cannot sign
in from the day after their last day (``Person.left_on``), and a session they still hold stops
working that day too, since Django asks the backend again (``get_user``) on every request."""

from django.contrib.auth.backends import ModelBackend

from register.selectors import clock


def is_signed_in_allowed(user) -> bool:
    """Active, and not recorded as having left before today."""
    left_on = getattr(user, "left_on", None)
    return bool(getattr(user, "is_active", False)) and (left_on is None or left_on >= clock.today())


class CurrentPeopleBackend(ModelBackend):
    def user_can_authenticate(self, user) -> bool:
        return is_signed_in_allowed(user)
