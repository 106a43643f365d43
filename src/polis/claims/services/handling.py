"""A claim handled: the adjuster, the insurer's number, notes, messages, closing and reopening."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from polis.claims.audit import ClaimAudit
from polis.claims.models import Claim
from polis.claims.services._common import (
    _CLOSED,
    _ENDABLE,
    S,
    _change,
    _locked,
    _supersede_pending,
    _tell_firm,
)
from polis.core.access import ADJUSTER, require
from polis.core.errors import DomainError, InvalidTransition
from polis.core.text import NOTE_TEXT, REASON_TEXT, bounded_text
from polis.messaging.models import Thread
from polis.messaging.services import write_about
from polis.notify.services import queue_email

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile

    from polis.accounts.models import User


def assign_adjuster(
    *,
    actor: User,
    claim: Claim,
    adjuster: User | None = None,
    external: str = "",
    version: int | None = None,
) -> Claim:
    """An operator assigns a Liquidatore user, or records an external adjuster."""
    require(actor, "handle_claims")
    external = external.strip()
    if (adjuster is None) == (not external):
        raise DomainError(
            _("Scegli un liquidatore oppure indica un liquidatore esterno."), field="adjuster"
        )
    if adjuster is not None and (adjuster.role != ADJUSTER or not adjuster.is_active):
        raise DomainError(_("L'utente scelto non è un liquidatore."), field="adjuster")
    with transaction.atomic():
        claim = _locked(actor, claim, version)
        claim.adjuster, claim.external_adjuster = adjuster, external
        who = adjuster.get_full_name() if adjuster else external
        _change(
            claim,
            actor,
            ClaimAudit.ASSIGNED,
            _("Liquidatore: %(who)s") % {"who": who},
            # a claim already with an adjuster keeps its status; only the adjuster changes
            to=None if claim.status in (S.ASSIGNED, S.INVESTIGATION) else S.ASSIGNED,
            fields=("adjuster", "external_adjuster"),
        )
        if adjuster is not None:
            queue_email(to=adjuster.email, template="claim_assigned", context={"claim": claim})
        _tell_firm(
            claim, "claim_update", update=_("Assegnato il liquidatore %(who)s") % {"who": who}
        )
        return claim


def record_insurer_claim_number(
    *, actor: User, claim: Claim, number: str, version: int | None = None
) -> Claim:
    """The insurer's claim number arrives (first SLA milestone); the investigation starts.
    The MGA or the assigned adjuster, who works for the insurer, records it."""
    require(actor, "adjust_claims")
    number = number.strip()
    if not number:
        raise DomainError(_("Indica il numero di sinistro della compagnia."), field="number")
    with transaction.atomic():
        claim = _locked(actor, claim, version)
        if not claim.is_open:
            raise InvalidTransition(_("Il sinistro è chiuso."))
        claim.insurer_claim_number = number
        claim.insurer_number_on = claim.insurer_number_on or timezone.localdate()
        _change(
            claim,
            actor,
            ClaimAudit.INSURER_NUMBER,
            _("Numero sinistro compagnia: %(n)s") % {"n": number},
            to=S.INVESTIGATION if claim.status == S.ASSIGNED else None,
            fields=("insurer_claim_number", "insurer_number_on"),
        )
        _tell_firm(
            claim,
            "claim_update",
            update=_("Numero sinistro della compagnia: %(n)s") % {"n": number},
        )
        return claim


def add_claim_note(*, actor: User, claim: Claim, text: str, shared: bool = True) -> None:
    """A note on the timeline; MGA staff and adjusters may keep it internal."""
    require(actor, "view_claims")
    text = bounded_text(text, limit=NOTE_TEXT)
    if not text:
        raise DomainError(_("Scrivi la nota."), field="text")
    with transaction.atomic():
        claim = _locked(actor, claim, None)
        internal = not shared and not actor.is_collaborator
        _change(claim, actor, ClaimAudit.NOTE, text, shared=not internal)


def write_about_claim(
    *, actor: User, claim: Claim, body: str, files: Iterable[UploadedFile] = (), base_url: str = ""
) -> Thread:
    """A message between the firm and the MGA about the claim, in the claim's own Comunicazioni
    thread (opened by the first message)."""
    require(actor, "use_messages")
    with transaction.atomic():
        claim = _locked(actor, claim, None)
        return write_about(
            actor=actor,
            firm=claim.firm,
            subject_type="claim",
            subject_id=claim.number,
            title=_("Sinistro %(n)s — %(client)s")
            % {"n": claim.number, "client": claim.practice.client.display_name},
            body=body,
            files=files,
            base_url=base_url,
        )


def close_claim(*, actor: User, claim: Claim, version: int | None = None) -> Claim:
    """A paid claim is closed."""
    require(actor, "handle_claims")
    with transaction.atomic():
        claim = _locked(actor, claim, version)
        _change(claim, actor, ClaimAudit.CLOSED, _("Sinistro chiuso"), to=S.CLOSED)
        _tell_firm(claim, "claim_update", update=_("Sinistro chiuso."))
        return claim


# the two endings without payment, and their step on the timeline
_ENDINGS = {S.REJECTED: ClaimAudit.REJECTED, S.CLOSED_WITHOUT_PAYMENT: ClaimAudit.CLOSED_NOPAY}


def end_claim(
    *, actor: User, claim: Claim, outcome: str, reason: str, version: int | None = None
) -> Claim:
    """Reject a claim, or close it without payment, with the reason the firm is told."""
    require(actor, "handle_claims")
    if outcome not in _ENDINGS:
        raise DomainError(_("Esito non valido."))
    reason = bounded_text(reason, limit=500, field="reason")
    if not reason:
        raise DomainError(_("Indica il motivo."), field="reason")
    with transaction.atomic():
        claim = _locked(actor, claim, version)
        if claim.status not in _ENDABLE:
            raise InvalidTransition(_("In questo stato il sinistro non può essere chiuso così."))
        claim.outcome_reason = reason
        label = S(outcome).label
        _change(
            claim,
            actor,
            _ENDINGS[S(outcome)],
            _("%(label)s. Motivo: %(reason)s") % {"label": label, "reason": claim.outcome_reason},
            to=outcome,
            fields=("outcome_reason",),
        )
        _supersede_pending(actor, claim)
        # the reason someone typed goes in the body, never in the subject
        _tell_firm(
            claim,
            "claim_update",
            update=f"{label}: {claim.outcome_reason}",
            headline=label,
        )
        return claim


def reopen_claim(*, actor: User, claim: Claim, reason: str, version: int | None = None) -> Claim:
    """A closed, rejected or dropped claim is reopened, with the reason."""
    require(actor, "handle_claims")
    reason = bounded_text(reason, limit=REASON_TEXT, field="reason")
    if not reason:
        raise DomainError(_("Indica perché riapri il sinistro."), field="reason")
    with transaction.atomic():
        claim = _locked(actor, claim, version)
        if claim.status not in _CLOSED:
            raise InvalidTransition(_("Si riapre solo un sinistro chiuso."))
        # the outcome's reason belonged to the closing; it stays on the timeline
        claim.outcome_reason = ""
        _change(
            claim,
            actor,
            ClaimAudit.REOPENED,
            _("Sinistro riaperto. Motivo: %(r)s") % {"r": reason.strip()},
            to=S.REOPENED,
            fields=("outcome_reason",),
        )
        _tell_firm(
            claim,
            "claim_update",
            update=_("Sinistro riaperto: %(r)s") % {"r": reason.strip()},
            headline=_("Sinistro riaperto"),
        )
        return claim
