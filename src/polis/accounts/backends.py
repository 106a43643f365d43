"""The login backend: Django's, with the user's firm read in the same query, or from the
shared cache while neither the users' table nor the firms' was written (core/pagecache.py
stamps every write of a table)."""

from django.conf import settings
from django.contrib.auth.backends import ModelBackend

from polis.accounts.models import Firm, User
from polis.core.cache import cached, table_stamp

BACKEND = "polis.accounts.backends.FirmModelBackend"
STAMPS = [table_stamp(User._meta.db_table), table_stamp(Firm._meta.db_table)]
# Bounds how long a write the stamps do not see (made outside Django, or by a process without
# the shared cache) leaves a user, his firm or his device as they were.
WRITTEN_ELSEWHERE = 60


class FirmModelBackend(ModelBackend):
    """Every page shows the user's firm in its menu: one query for both, not two — none when
    the shared cache has them (a deactivated user, a changed role or password, a suspended
    firm: each a write of one of the two tables, which renews their stamps)."""

    def get_user(self, user_id):
        if settings.CACHE_USERS:
            user = cached(
                f"user:{user_id}",
                lambda: _shareable(user_id),
                stamps=STAMPS,
                timeout=WRITTEN_ELSEWHERE,
            )
        else:
            user = User.objects.select_related("firm").filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None


def _shareable(user_id) -> User | None:
    """The user and his firm as the shared cache keeps them: his password hash left in the
    database (deferred: loaded again only if something reads it), the session's check value
    in its place (User.get_session_auth_hash)."""
    user = User.objects.select_related("firm").filter(pk=user_id).first()
    if user is not None:
        user.__dict__["_session_auth_hash"] = user.get_session_auth_hash()
        del user.__dict__["password"]
    return user
