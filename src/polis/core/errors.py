"""Domain errors raised by services; views and the API turn them into messages.

Each carries a stable `code` the API returns beside the Italian message (as Saleor's error codes).
"""


class DomainError(Exception):
    """A rule of the domain refused the change; the message is user-facing Italian text."""

    code = "invalid"

    def __init__(self, message: str, *, field: str | None = None, code: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        if code is not None:
            self.code = code


class PermissionDenied(DomainError):
    """The actor may not do this to this object."""

    code = "permission_denied"


class InvalidTransition(DomainError):
    """The object is not in a state that allows the requested change."""

    code = "invalid_transition"
