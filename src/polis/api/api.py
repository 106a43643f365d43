"""The JSON API (OpenAPI at /api/openapi.json): the same services and rules as the pages.
This module holds the API itself (authentication, parser, error handlers) and mounts one router
per domain."""

from django.http import RawPostDataException
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import HttpError
from ninja.parser import Parser
from ninja.security import SessionAuth

from polis.api import catalog, claims, practices, privacy, quotes, retention
from polis.catalog.answers import AnswersInvalid
from polis.core.access import can
from polis.core.errors import DomainError, PermissionDenied


class CollaboratorAuth(SessionAuth):
    """A logged-in session (CSRF-checked for writes) of a user with a portfolio or MGA staff."""

    def authenticate(self, request, key):
        user = super().authenticate(request, key)
        return user if user and can(user, "view_quotes") else None


def _refuse_nul(data) -> None:
    if isinstance(data, str):
        if "\x00" in data:
            raise HttpError(400, _("I dati contengono un carattere NUL, non ammesso."))
    elif isinstance(data, dict):
        for key, value in data.items():
            _refuse_nul(key)
            _refuse_nul(value)
    elif isinstance(data, list):
        for value in data:
            _refuse_nul(value)


class NoNulParser(Parser):
    """JSON bodies and query strings without NUL characters: PostgreSQL can neither store nor
    compare them, so they would reach the database as a server error."""

    def parse_body(self, request):
        data = super().parse_body(request)
        _refuse_nul(data)
        return data

    def parse_querydict(self, data, list_fields, request):
        parsed = super().parse_querydict(data, list_fields, request)
        _refuse_nul(parsed)
        return parsed


class PolisAPI(NinjaAPI):
    """Operation ids are `polis_api_api_<function>` whichever router defines the function, so
    the ids in docs/openapi.json (and clients generated from it) do not depend on the module."""

    def get_openapi_operation_id(self, operation) -> str:
        return f"polis_api_api_{operation.view_func.__name__}"


api = PolisAPI(
    title="polis API",
    parser=NoNulParser(),
    version="1",
    auth=CollaboratorAuth(),
    urls_namespace="api",
    description="Prodotti, quotazione, preventivi, pratiche, sinistri e richieste privacy della "
    "piattaforma polis.",
)


@api.exception_handler(DomainError)
def domain_error(request, error: DomainError):
    status = 403 if isinstance(error, PermissionDenied) else 422
    body = {"detail": error.message, "field": error.field, "code": error.code}
    if isinstance(error, AnswersInvalid):
        body["errors"] = error.errors
    return api.create_response(request, body, status=status)


@api.exception_handler(MultiPartParserError)
@api.exception_handler(RawPostDataException)
def unreadable_body(request, error: Exception):
    """A body that cannot be read as its Content-Type says (a multipart body without a usable
    boundary, or one sent to an operation that reads JSON: the CSRF check has consumed it)."""
    return api.create_response(
        request,
        {"detail": _("Il corpo della richiesta non è leggibile: controlla il Content-Type.")},
        status=400,
    )


# One router per domain, mounted at the root: each operation declares its whole path.
api.add_router("", catalog.router)
api.add_router("", quotes.router)
api.add_router("", claims.router)
api.add_router("", practices.router)
api.add_router("", privacy.router)
api.add_router("", retention.router)
