import hashlib
import logging
import time

from django.core.cache import cache
from django_ratelimit.core import is_ratelimited
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)


def over_limit(request, *, group: str, key: str, rate: str) -> bool:
    """Count one attempt for (group, key); True once `rate` (e.g. "10/15m") is exceeded.

    If the shared cache is down the attempt is let through and logged: pages keep working, and
    the second factors keep their own throttling.
    """
    try:
        return is_ratelimited(request, group=group, key=lambda *_: key, rate=rate, increment=True)
    except (RedisError, OSError):
        logger.error("rate limit cache unavailable for group %s", group)
        return False


class FailureDelay:
    """Failures counted per key, with a wait that doubles after the first `free` ones.

    After `free` failures the next attempt waits `base` seconds, after one more `2 × base`, and
    so on up to `cap`; failures are forgotten `window` seconds after the last one, or at once by
    `clear` (a success). Keys are hashed: no e-mail or address is written to the cache. A cache
    that is down lets attempts through, logged, as `over_limit` does.
    """

    def __init__(self, group: str, *, free: int, base: int, cap: int, window: int):
        self.group, self.free, self.base, self.cap, self.window = group, free, base, cap, window

    def _key(self, *parts: str) -> str:
        digest = hashlib.sha256("\x00".join(parts).encode()).hexdigest()
        return f"failures:{self.group}:{digest}"

    def wait(self, *parts: str) -> int:
        """Seconds until the next attempt for `parts` may be made (0: now)."""
        try:
            until = cache.get(self._key(*parts) + ":until")
        except (RedisError, OSError):
            logger.error("failure counter cache unavailable for group %s", self.group)
            return 0
        return max(0, round(until - time.time())) if until else 0

    def fail(self, *parts: str) -> None:
        key = self._key(*parts)
        try:
            cache.add(key, 0, self.window)
            count = cache.incr(key)
            cache.touch(key, self.window)
            if count >= self.free:
                delay = min(self.cap, self.base * 2 ** (count - self.free))
                cache.set(key + ":until", time.time() + delay, delay)
        except (RedisError, OSError):
            logger.error("failure counter cache unavailable for group %s", self.group)

    def clear(self, *parts: str) -> None:
        key = self._key(*parts)
        try:
            cache.delete_many([key, key + ":until"])
        except (RedisError, OSError):
            logger.error("failure counter cache unavailable for group %s", self.group)
