import pytest
from django.core.cache import caches

from polis.core.cache import cached, touch

pytestmark = pytest.mark.django_db


def counter():
    calls = []

    def compute():
        calls.append(None)
        return len(calls)

    return compute


def test_a_value_is_reused_until_a_write_touches_its_stamp(django_capture_on_commit_callbacks):
    compute = counter()
    # given: the first read starts the stamp, the second stores the value
    assert [cached("k", compute, stamps=["s"]) for _ in range(3)] == [1, 2, 2]
    # when
    with django_capture_on_commit_callbacks(execute=True):
        touch("s")
    # then
    assert cached("k", compute, stamps=["s"]) == 3
    assert cached("other", counter(), stamps=["t"]) == 1


def test_a_value_read_before_a_write_and_stored_after_it_is_not_reused(
    django_capture_on_commit_callbacks,
):
    cached("k", counter(), stamps=["s"])

    def read_then_write_commits():
        with django_capture_on_commit_callbacks(execute=True):
            touch("s")
        return "before the write"

    # when: a write commits while the value is being computed
    assert cached("k", read_then_write_commits, stamps=["s"]) == "before the write"
    # then
    assert cached("k", lambda: "after the write", stamps=["s"]) == "after the write"


def test_values_are_computed_when_the_cache_is_down(settings, django_capture_on_commit_callbacks):
    # given: a cache server nobody listens on
    settings.CACHES = {
        "default": {
            "BACKEND": "polis.core.cache_backend.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        }
    }
    compute = counter()
    # when
    with django_capture_on_commit_callbacks(execute=True):
        touch("s")
    # then
    assert [cached("k", compute, stamps=["s"]) for _ in range(2)] == [1, 2]


def test_the_redis_cache_keeps_one_client_for_its_server(settings, redis_server):
    # given: the production cache backend on a private Redis
    settings.CACHES = {
        "default": {"BACKEND": "polis.core.cache_backend.RedisCache", "LOCATION": redis_server.url}
    }
    cache = caches["default"]
    # when: values are written and read
    cache.set("k", {"stamp": "a"})
    cache.set_many({"x": 1, "y": 2})
    # then: they round trip, through the one client of that server
    assert cache.get("k") == {"stamp": "a"}
    assert cache.get_many(["x", "y"]) == {"x": 1, "y": 2}
    assert cache._cache.get_client() is cache._cache.get_client(write=True)
