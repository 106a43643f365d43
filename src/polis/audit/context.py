"""The request's client address and API key, for audit records written deep inside services."""

from contextvars import ContextVar

current_ip: ContextVar[str | None] = ContextVar("current_ip", default=None)
# The name of the API key a call is made with (set by the API's key authentication).
current_api_key: ContextVar[str | None] = ContextVar("current_api_key", default=None)
