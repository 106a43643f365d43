from django.conf import settings

from polis.web.navigation import SIDEBAR, actions_for


def platform(request) -> dict:
    user = getattr(request, "user", None)
    return {
        "MGA_NAME": settings.MGA_NAME,
        "MGA_LEGAL_NAME": settings.MGA_LEGAL_NAME,
        "MGA_CONTACT_EMAIL": settings.MGA_CONTACT_EMAIL,
        "sidebar": actions_for(user, SIDEBAR) if user and user.is_authenticated else [],
    }
