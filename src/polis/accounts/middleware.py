"""A session is a login only while its user could log in now."""

from django.contrib.auth import logout

from polis.accounts.models import Firm


class LoginRulesMiddleware:
    """Ends the session of a user who may no longer use it: a firm not approved, or a second
    factor now required (an adjuster, a firm that made it mandatory, a replaced device) that
    this session has not verified. The request then goes on as anonymous: pages ask to log in,
    the API answers 401. Installed after django_otp's OTPMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and (
            (user.firm_id and user.firm.status != Firm.Status.APPROVED)
            or (user.requires_two_factor and not user.is_verified())
        ):
            logout(request)
        return self.get_response(request)
