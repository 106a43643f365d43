from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from polis.core.access import require
from polis.core.errors import PermissionDenied

if TYPE_CHECKING:
    from polis.accounts.models import Firm, User


def check_firm(actor: User, firm: Firm) -> None:
    """The MGA's staff import and export any firm's portfolio, a firm's administrator his own."""
    require(actor, "import_portfolio")
    if not actor.is_mga_staff and firm.pk != actor.firm_id:
        raise PermissionDenied(_("Non hai i permessi per il portafoglio di questa agenzia."))
