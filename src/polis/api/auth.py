"""Who calls the API: a logged-in session, or an API key acting as its owner within its scopes."""

from django.conf import settings
from django.http import Http404
from django.utils.translation import gettext as _
from ninja.security import HttpBearer, SessionAuth

from polis.accounts.models import Firm
from polis.audit.context import current_api_key
from polis.core.access import can, require
from polis.core.errors import PermissionDenied
from polis.core.ratelimit import over_limit
from polis.integrations.selectors import insurer_of
from polis.integrations.services.keys import key_for_token

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


class RateLimited(Exception):
    """The key made more calls than API_KEY_RATE allows."""


class UserSession(SessionAuth):
    """A logged-in session (CSRF-checked for writes) of a user who may use this part of the
    API: `capability`, as the pages of that part ask."""

    def __init__(self, capability: str):
        super().__init__()
        self.capability = capability

    def authenticate(self, request, key):
        user = super().authenticate(request, key)
        return user if user and can(user, self.capability) else None


class ApiKeyAuth(HttpBearer):
    """`Authorization: Bearer polis_…`: the call acts as the key's owner (the same services,
    rules and capability as his session), if the key holds the scope of the operation (`read`
    for GET, `write` otherwise). Rate-limited per key; audit events carry the key's name."""

    openapi_bearerFormat = "polis_<prefisso>_<segreto>"
    openapi_description = (
        "Chiave API (mostrata una sola volta alla creazione). Ogni operazione indica lo scope "
        "che richiede; la chiave agisce come il suo utente, con i suoi permessi."
    )

    def __init__(self, read: str, write: str, capability: str = "view_quotes"):
        super().__init__()
        self.read, self.write, self.capability = read, write, capability

    def scope_for(self, method: str) -> str:
        return self.read if method.upper() in SAFE_METHODS else self.write

    def authenticate(self, request, token):
        key = key_for_token(token)
        if key is None:
            return None
        user = key.user
        if not can(user, self.capability) or (
            user.firm_id and user.firm.status != Firm.Status.APPROVED
        ):
            return None
        if over_limit(request, group="api-key", key=key.prefix, rate=settings.API_KEY_RATE):
            raise RateLimited
        scope = self.scope_for(request.method)
        if scope not in key.scopes:
            raise PermissionDenied(
                _("La chiave non ha il permesso %(s)s.") % {"s": scope}, code="api_key_scope"
            )
        request.api_key = key
        current_api_key.set(key.name)
        return user


def caller_with(request, capability: str):
    """The caller, if he holds `capability`; otherwise 403 with the code `permission_denied`,
    the one refusal every router gives (as the services' `require`)."""
    require(request.auth, capability)
    return request.auth


def _insurer_id(request) -> int | None:
    key = getattr(request, "api_key", None)
    return key.insurer_id if key is not None else None


def narrowed(request, queryset, insurer_field: str):
    """A list, narrowed to the key's insurer when it names one."""
    insurer = _insurer_id(request)
    return queryset if insurer is None else queryset.filter(**{insurer_field: insurer})


def within_insurer(request, obj):
    """`obj` (a claim, a policy), or 404 if the key is for another insurer's."""
    insurer = _insurer_id(request)
    if insurer is not None and insurer_of(obj) != insurer:
        raise Http404
    return obj
