import logging

from django.conf import settings
from django.core.exceptions import BadRequest, PermissionDenied, SuspiciousOperation
from django.core.signals import got_request_exception
from django.db import InterfaceError, OperationalError
from django.http import Http404, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.template.loader import render_to_string
from django.urls import Resolver404, resolve
from django.views.defaults import page_not_found, server_error

logger = logging.getLogger(__name__)


class DatabaseUnavailableMiddleware:
    """Answer 503 at once when the database is unreachable, instead of a generic 500.

    Connections are health-checked (CONN_HEALTH_CHECKS), so the app recovers by itself as soon
    as the database is back: no restart needed.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        logger.error("database unavailable: %s", type(exception).__name__)
        # Rendered without the request: its context processors would query the database.
        response = HttpResponse(render_to_string("503.html"), status=503)
        response["Retry-After"] = "30"
        return response


# Exceptions Django answers with a 4xx page of the project's own even with DEBUG on.
CLIENT_ERRORS = (PermissionDenied, BadRequest, SuspiciousOperation, MultiPartParserError)
request_logger = logging.getLogger("django.request")


class OwnErrorPagesMiddleware:
    """With DEBUG on (the embedded default) a missing page and a failure still answer the
    project's own Italian 404 and 500 pages, not Django's English technical ones (production has
    DEBUG off anyway). The failure's traceback goes to the log, as in production."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if settings.DEBUG and response.status_code == 404 and not _resolves(request.path_info):
            return page_not_found(request, Resolver404())
        return response

    def process_exception(self, request, exception):
        if not settings.DEBUG or isinstance(exception, CLIENT_ERRORS):
            return None
        if isinstance(exception, Http404):
            return page_not_found(request, exception)
        # What Django does before its technical page: tell the listeners (the test client
        # raises it again), then log it with its traceback.
        got_request_exception.send(sender=None, request=request)
        request_logger.error(
            "Internal Server Error: %s",
            request.path,
            exc_info=exception,
            extra={"request": request},
        )
        return server_error(request)


def _resolves(path: str) -> bool:
    try:
        resolve(path)
    except Resolver404:
        return False
    return True
