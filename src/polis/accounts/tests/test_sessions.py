"""Sessions read from the shared cache (polis.accounts.sessions), as in production."""

import pytest
from asgiref.sync import async_to_sync
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from polis.accounts.sessions import SessionStore
from polis.accounts.tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

BACKEND = "polis.accounts.backends.FirmModelBackend"


@pytest.fixture(autouse=True)
def cached_sessions(settings):
    settings.SESSION_ENGINE = "polis.accounts.sessions"
    cache.clear()


def session_queries(queries) -> list:
    return [q for q in queries if '"django_session"' in q["sql"]]


def test_a_logged_in_page_reads_the_session_without_a_query(client, collaborator_a):
    client.force_login(collaborator_a, backend=BACKEND)
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/dashboard/").status_code == 200
    assert not session_queries(queries)


def test_a_session_missing_from_the_cache_is_read_from_the_database(client, collaborator_a):
    client.force_login(collaborator_a, backend=BACKEND)
    cache.clear()  # evicted, or Redis restarted empty
    assert client.get("/dashboard/").status_code == 200
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/dashboard/").status_code == 200  # and cached again
    assert not session_queries(queries)


def test_with_the_cache_unreachable_the_user_stays_logged_in(client, collaborator_a, monkeypatch):
    client.force_login(collaborator_a, backend=BACKEND)

    def unreachable(*args, **kwargs):
        raise ConnectionError("Redis is down")

    monkeypatch.setattr(cache, "get", unreachable)
    monkeypatch.setattr(cache, "set", unreachable)
    assert client.get("/dashboard/").status_code == 200


def test_after_logout_the_session_opens_nothing(client, collaborator_a):
    client.force_login(collaborator_a, backend=BACKEND)
    cookie = client.cookies["sessionid"].value
    client.post("/esci/")
    client.cookies["sessionid"] = cookie  # the old cookie, replayed
    assert client.get("/dashboard/").status_code == 302


def test_the_cached_copy_lives_at_most_session_cache_seconds(
    client, collaborator_a, settings, monkeypatch
):
    settings.SESSION_CACHE_SECONDS = 120
    timeouts = []
    real_set = cache.set

    def recording_set(key, value, timeout=None, **kwargs):
        timeouts.append(timeout)
        real_set(key, value, timeout, **kwargs)

    monkeypatch.setattr(cache, "set", recording_set)
    client.force_login(collaborator_a, backend=BACKEND)
    assert timeouts
    assert max(timeouts) == 120  # not the session's eight hours


def test_an_async_save_caches_the_session_for_at_most_session_cache_seconds(settings, monkeypatch):
    settings.SESSION_CACHE_SECONDS = 120
    timeouts = []
    real_aset = cache.aset

    async def recording_aset(key, value, timeout=None, **kwargs):
        timeouts.append(timeout)
        await real_aset(key, value, timeout, **kwargs)

    monkeypatch.setattr(cache, "aset", recording_aset)
    session = SessionStore()

    async def save():
        await session.aset("answer", 42)
        await session.asave()

    async_to_sync(save)()
    assert timeouts
    assert max(timeouts) == 120


def test_with_the_cache_unreachable_sessions_fall_back_quietly(
    client, collaborator_a, monkeypatch, caplog
):
    # given: Redis down while a logged-in user browses
    client.force_login(collaborator_a, backend=BACKEND)

    def unreachable(*args, **kwargs):
        raise ConnectionError("Redis is down")

    monkeypatch.setattr(cache, "get", unreachable)
    monkeypatch.setattr(cache, "set", unreachable)
    # when
    with caplog.at_level("INFO", logger="django.contrib.sessions"):
        statuses = [client.get("/dashboard/").status_code for _ in range(3)]
    # then: served from the database, a one-line warning, no traceback
    assert statuses == [200] * 3
    records = [r for r in caplog.records if r.name == "django.contrib.sessions"]
    assert records
    assert all(r.exc_info is None and r.levelname == "WARNING" for r in records)
    assert "ConnectionError" in records[0].getMessage()


def test_with_the_cache_unreachable_a_user_logs_in_and_out(client, collaborator_a, monkeypatch):
    # given Redis is down: every cache call fails
    def unreachable(*args, **kwargs):
        raise ConnectionError("Redis is down")

    for name in ("get", "set", "delete", "has_key"):
        monkeypatch.setattr(cache, name, unreachable)
    # when the user logs in and out
    login = client.post("/accedi/", {"email": collaborator_a.email, "password": PASSWORD})
    dashboard = client.get("/dashboard/")
    logout = client.post("/esci/")
    # then both work, from the database
    assert login.status_code == 302
    assert dashboard.status_code == 200
    assert logout.status_code == 302
    assert client.get("/dashboard/").status_code == 302
