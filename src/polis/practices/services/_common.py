"""What the practice services share: the ownership check and the delivery helpers. Status
changes and the optimistic lock go through `polis.lifecycle` (`Practice.lifecycle`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from polis.accounts.selectors import role_emails
from polis.core.access import OPERATOR
from polis.core.errors import PermissionDenied
from polis.lifecycle import transition
from polis.notify.services import queue_email
from polis.practices.models import Endorsement, Practice
from polis.practices.selectors import acts_on

if TYPE_CHECKING:
    from polis.accounts.models import User
    from polis.audit.labels import AuditActions
    from polis.quotes.models import Quote

S = Practice.Status


def _own(actor: User, practice_or_quote: Practice | Quote) -> None:
    """Refuse an actor who does not act on this practice (`selectors.acts_on`)."""
    if not acts_on(actor, practice_or_quote):
        raise PermissionDenied(_("Non hai i permessi per questa pratica."))


def _to_review(
    obj: Practice | Endorsement,
    reasons: list[str],
    *,
    actor: User,
    action: AuditActions,
    template: str,
    context: dict,
) -> None:
    """Put a practice or a variazione in the MGA's review queue with its reasons, and tell the
    operators by e-mail (`template`)."""
    obj.submitted_at = timezone.now()
    obj.review_reason = Truncator("; ".join(reasons)).chars(300)
    transition(
        obj,
        type(obj).Status.IN_REVIEW,
        actor=actor,
        fields=("submitted_at", "review_reason"),
        action=action,
    )
    for email in role_emails(OPERATOR):
        queue_email(to=email, template=template, context=context)


# --- Delivery of the pre-contractual documents ------------------------------------------------

M = Practice.DeliveryMedium


def _firm_emails(practice: Practice) -> list[str]:
    return list(practice.firm.users.filter(is_active=True).values_list("email", flat=True))
