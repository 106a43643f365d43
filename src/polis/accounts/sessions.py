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
    """The cache, with every timeout capped and failed writes logged (Django's cached_db
    catches them when saving a session, not when caching one it has just read)."""

    def __init__(self, cache):
        self._cache = cache

    def __getattr__(self, name):
        return getattr(self._cache, name)

    def __contains__(self, key):
        return key in self._cache

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
