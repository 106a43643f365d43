"""What the claim services share: the transitions table, the status guard, the optimistic lock,
the timeline events and the notices to the firm and the MGA."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import TYPE_CHECKING

from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from polis.accounts.selectors import role_emails
from polis.audit.services import record_audit
from polis.claims.models import SLA_WORKING_DAYS, Claim, ClaimDocument, ClaimEvent
from polis.claims.selectors import sla_closures
from polis.core.access import ADJUSTER, OPERATOR
from polis.core.amounts import parse_amount
from polis.core.errors import DomainError, InvalidTransition, PermissionDenied
from polis.core.workdays import add_working_days
from polis.documents.services import store_upload
from polis.notify.services import queue_email

if TYPE_CHECKING:
    from polis.accounts.models import User

S = Claim.Status
_CLOSED = {S.CLOSED, S.REJECTED, S.CLOSED_WITHOUT_PAYMENT}
_ENDABLE = {S.OPENED, S.DOCS_MISSING, S.ASSIGNED, S.INVESTIGATION, S.OFFER_RECEIVED, S.REOPENED}
TRANSITIONS = {k: set(v) for k, v in Claim.lifecycle.transitions.items()}


def _guard(claim: Claim, wanted: str) -> None:
    if wanted not in TRANSITIONS[claim.status]:
        raise InvalidTransition(
            _("Il sinistro è «%(current)s»: non può passare a «%(wanted)s».")
            % {"current": claim.get_status_display(), "wanted": S(wanted).label}
        )


def _locked(actor: User, claim: Claim, version: int | None) -> Claim:
    """Lock the row; refuse if someone changed the claim since the form was rendered."""
    locked = Claim.objects.select_for_update().get(pk=claim.pk)
    _may_see(actor, locked)
    if version is not None and locked.version != version:
        raise DomainError(
            _("Il sinistro è stato modificato da un altro utente: ricarica la pagina.")
        )
    return locked


def _may_see(actor: User, claim: Claim) -> None:
    if actor.role == "collaborator" and claim.firm_id != actor.firm_id:
        raise PermissionDenied(_("Non hai i permessi per questo sinistro."))
    if actor.role == ADJUSTER and claim.adjuster_id != actor.pk:
        raise PermissionDenied(_("Questo sinistro non è assegnato a te."))


def _save(claim: Claim, *fields: str) -> None:
    claim.version += 1
    claim.save(update_fields=[*fields, "version"])


def _event(
    claim: Claim, actor: User | None, kind: str, text: str = "", shared: bool = True
) -> None:
    """One step on the claim's timeline, and in the audit log as `claim.<kind>` (its text,
    which can hold health data, stays on the timeline only)."""
    ClaimEvent.objects.create(
        claim=claim, actor=actor, kind=kind, text=text, shared=shared, at=timezone.now()
    )
    record_audit(actor=actor, action=f"claim.{kind}", target=claim)


def _tell_firm(claim: Claim, template: str, **context: object) -> None:
    for email in claim.firm.users.filter(is_active=True).values_list("email", flat=True):
        queue_email(to=email, template=template, context={"claim": claim, **context})


def _tell_mga(claim: Claim, template: str, **context: object) -> None:
    recipients = set(role_emails(OPERATOR))
    if claim.adjuster_id:
        recipients.add(claim.adjuster.email)
    for email in sorted(recipients):
        queue_email(to=email, template=template, context={"claim": claim, **context})


def _store_documents(
    actor: User, claim: Claim, kind: str, label: str, uploads: Iterable[tuple[str, bytes]]
) -> list[ClaimDocument]:
    return [
        ClaimDocument.objects.create(
            claim=claim,
            kind=kind,
            label=label,
            file=store_upload(actor=actor, name=name, data=data),
            uploaded_by=actor,
            uploaded_at=timezone.now(),
        )
        for name, data in uploads
    ]


def _start_sla(claim: Claim) -> None:
    if claim.docs_complete_on is None:
        claim.docs_complete_on = timezone.localdate()
        claim.sla_due = add_working_days(
            claim.docs_complete_on, SLA_WORKING_DAYS, sla_closures(claim)
        )


def _euro(amount: Decimal) -> str:
    return number_format(amount, 2, force_grouping=True)


def _amount(value: Decimal | str | None, *, field: str) -> Decimal:
    amount = parse_amount(value)
    if amount is None:
        raise DomainError(_("Importo non valido: scrivilo come 7.345,60."), field=field)
    amount = amount.quantize(Decimal("0.01"))
    if amount <= 0:
        raise DomainError(_("L'importo deve essere maggiore di zero."), field=field)
    return amount
