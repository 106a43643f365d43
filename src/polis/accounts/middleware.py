"""A session is a login only while its user could log in now."""

from django.apps import apps
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.models import AnonymousUser
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django_otp import middleware as otp

from polis.accounts.backends import WRITTEN_ELSEWHERE
from polis.accounts.models import Firm
from polis.core.cache import cached, table_stamp


class OTPMiddleware(otp.OTPMiddleware):
    """django_otp's, with the session's verified device read from the shared cache while its
    table was not written (a device removed or replaced renews the stamp: core/pagecache.py)."""

    def _device_from_persistent_id(self, persistent_id: str):
        label = self._normalize_persistent_id(persistent_id).split("/")[0]
        try:
            table = apps.get_model(label)._meta.db_table
        except (LookupError, ValueError):
            table = None
        if table is None or not settings.CACHE_USERS:
            return super()._device_from_persistent_id(persistent_id)

        def load():
            device = super(OTPMiddleware, self)._device_from_persistent_id(persistent_id)
            if device is not None:
                # the secret stays in the database (deferred: loaded if a code is checked)
                device.__dict__.pop("key", None)
            return device

        return cached(
            f"otp-device:{persistent_id}",
            load,
            stamps=[table_stamp(table)],
            timeout=WRITTEN_ELSEWHERE,
        )


class LoginRulesMiddleware:
    """Ends the session of a user who may no longer use it: a firm not approved, or a second
    factor now required (an adjuster, a firm that made it mandatory, a replaced device) that
    this session has not verified. The request then goes on as anonymous: pages ask to log in,
    the API answers 401. Installed after OTPMiddleware and the messages'.

    Checked when the request first reads its user, as Django loads it: a database that is down
    then fails inside the view, which answers 503 (web.middleware), not in this middleware.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        request.user = SimpleLazyObject(lambda: self._checked(request, user))
        return self.get_response(request)

    @staticmethod
    def _checked(request, user):
        if not user.is_authenticated:
            return user
        if user.firm_id and user.firm.status != Firm.Status.APPROVED:
            return _logged_out(request)
        if user.requires_two_factor and not user.is_verified():
            messages.info(
                request, _("Accedi di nuovo: il tuo account richiede la verifica in due passaggi.")
            )
            return _logged_out(request)
        return user


def _logged_out(request) -> AnonymousUser:
    """What django.contrib.auth.logout does (it cannot be called while the user is read)."""
    request.session.flush()
    anonymous = AnonymousUser()
    anonymous.otp_device, anonymous.is_verified = None, lambda: False  # as OTPMiddleware's
    return anonymous
