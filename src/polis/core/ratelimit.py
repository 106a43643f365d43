import logging

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
