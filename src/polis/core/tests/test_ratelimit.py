import time

import pytest

from polis.core.ratelimit import FailureDelay


def delays() -> FailureDelay:
    return FailureDelay("test", free=2, base=30, cap=60, window=3600)


@pytest.fixture
def redis_cache(settings, redis_server):
    settings.CACHES = {
        "default": {"BACKEND": "polis.core.cache_backend.RedisCache", "LOCATION": redis_server.url}
    }
    return redis_server


def test_failures_wait_on_the_shared_cache_and_a_success_forgets_them(redis_cache):
    # given
    counter = delays()
    counter.fail("alfa@example.it", "203.0.113.7")
    assert counter.wait("alfa@example.it", "203.0.113.7") == 0
    # when
    counter.fail("alfa@example.it", "203.0.113.7")
    # then only that pair waits
    assert 29 <= counter.wait("alfa@example.it", "203.0.113.7") <= 30
    assert counter.wait("alfa@example.it", "198.51.100.2") == 0
    counter.fail("alfa@example.it", "203.0.113.7")
    counter.fail("alfa@example.it", "203.0.113.7")
    assert 59 <= counter.wait("alfa@example.it", "203.0.113.7") <= 60  # capped
    counter.clear("alfa@example.it", "203.0.113.7")
    assert counter.wait("alfa@example.it", "203.0.113.7") == 0


def test_no_email_or_address_is_written_to_the_cache(redis_cache):
    # given
    import redis

    delays().fail("alfa@example.it", "203.0.113.7")
    # when
    keys = b" ".join(redis.Redis.from_url(redis_cache.url).keys("*"))
    # then
    assert keys
    assert b"alfa" not in keys
    assert b"203.0.113.7" not in keys


def test_with_the_cache_down_attempts_go_through(redis_cache, caplog):
    # given
    redis_cache.stop()
    counter = delays()
    # when
    started = time.monotonic()
    for _ in range(3):
        counter.fail("alfa@example.it", "203.0.113.7")
    # then
    assert counter.wait("alfa@example.it", "203.0.113.7") == 0
    assert time.monotonic() - started < 5
    assert "failure counter cache unavailable" in caplog.text
