"""What the claim services share: the locked claim, its changes (through `polis.lifecycle`) with
their timeline events, and the notices to the firm and the MGA."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import TYPE_CHECKING

from django.utils import timezone
from django.utils.translation import gettext as _

from polis.accounts.selectors import role_emails
from polis.audit.services import record_audit
from polis.claims.audit import ClaimAudit
from polis.claims.models import SLA_WORKING_DAYS, Claim, ClaimDocument, ClaimEvent, Quietanza
from polis.claims.selectors import acts_on, sla_closures
from polis.core.access import OPERATOR
from polis.core.amounts import parse_amount
from polis.core.errors import DomainError, PermissionDenied
from polis.core.workdays import add_working_days
from polis.documents.services import store_upload
from polis.lifecycle import lock, save_versioned, transition
from polis.notify.services import queue_email
from polis.signatures.registry import SubjectKind
from polis.signatures.selectors import open_requests_for_subject
from polis.signatures.services import void_signature_request

if TYPE_CHECKING:
    from polis.accounts.models import User

S = Claim.Status
_CLOSED = {S.CLOSED, S.REJECTED, S.CLOSED_WITHOUT_PAYMENT}
_ENDABLE = {S.OPENED, S.DOCS_MISSING, S.ASSIGNED, S.INVESTIGATION, S.OFFER_RECEIVED, S.REOPENED}


def _locked(actor: User, claim: Claim, version: int | None) -> Claim:
    """Lock the row; refuse if someone changed the claim since the form was rendered, or if
    the actor may not see it."""
    locked = lock(claim, version)
    _may_see(actor, locked)
    return locked


def _may_see(actor: User, claim: Claim) -> None:
    if not acts_on(actor, claim):
        raise PermissionDenied(
            _("Questo sinistro non è assegnato a te.")
            if actor.is_adjuster
            else _("Non hai i permessi per questo sinistro.")
        )


def _timeline(claim: Claim, actor: User | None, kind: str, text: str, shared: bool) -> None:
    ClaimEvent.objects.create(
        claim=claim, actor=actor, kind=kind, text=text, shared=shared, at=timezone.now()
    )


def _event(
    claim: Claim, actor: User | None, step: ClaimAudit, text: str = "", shared: bool = True
) -> None:
    """One step on the claim's timeline that changes nothing on the claim, and in the audit
    log as that step (its text, which can hold health data, stays on the timeline only)."""
    _timeline(claim, actor, step.step, text, shared)
    record_audit(actor=actor, action=step, target=claim)


def _change(
    claim: Claim,
    actor: User | None,
    step: ClaimAudit,
    text: str = "",
    *,
    to: str | None = None,
    fields: tuple[str, ...] = (),
    shared: bool = True,
) -> None:
    """Save the claim's changed `fields` under the optimistic lock — moving it `to` a status
    through its lifecycle, when given — with one `step` on its timeline, audited once under
    that action (with `from` and `to` for a move)."""
    if to is None:
        save_versioned(claim, *fields)
        _event(claim, actor, step, text, shared)
    else:
        transition(claim, to, actor=actor, fields=fields, action=step)
        _timeline(claim, actor, step.step, text, shared)


def _supersede_pending(actor: User, claim: Claim) -> None:
    """The claim's pending quietanza gives way (to a new one, or to the claim's end): it is
    superseded and its open signature link voided."""
    for pending in claim.quietanze.select_for_update().filter(status=Quietanza.Status.PENDING):
        transition(pending, Quietanza.Status.SUPERSEDED, actor=actor)
        for request in open_requests_for_subject(SubjectKind.QUIETANZA, pending.pk):
            void_signature_request(actor=actor, request=request)


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


def _amount(value: Decimal | str | None, *, field: str) -> Decimal:
    amount = parse_amount(value)
    if amount is None:
        raise DomainError(_("Importo non valido: scrivilo come 7.345,60."), field=field)
    amount = amount.quantize(Decimal("0.01"))
    if amount <= 0:
        raise DomainError(_("L'importo deve essere maggiore di zero."), field=field)
    return amount
