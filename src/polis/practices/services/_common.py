"""What the practice services share: the ownership check and the delivery helpers. Status
changes and the optimistic lock go through `polis.lifecycle` (`Practice.lifecycle`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from polis.core.errors import PermissionDenied
from polis.practices.models import Practice

if TYPE_CHECKING:
    from polis.accounts.models import User
    from polis.quotes.models import Quote

S = Practice.Status


def _own(actor: User, practice_or_quote: Practice | Quote) -> None:
    if actor.is_collaborator and practice_or_quote.firm_id != actor.firm_id:
        raise PermissionDenied(_("Non hai i permessi per questa pratica."))


# --- Delivery of the pre-contractual documents ------------------------------------------------

M = Practice.DeliveryMedium


def _firm_emails(practice: Practice) -> list[str]:
    return list(practice.firm.users.filter(is_active=True).values_list("email", flat=True))
