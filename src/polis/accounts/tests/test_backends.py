import importlib

import pytest
from django.apps import apps
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection
from django.test.utils import CaptureQueriesContext

pytestmark = pytest.mark.django_db


def test_a_page_reads_the_user_and_the_firm_in_its_menu_with_one_query(client, collaborator_a):
    # given a collaborator logged in with the password form's backend
    client.force_login(collaborator_a, backend="polis.accounts.backends.FirmModelBackend")
    # when a page shows the firm in the user's menu
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/")
    # then the firm came with the user
    assert collaborator_a.firm.name in response.content.decode()
    assert not [q for q in queries if 'FROM "accounts_firm"' in q["sql"]]


def test_sessions_opened_with_djangos_backend_stay_logged_in(client, collaborator_a):
    migration = importlib.import_module("polis.accounts.migrations.0003_sessions_to_firm_backend")
    # given a session opened before the backend changed
    session = SessionStore()
    session.update(
        {
            SESSION_KEY: str(collaborator_a.pk),
            HASH_SESSION_KEY: collaborator_a.get_session_auth_hash(),
            BACKEND_SESSION_KEY: "django.contrib.auth.backends.ModelBackend",
        }
    )
    session.create()
    client.cookies["sessionid"] = session.session_key
    assert client.get("/dashboard/").status_code == 302  # Django's backend is no longer listed
    # when the migration moves it
    migration.move_sessions(apps, None)
    # then the same cookie opens the dashboard
    assert client.get("/dashboard/").status_code == 200
