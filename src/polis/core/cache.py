"""Values kept in the shared cache and invalidated by stamps that writers touch.

A value is stored with the tokens of the stamps it was computed under. A writer touches its
stamps after commit, which gives them new tokens: every value computed before — even one stored
after the write by a request that had read the older rows — no longer matches and is computed
again. If the cache is unreachable, values are computed every time and pages keep working.
"""

import logging
import secrets
from collections.abc import Callable
from contextvars import ContextVar

from django.core.cache import cache
from django.db import transaction
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

# Bounds the life of a value whose stamp could not be touched (the cache was down).
TIMEOUT = 10 * 60


# The stamps a whole page being computed depends on (polis.core.pagecache): a value served
# from here carries its stamps into the page that shows it.
reading: ContextVar[set[str] | None] = ContextVar("reading", default=None)


def table_stamp(table: str) -> str:
    """The stamp every statement writing `table` touches (core/pagecache.py)."""
    return f"table:{table}"


def _stamp_key(stamp: str) -> str:
    return f"stamp:{stamp}"


def cached(key: str, compute: Callable, *, stamps: list[str], timeout: int = TIMEOUT):
    """`compute()`, or the value stored under `key` if none of `stamps` was touched since
    (and `timeout` seconds have not passed)."""
    if (page := reading.get()) is not None:
        page.update(stamps)
    stamp_keys = [_stamp_key(stamp) for stamp in stamps]
    try:
        found = cache.get_many([key, *stamp_keys])
    except (RedisError, OSError):
        logger.error("cache unavailable for %s", key)
        return compute()
    tokens = [found.get(stamp_key) for stamp_key in stamp_keys]
    stored = found.get(key)
    if stored is not None and None not in tokens and stored[0] == tokens:
        return stored[1]
    value = compute()
    try:
        if None in tokens:
            # A stamp not started yet (or evicted): start it, store the value on the next read.
            start([stamp for stamp, token in zip(stamps, tokens, strict=True) if token is None])
        else:
            cache.set(key, (tokens, value), timeout)
    except (RedisError, OSError):
        logger.error("cache unavailable for %s", key)
    return value


def tokens(stamps: list[str]) -> list[str | None] | None:
    """The current token of each stamp (None: not started), or None if the cache is down."""
    try:
        found = cache.get_many([_stamp_key(stamp) for stamp in stamps])
    except (RedisError, OSError):
        logger.error("cache unavailable: stamps not read")
        return None
    return [found.get(_stamp_key(stamp)) for stamp in stamps]


def start(stamps: list[str]) -> None:
    """Give a token to each of `stamps` that has none (a value is stored on the next read)."""
    try:
        for stamp in stamps:
            cache.add(_stamp_key(stamp), secrets.token_hex(8), timeout=None)
    except (RedisError, OSError):
        logger.error("cache unavailable: stamps not started")


def renew(stamps) -> None:
    """Give `stamps` new tokens now (`touch` does it after commit)."""
    try:
        cache.set_many({_stamp_key(stamp): secrets.token_hex(8) for stamp in stamps}, None)
    except (RedisError, OSError):
        logger.error("cache unavailable: stamps %s not touched", ", ".join(stamps))


def touch(*stamps: str) -> None:
    """Invalidate the values computed under `stamps`, once the current transaction commits."""
    transaction.on_commit(lambda: renew(stamps))
