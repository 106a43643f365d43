from contextvars import ContextVar

from django.conf import settings
from django.http import HttpRequest

# The request being served (set by the audit's RequestContextMiddleware): its base is read only
# when a message needs it.
current_request: ContextVar[HttpRequest | None] = ContextVar("current_request", default=None)


def base_url(request) -> str:
    """The scheme and host this request reached, for links sent to people while serving it
    (Django checks the Host header against ALLOWED_HOSTS); background jobs use SITE_URL."""
    return request.build_absolute_uri("/").rstrip("/")


def current_base_url() -> str:
    """The request's base while serving one, SITE_URL in a background job: for links a
    message carries whoever builds it (the unsubscribe link of every e-mail)."""
    request = current_request.get()
    return base_url(request) if request is not None else settings.SITE_URL.rstrip("/")
