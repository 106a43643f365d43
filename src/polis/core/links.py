from contextvars import ContextVar

from django.conf import settings

# The scheme and host of the request being served (set by the audit's RequestContextMiddleware).
request_base: ContextVar[str | None] = ContextVar("request_base", default=None)


def base_url(request) -> str:
    """The scheme and host this request reached, for links sent to people while serving it
    (Django checks the Host header against ALLOWED_HOSTS); background jobs use SITE_URL."""
    return request.build_absolute_uri("/").rstrip("/")


def current_base_url() -> str:
    """The request's base while serving one, SITE_URL in a background job: for links a
    message carries whoever builds it (the unsubscribe link of every e-mail)."""
    return request_base.get() or settings.SITE_URL.rstrip("/")
