"""Domain errors raised by services; views and the API turn them into messages."""


class DomainError(Exception):
    """A rule of the domain refused the change; the message is user-facing Italian text."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class PermissionDenied(DomainError):
    """The actor may not do this to this object."""


class InvalidTransition(DomainError):
    """The object is not in a state that allows the requested change."""
