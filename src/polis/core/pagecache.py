"""Whole GET pages of a session kept in the shared cache, stamped by the tables they read.

Every statement Django sends is watched (`watch`, on every database connection): a statement
that writes a table touches the table's stamp once its transaction commits, whatever wrote it
(a service, a lifecycle transition, a batch UPDATE, the admin, a management command). A page
computed under `cached_page` records the tables its queries read and the stamps of the
shared-cache values it showed (`core.cache.cached`), and is served again — for the same
session, CSRF cookie, user row, address, htmx target, language and day — until one of those
stamps is touched. The stamps are read before the page is computed, so a page that read rows
older than a write that commits meanwhile is stored under tokens the write has already replaced.

A page is not stored when it carries a flash message, changes the session, starts a CSRF
cookie or answers anything but 200; and it lives at most PAGE_CACHE_SECONDS, which bounds what
changes with the clock alone (a claim becoming overdue) and what is written outside Django
(seed_scale's COPY). Writes made by PostgreSQL's own triggers stamp the table the statement
wrote, not the trigger's: no cached page reads a trigger's table.
"""

import hashlib
import logging
import re
from functools import wraps

from django.apps import apps
from django.conf import settings
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.db import connections
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import get_language
from redis.exceptions import RedisError

from polis.core.cache import reading, renew, start, table_stamp, tokens

logger = logging.getLogger(__name__)

_WRITTEN = re.compile(r'\b(?:INSERT\s+INTO|(?<!DO )UPDATE|DELETE\s+FROM)\s+"?(\w+)', re.I)
_TRUNCATED = re.compile(r"\bTRUNCATE\s+(?:TABLE\s+)?(?:ONLY\s+)?([^;]+)", re.I)
# Django's update_last_login, at every login: the cached users and pages leave last_login out
# (below), so it renews no stamp — or every login would drop every cached user and page.
_LAST_LOGIN = re.compile(
    r'UPDATE "accounts_user" SET "last_login" = %s WHERE "accounts_user"\."id" = %s$'
)
_READ = re.compile(r'\b(?:FROM|JOIN)\s+"?(\w+)', re.I)
# Loaded before the page is computed (the request's user and his firm), so never recorded.
# The user's own row is part of the key instead (a role or a name changed shows at once).
_ALWAYS = (table_stamp("accounts_firm"),)
_HTMX_HEADERS = (
    "HX-Request",
    "HX-Target",
    "HX-Trigger",
    "HX-Boosted",
    "HX-History-Restore-Request",
)
# What the key leaves out of the user's row: last_login, written at every login and shown on
# no cached page; the password hash, which the cached user does not carry (a changed password
# ends the session before its pages are looked up).
_USER_FIELDS_IGNORED = {"last_login", "password"}


def watch(execute, sql, params, many, context):
    """Stamps the tables a statement writes (after commit) and, while a page is being
    computed, records the tables it reads."""
    result = execute(sql, params, many, context)
    if (page := reading.get()) is not None:
        page.update(table_stamp(table) for table in _READ.findall(sql))
    if sql.lstrip()[:6].upper() != "SELECT" and (written := _written(sql)):
        _touch_on_commit(context["connection"], written)
    return result


def _written(sql: str) -> list[str]:
    """The tables a statement writes (every model's table when a TRUNCATE cascades)."""
    if _LAST_LOGIN.match(sql):
        return []
    written = _WRITTEN.findall(sql)
    for truncated in _TRUNCATED.findall(sql):
        if re.search(r"\bCASCADE\b", truncated, re.I):
            return [model._meta.db_table for model in apps.get_models()]
        tables = re.split(r"\s+(?:RESTART|CONTINUE|RESTRICT)\b", truncated, flags=re.I)[0]
        written += [name.strip().strip('"') for name in tables.split(",")]
    return written


class _Written:
    """The tables a transaction wrote: registered on commit by each of its writing statements
    and renewed once, by the first of those callbacks to run."""

    __slots__ = ("renewed", "stamps")

    def __init__(self):
        self.stamps: set[str] = set()
        self.renewed = False

    def __call__(self):
        if not self.renewed:
            self.renewed = True
            renew(sorted(self.stamps))


def _touch_on_commit(connection, tables: list[str]) -> None:
    """Touch the tables a statement wrote when its transaction commits (at once in autocommit)."""
    stamps = [table_stamp(table) for table in tables]
    if not connection.in_atomic_block:
        renew(stamps)
        return
    written = getattr(connection, "_written_tables", None)
    if written is None or written.renewed or not connection.run_on_commit:
        # nothing of this transaction queued yet (or its last one ended): start afresh
        written = connection._written_tables = _Written()
    written.stamps.update(stamps)
    # A callback each statement, so that the stamps are renewed if any write of the
    # transaction survives its savepoints; those of a write rolled back with its savepoint may be
    # renewed too (too much, never too little).
    connection.on_commit(written)


def install(sender, connection, **kwargs) -> None:
    """connection_created's receiver: `watch` every statement of the connection."""
    if watch not in connection.execute_wrappers:
        connection.execute_wrappers.append(watch)


def _key(request) -> str | None:
    """Everything that decides what the page shows, hashed; None when it must be computed."""
    user = request.user
    if request.method != "GET" or not settings.PAGE_CACHE_SECONDS or not user.is_authenticated:
        return None
    session_key = request.session.session_key
    if not session_key or len(get_messages(request)):
        return None
    headers = request.headers
    parts = [
        connections["default"].settings_dict["NAME"],
        session_key,
        request.COOKIES.get(settings.CSRF_COOKIE_NAME, ""),
        request.scheme,
        request.get_host(),
        request.get_full_path(),
        get_language(),
        timezone.localdate().isoformat(),
        str(user.is_verified()) if hasattr(user, "is_verified") else "",
        *(headers.get(name, "") for name in _HTMX_HEADERS),
        *(
            repr(getattr(user, field.attname))
            for field in user._meta.concrete_fields
            if field.attname not in _USER_FIELDS_IGNORED
        ),
    ]
    return "page:" + hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def _storable(request, response, csrf_before: bool) -> bool:
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not len(get_messages(request))
        and not request.session.modified
        and (csrf_before or "CSRF_COOKIE" not in request.META)
    )


def cached_page(view):
    """Serve the GET page from the shared cache while nothing it read was written (see above).

    Put it under the access decorator: who may see the page is checked on every request."""

    @wraps(view)
    def page(request, *args, **kwargs):
        key = _key(request)
        if key is None:
            return view(request, *args, **kwargs)
        try:
            entry = cache.get(key)
        except (RedisError, OSError):
            logger.error("cache unavailable: page computed")
            return view(request, *args, **kwargs)
        known, stored_tokens, stored = entry or ((), None, None)
        current = tokens(list(known)) if known else None
        if stored is not None and current == stored_tokens and None not in current:
            content, headers = stored
            response = HttpResponse(content)
            for name, value in headers:
                response[name] = value
            return response
        recorded = set(_ALWAYS)
        csrf_before = "CSRF_COOKIE" in request.META
        modified_before = request.session.modified
        reset = reading.set(recorded)
        try:
            response = view(request, *args, **kwargs)
        finally:
            reading.reset(reset)
        if modified_before or not _storable(request, response, csrf_before):
            return response
        needed = sorted(recorded)
        if current is not None and None not in current and recorded <= set(known):
            # every stamp the page depends on was read before it was computed: store it
            token_of = dict(zip(known, current, strict=True))
            value = (
                needed,
                [token_of[stamp] for stamp in needed],
                (response.content, list(response.items())),
            )
        else:
            # first computed (or it read something new): learn its stamps, store it next time
            start(needed)
            value = (sorted(recorded | set(known)), None, None)
        try:
            cache.set(key, value, settings.PAGE_CACHE_SECONDS)
        except (RedisError, OSError):
            logger.error("cache unavailable: page not stored")
        return response

    return page
