"""The authorization table of the API keys' scopes: every operation of the API, with a key that
holds every scope but the one the operation names (403 `api_key_scope`), and with that scope
alone (let through to the usual rules). Operations without a key scheme refuse any key (401)."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from polis.api.api import api
from polis.api.auth import ApiKeyAuth
from polis.integrations.models import Scope
from polis.integrations.services.keys import create_api_key

OPERATIONS = [
    (method, "/api" + re.sub(r"\{\w+\}", "999999", path), operation)
    for router in api._get_bound_routers()
    for path, view in router.path_operations.items()
    for operation in view.operations
    for method in operation.methods
]


def _scope(operation, method: str) -> str | None:
    for auth in operation.auth_callbacks:
        if isinstance(auth, ApiKeyAuth):
            return auth.scope_for(method)
    return None


def _call(client, method: str, url: str, token: str):
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    if method == "GET":
        return client.get(url, **auth)
    return client.generic(method, url, "{}", content_type="application/json", **auth)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("method", "url", "operation"),
    OPERATIONS,
    ids=[f"{m} {op.view_func.__name__}" for m, _u, op in OPERATIONS],
)
def test_each_operation_needs_its_scope(client, operator, method, url, operation):
    needed = _scope(operation, method)

    def key(scopes):
        return create_api_key(
            actor=operator,
            user=operator,
            name="Tutto",
            scopes=scopes,
            expires_at=timezone.now() + timedelta(days=1),
        )[1]

    others = [s for s in Scope.values if s != needed]
    refused = _call(client, method, url, key(others))
    if needed is None:
        assert refused.status_code == 401
        return
    assert refused.status_code == 403
    assert refused.json()["code"] == "api_key_scope"
    allowed = _call(client, method, url, key([needed]))
    assert allowed.status_code not in (401, 403), allowed.content
