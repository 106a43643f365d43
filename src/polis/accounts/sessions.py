"""Sessions read from the shared cache, written through to the database (Django's cached_db).

Reading the session from Redis instead of PostgreSQL spares a query on every page. The cached
copy lives at most SESSION_CACHE_SECONDS: a logout whose cache delete failed (Redis unreachable
at that moment; the database row is gone) cannot revive the session for longer than that.
A cache that fails falls back to the database: the page is served, the failure logged in one
line (no traceback: with Redis down it would fill the log on every page).
"""

import logging

from django.conf import settings
from django.contrib.sessions.backends import cached_db

logger = logging.getLogger("django.contrib.sessions")


class _ShortLived:
    """The cache, with every timeout capped and failures logged in one line (Django's cached_db
    catches them when saving or reading a session, not when caching one it has just read,
    checking a new key or deleting one at logout)."""

    def __init__(self, cache):
        self._cache = cache

    def __getattr__(self, name):
        return getattr(self._cache, name)

    def __contains__(self, key):
        # Asked when a new session key is drawn; False sends the question to the database.
        try:
            return key in self._cache
        except Exception as exc:
            logger.warning("Session cache unreachable (%s): asked the database", type(exc).__name__)
            return False

    def delete(self, key):
        # At logout the database row is deleted first; a copy left in the cache expires within
        # SESSION_CACHE_SECONDS.
        try:
            self._cache.delete(key)
        except Exception as exc:
            logger.warning(
                "Session not uncached (%s): deleted from the database", type(exc).__name__
            )

    async def adelete(self, key):
        try:
            await self._cache.adelete(key)
        except Exception as exc:
            logger.warning(
                "Session not uncached (%s): deleted from the database", type(exc).__name__
            )

    def set(self, key, value, timeout):
        try:
            self._cache.set(key, value, min(timeout, settings.SESSION_CACHE_SECONDS))
        except Exception as exc:
            logger.warning("Session not cached (%s): read from the database", type(exc).__name__)

    async def aset(self, key, value, timeout):
        try:
            await self._cache.aset(key, value, min(timeout, settings.SESSION_CACHE_SECONDS))
        except Exception as exc:
            logger.warning("Session not cached (%s): read from the database", type(exc).__name__)


class SessionStore(cached_db.SessionStore):
    def __init__(self, session_key=None):
        super().__init__(session_key)
        self._cache = _ShortLived(self._cache)
