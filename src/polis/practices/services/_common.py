"""What the practice services share: the transitions table, the status guard, the optimistic
lock and the ownership check."""

from django.utils.translation import gettext as _

from polis.core.errors import DomainError, InvalidTransition, PermissionDenied
from polis.practices.models import Practice

S = Practice.Status
# DESIGN §3. "cancelled" is possible from any state before in force.
TRANSITIONS = {
    S.DRAFT: {S.ISSUED, S.IN_REVIEW, S.CANCELLED},
    S.IN_REVIEW: {S.ISSUED, S.DECLINED, S.INFO_REQUESTED, S.CANCELLED},
    S.INFO_REQUESTED: {S.IN_REVIEW, S.DECLINED, S.CANCELLED},
    S.ISSUED: {S.SIGNING, S.CANCELLED},
    S.SIGNING: {S.SIGNED, S.ISSUED, S.CANCELLED},
    S.SIGNED: {S.COMPLETED, S.IN_FORCE, S.CANCELLED},
    # Perfezionata before its start date: in force from that day, or back to "signed" when the
    # MGA rejects the payment that completed it.
    S.COMPLETED: {S.IN_FORCE, S.SIGNED},
    # Back to "signed" when the MGA rejects the payment that completed it.
    S.IN_FORCE: {S.RENEWED, S.EXPIRED, S.SIGNED},
    # Not renewed after all when the renewal's completing payment is rejected.
    S.RENEWED: {S.IN_FORCE, S.EXPIRED},
    # A renewal completed after the end date (within the grace period) still renews it.
    S.EXPIRED: {S.RENEWED},
    S.DECLINED: set(),
    S.CANCELLED: set(),
}


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


def _own(actor, practice_or_quote) -> None:
    if actor.role == "collaborator" and practice_or_quote.firm_id != actor.firm_id:
        raise PermissionDenied(_("Non hai i permessi per questa pratica."))


# --- Delivery of the pre-contractual documents ------------------------------------------------

M = Practice.DeliveryMedium


def _firm_emails(practice: Practice) -> list[str]:
    return list(practice.firm.users.filter(is_active=True).values_list("email", flat=True))
