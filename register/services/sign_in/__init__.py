"""How people sign in (issue 18): the sign-in history, API tokens, sessions, two-factor sign-in and
single sign-on. Every change here is saved with history, and every attempt leaves a line in the
sign-in history (``events.record_sign_in_event``)."""
