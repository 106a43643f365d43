"""What the practice services share: the transitions table, the status guard, the optimistic
lock and the ownership check."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from polis.core.errors import DomainError, InvalidTransition, PermissionDenied
from polis.practices.models import Practice

if TYPE_CHECKING:
    from polis.accounts.models import User
    from polis.quotes.models import Quote

S = Practice.Status
TRANSITIONS = {k: set(v) for k, v in Practice.lifecycle.transitions.items()}


def _guard(practice: Practice, wanted: str) -> None:
    if wanted not in TRANSITIONS[practice.status]:
        raise InvalidTransition(
            _("La pratica è «%(current)s»: non può passare a «%(wanted)s».")
            % {"current": practice.get_status_display(), "wanted": S(wanted).label}
        )


def _locked(practice: Practice, version: int | None) -> Practice:
    """The practice's row, locked; refused when someone changed it since the page showed it."""
    locked = Practice.objects.select_for_update().get(pk=practice.pk)
    if version is not None and locked.version != version:
        raise DomainError(
            _("La pratica è stata modificata da un altro utente: ricarica la pagina.")
        )
    return locked


def _own(actor: User, practice_or_quote: Practice | Quote) -> None:
    if actor.role == "collaborator" and practice_or_quote.firm_id != actor.firm_id:
        raise PermissionDenied(_("Non hai i permessi per questa pratica."))


# --- Delivery of the pre-contractual documents ------------------------------------------------

M = Practice.DeliveryMedium


def _firm_emails(practice: Practice) -> list[str]:
    return list(practice.firm.users.filter(is_active=True).values_list("email", flat=True))
