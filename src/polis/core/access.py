"""The one place that decides who may do what, by role and firm ownership.

Services call `require()` before changing anything; views use `@capability_required`; scoped
selectors (`*_visible_to(user)`) apply the same rules to object lists and detail pages.
"""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied as HttpForbidden
from django.utils.translation import gettext as _

from polis.core.errors import PermissionDenied
from polis.core.roles import Role

COLLABORATOR, OPERATOR, ADJUSTER, ADMIN = (
    Role.COLLABORATOR,
    Role.OPERATOR,
    Role.ADJUSTER,
    Role.ADMIN,
)
MGA_STAFF = {OPERATOR, ADMIN}


def _roles(*roles: str) -> Callable:
    return lambda user: user.role in roles


def _mga_or_firm_admin(user) -> bool:
    """The MGA's staff for every firm, a firm's administrator for his own."""
    return user.role in MGA_STAFF or (user.role == COLLABORATOR and user.is_firm_admin)


# capability -> predicate on an authenticated, active user
CAPABILITIES: dict[str, Callable] = {
    "use_dashboard": _roles(COLLABORATOR, OPERATOR, ADJUSTER, ADMIN),
    "work_portfolio": _roles(COLLABORATOR),
    "invite_colleagues": lambda user: user.role == COLLABORATOR and user.is_firm_admin,
    "manage_firm_security": lambda user: user.role == COLLABORATOR and user.is_firm_admin,
    "review_firms": _roles(*MGA_STAFF),
    "view_contact_requests": _roles(*MGA_STAFF),
    "view_audit": _roles(*MGA_STAFF),
    "manage_outbox": _roles(ADMIN),
    "use_messages": _roles(COLLABORATOR, OPERATOR, ADMIN),
    "view_clients": _roles(COLLABORATOR, OPERATOR, ADMIN),
    "view_quotes": _roles(COLLABORATOR, OPERATOR, ADMIN),
    "view_practices": _roles(COLLABORATOR, OPERATOR, ADMIN),
    "review_practices": _roles(*MGA_STAFF),
    "answer_quote_requests": _roles(*MGA_STAFF),
    # adjusters send quietanze to sign from the claims pages only (see signatures.selectors)
    "manage_signatures": _roles(COLLABORATOR, OPERATOR, ADMIN, ADJUSTER),
    "open_claims": _roles(COLLABORATOR),
    "view_claims": _roles(COLLABORATOR, OPERATOR, ADMIN, ADJUSTER),
    # a claim's description often names an injury (health data, GDPR art. 9): only the roles
    # that handle the claim read it, not the MGA's administrators
    "read_claim_details": _roles(COLLABORATOR, OPERATOR, ADJUSTER),
    "handle_claims": _roles(*MGA_STAFF),
    "adjust_claims": _roles(OPERATOR, ADMIN, ADJUSTER),
    # the money (polis.accounting): the MGA's staff keep the books; a firm reads its commissions
    "manage_accounting": _roles(*MGA_STAFF),
    "view_commissions": _roles(COLLABORATOR, OPERATOR, ADMIN),
    # API keys and webhooks: the MGA's staff for anyone, a firm's administrator for his firm's
    # users (polis.integrations.selectors)
    "manage_integrations": _mga_or_firm_admin,
    # the monthly bordereaux to the insurers (polis.bordereaux)
    "report_to_insurers": _roles(*MGA_STAFF),
    # GDPR requests of a client: the MGA's staff for every client, a firm's administrator for
    # his own firm's (polis.privacy.selectors)
    "handle_privacy_requests": _mga_or_firm_admin,
    # Complaints (reclami): the MGA registers and answers them all; a firm's administrator
    # reads those about his own firm, whose information the MGA may need (polis.complaints)
    "handle_complaints": _roles(*MGA_STAFF),
    "view_complaints": _mga_or_firm_admin,
    # sales outside a product's target market (POG), reported to the MGA
    "view_target_market_report": _roles(*MGA_STAFF),
    # Portfolio import and export: the MGA's staff for any firm, a firm's administrator for
    # his own (polis.portfolio)
    "import_portfolio": _mga_or_firm_admin,
    # the retention periods, the purge job's reports and the legal holds (polis.retention)
    "manage_retention": _roles(*MGA_STAFF),
}


def can(user, capability: str) -> bool:
    if not (user and user.is_authenticated and user.is_active):
        return False
    return CAPABILITIES[capability](user)


def require(user, capability: str) -> None:
    """Raise PermissionDenied unless `user` holds `capability`."""
    if not can(user, capability):
        raise PermissionDenied(_("Non hai i permessi per questa operazione."))


def capability_required(capability: str) -> Callable:
    """View decorator: anonymous users go to the login page, others without it get 403."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not can(request.user, capability):
                raise HttpForbidden
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
