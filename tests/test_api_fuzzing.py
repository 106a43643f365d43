"""API fuzzing: schemathesis generates requests from the served OpenAPI schema for every
operation, authenticated as a collaborator and as MGA staff (an operator, second factor
verified): no server errors, every response as the schema documents."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, transaction
from django.middleware.csrf import _get_new_csrf_string
from django.test import override_settings
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from conftest import isolated_settings, session_key_of
from polis.accounts.models import User
from polis.accounts.tests.factories import FirmFactory, UserFactory
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


@pytest.fixture(scope="module")
def _sessions(django_db_setup, django_db_blocker, tmp_path_factory):
    """Session cookies of a logged-in collaborator (with a client and a product) and of an
    operator of the MGA, built and logged in once for the module, as Django's `setUpTestData`
    does: in a transaction rolled back after the module's last test, each test in a savepoint
    of it (the `db` fixture) rolled back after the test."""
    with django_db_blocker.unblock(), transaction.atomic():
        with override_settings(**isolated_settings(tmp_path_factory.mktemp("fuzz-media"))):
            firm = FirmFactory(name="Agenzia Alfa S.r.l.")
            collaborator = UserFactory(firm=firm, is_firm_admin=True, email="alfa@example.it")
            operator = UserFactory(
                role=User.Role.OPERATOR, email="operatore@example.it", with_totp=True
            )
            ClientFactory(created_by=collaborator)
            demo_product("RCP")
            sessions = {
                "collaborator": session_key_of(collaborator),
                "mga_staff": session_key_of(operator),
            }
        yield sessions
        transaction.set_rollback(True)


@pytest.fixture(params=["collaborator", "mga_staff"])
def api_session(request, _sessions, _keep_test_connection):
    """Session and CSRF cookies of the collaborator or of the operator; what a test's requests
    change in the session rolls back with the test."""
    return {"sessionid": _sessions[request.param], "csrftoken": _get_new_csrf_string()}


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
