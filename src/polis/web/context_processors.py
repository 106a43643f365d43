from django.conf import settings

from polis.core.access import can
from polis.messaging.selectors import unread_count
from polis.web.navigation import SIDEBAR, actions_for, sidebar_html


def platform(request) -> dict:
    user = getattr(request, "user", None)
    logged_in = user is not None and user.is_authenticated
    unread = unread_count(user) if logged_in and can(user, "use_messages") else 0

    def sidebar() -> str:
        # called by the template that shows it (app.html), not by every fragment rendered
        return sidebar_html(
            actions_for(user, SIDEBAR) if logged_in else [], path=request.path, unread=unread
        )

    return {
        "unread": unread,
        "MGA_NAME": settings.MGA_NAME,
        "MGA_LEGAL_NAME": settings.MGA_LEGAL_NAME,
        "MGA_CONTACT_EMAIL": settings.MGA_CONTACT_EMAIL,
        "sidebar": sidebar,
    }
