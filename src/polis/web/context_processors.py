from django.conf import settings

from polis.core.access import can
from polis.messaging.selectors import unread_count
from polis.web.navigation import SIDEBAR, actions_for, current_url


def platform(request) -> dict:
    user = getattr(request, "user", None)
    logged_in = user is not None and user.is_authenticated
    sidebar = actions_for(user, SIDEBAR) if logged_in else []
    return {
        "unread": unread_count(user) if logged_in and can(user, "use_messages") else 0,
        "MGA_NAME": settings.MGA_NAME,
        "MGA_LEGAL_NAME": settings.MGA_LEGAL_NAME,
        "MGA_CONTACT_EMAIL": settings.MGA_CONTACT_EMAIL,
        "sidebar": sidebar,
        "sidebar_current": current_url(request.path, sidebar),
    }
