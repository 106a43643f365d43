"""API fuzzing: schemathesis generates requests from the served OpenAPI schema for every
operation, authenticated as a collaborator and as MGA staff (an operator, second factor
verified): no server errors, every response as the schema documents."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.middleware.csrf import _get_new_csrf_string
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from conftest import login_verified
from polis.clients.tests.factories import ClientFactory
from polis.quotes.tests.factories import demo_product

schema = schemathesis.openapi.from_wsgi("/api/openapi.json", get_wsgi_application())
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.fixture
def _keep_test_connection():
    """The real WSGI handler closes "old" connections at each request, as Django's test client
    does not: inside the test's transaction that would close it (PostgreSQL)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture(params=["collaborator", "mga_staff"])
def api_session(request, collaborator_a, operator, client, _keep_test_connection):
    """Session and CSRF cookies of a logged-in collaborator (with a client and a product) or
    of an operator of the MGA."""
    ClientFactory(created_by=collaborator_a)
    demo_product("RCP")
    login_verified(client, collaborator_a if request.param == "collaborator" else operator)
    token = _get_new_csrf_string()
    return {"sessionid": client.cookies["sessionid"].value, "csrftoken": token}


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_api_conforms_to_its_schema(case, api_session):
    cookies = api_session
    response = case.call(cookies=cookies, headers={"X-CSRFToken": cookies["csrftoken"]})
    case.validate_response(response, checks=CHECKS)
