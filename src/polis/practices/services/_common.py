"""What the practice services share: the ownership check and the delivery helpers. Status
changes and the optimistic lock go through `polis.lifecycle` (`Practice.lifecycle`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from polis.core.errors import PermissionDenied
from polis.practices.models import Practice
from polis.practices.selectors import acts_on

if TYPE_CHECKING:
    from polis.accounts.models import User
    from polis.quotes.models import Quote

S = Practice.Status


def _own(actor: User, practice_or_quote: Practice | Quote) -> None:
    """Refuse an actor who does not act on this practice (`selectors.acts_on`)."""
    if not acts_on(actor, practice_or_quote):
        raise PermissionDenied(_("Non hai i permessi per questa pratica."))


# --- Delivery of the pre-contractual documents ------------------------------------------------

M = Practice.DeliveryMedium


def _firm_emails(practice: Practice) -> list[str]:
    return list(practice.firm.users.filter(is_active=True).values_list("email", flat=True))
