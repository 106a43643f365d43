"""The JSON API (OpenAPI at /api/openapi.json): the same services and rules as the pages.
This module holds the API itself (authentication, parser, error handlers) and mounts one router
per domain."""

import copy

from django.http import RawPostDataException
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.openapi.schema import OpenAPISchema
from ninja.parser import Parser

from polis.api import (
    accounting,
    bordereaux,
    catalog,
    claims,
    complaints,
    portfolio,
    practices,
    privacy,
    quotes,
    retention,
)
from polis.api.auth import ApiKeyAuth, RateLimited, UserSession
from polis.catalog.answers import AnswersInvalid
from polis.core.errors import DomainError, PermissionDenied


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


class PolisSchema(OpenAPISchema):
    """The schema, with the scope an API key needs named on each operation."""

    def operation_security(self, operation):
        result = super().operation_security(operation)
        for auth, requirement in zip(operation.auth_callbacks, result or [], strict=False):
            if isinstance(auth, ApiKeyAuth):
                requirement[type(auth).__name__] = [auth.scope_for(operation.methods[0])]
        return result


class PolisAPI(NinjaAPI):
    """Operation ids are `polis_api_api_<function>` whichever router defines the function, so
    the ids in docs/openapi.json (and clients generated from it) do not depend on the module."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._schemas: dict[str, PolisSchema] = {}

    def get_openapi_operation_id(self, operation) -> str:
        return f"polis_api_api_{operation.view_func.__name__}"

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        """Made once per path prefix (0.3 s of CPU, for every request to /api/openapi.json
        otherwise): the routes and schemas do not change while the process runs. Each caller
        gets a copy of its own."""
        if path_prefix is None:
            path_prefix = self.get_root_path(path_params or {})
        if path_prefix not in self._schemas:
            self._schemas[path_prefix] = PolisSchema(api=self, path_prefix=path_prefix)
        return copy.deepcopy(self._schemas[path_prefix])


api = PolisAPI(
    title="polis API",
    parser=NoNulParser(),
    version="1",
    auth=[ApiKeyAuth("quotes:read", "quotes:write"), UserSession("view_quotes")],
    urls_namespace="api",
    description="Prodotti, quotazione, preventivi, pratiche, sinistri, richieste privacy e "
    "bordereaux della "
    "piattaforma polis.\n\n"
    "**Accesso**: la sessione di chi ha fatto login (le stesse pagine, le stesse regole), oppure "
    "una chiave API nell'intestazione `Authorization: Bearer polis_…`, creata da un operatore "
    "dell'MGA (o dall'amministratore di un'agenzia per la sua agenzia) nella pagina Integrazioni. "
    "Una chiave agisce come l'utente a cui è intestata, con i suoi stessi permessi, ristretti "
    "dai suoi *scope* (`quotes:read`, `quotes:write`, `policies:read`, `policies:write`, "
    "`claims:read`, `claims:write`; ogni operazione indica il suo) e, se indicata, alle pratiche "
    "e ai sinistri di una sola compagnia. Le richieste privacy non si fanno con una chiave.\n\n"
    "**Errori**: `{detail, code, field}`; `code` è stabile (`unauthenticated`, "
    "`permission_denied`, `api_key_scope`, `rate_limited`, `invalid_transition`, …). Le chiamate "
    "di una chiave sono limitate per chiave (429 con `Retry-After`).",
)


@api.exception_handler(DomainError)
def domain_error(request, error: DomainError):
    status = 403 if isinstance(error, PermissionDenied) else 422
    body = {"detail": error.message, "field": error.field, "code": error.code}
    if isinstance(error, AnswersInvalid):
        body["errors"] = error.errors
    return api.create_response(request, body, status=status)


@api.exception_handler(AuthenticationError)
def unauthenticated(request, error: AuthenticationError):
    return api.create_response(
        request,
        {"detail": _("Serve il login o una chiave API valida."), "code": "unauthenticated"},
        status=401,
    )


@api.exception_handler(RateLimited)
def rate_limited(request, error: RateLimited):
    response = api.create_response(
        request,
        {
            "detail": _("Troppe richieste con questa chiave: riprova fra poco."),
            "code": "rate_limited",
        },
        status=429,
    )
    response["Retry-After"] = "60"
    return response


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
api.add_router("", bordereaux.router)
api.add_router("", complaints.router)
api.add_router("", accounting.router)
api.add_router("", portfolio.router)
api.add_router("", retention.router)
