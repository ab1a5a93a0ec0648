"""The domain's errors, raised by services and mapped once by each interface."""


class DomainError(Exception):
    """Something the register refuses to do, in words a councillor understands."""

    def __init__(self, message: str, *, field: str | None = None, rule: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        self.rule = rule

    def __str__(self):
        return f"{self.message} ({self.rule})" if self.rule else self.message


def in_words(error: DomainError) -> str:
    """The refusal's sentence with the rule of the protocol that refused it, if one did: "... an
    agreed briefing (protocol rule A2).". Pages and forms show it in these words."""
    if not error.rule:
        return error.message
    sentence, stop = (error.message[:-1], ".") if error.message.endswith(".") else (error.message, "")
    return f"{sentence} (protocol rule {error.rule}){stop}"


class NotPermitted(DomainError):
    """The actor may not do this to a record they can see."""


class NotFound(DomainError):
    """The record does not exist, or the actor may not know that it does."""


class InvalidTransition(DomainError):
    """The record's state does not allow this move."""


class RuleViolation(DomainError):
    """A rule of the protocol (A1-A13, B1-B7, C1-C4) or of the register's data refuses this."""


class Conflict(DomainError):
    """Someone else changed the record first."""
