"""The pages' one mapping of the domain's errors (register/errors.py) to what a person reads.

A record the person may not see is "page not found" (404), never "forbidden". Any other refusal
is shown in words: on the form field it names, or as a message naming the rule of the protocol.
"""

from django.contrib import messages
from django.http import Http404

from register.errors import DomainError, NotFound


def in_words(error: DomainError) -> str:
    """The service's sentence, with the rule of the protocol that refused it, if one did."""
    return f"{error.message} (protocol rule {error.rule})" if error.rule else error.message


def not_found(error: NotFound) -> Http404:
    return Http404(error.message)


def tell(request, error: DomainError) -> None:
    """A refusal of a one-button action, shown as a message on the page the person returns to."""
    if isinstance(error, NotFound):
        raise not_found(error)
    messages.error(request, in_words(error))
