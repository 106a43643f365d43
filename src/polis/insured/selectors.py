"""What the insured's page shows: the minimum of one policy or one claim, in plain Italian."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from polis.claims.models import Claim, Quietanza
from polis.claims.selectors import claims_visible_to, missing_document_kinds
from polis.core.access import can
from polis.documents.models import StoredFile
from polis.insured.models import InsuredLink
from polis.practices.models import Payment, Practice
from polis.practices.selectors import practices_visible_to
from polis.signatures.selectors import hash_token

if TYPE_CHECKING:
    from polis.accounts.models import User

StrOrPromise = str | Promise

P = Practice.Status
C = Claim.Status

# The policy's status as the client understands it.
POLICY_STATUS: dict[str, StrOrPromise] = {
    P.DRAFT: _("In preparazione presso la tua agenzia"),
    P.IN_REVIEW: _("In preparazione presso la tua agenzia"),
    P.INFO_REQUESTED: _("In preparazione presso la tua agenzia"),
    P.ISSUED: _("Emessa: da firmare"),
    P.SIGNING: _("In attesa della tua firma"),
    P.SIGNED: _("Firmata: in attesa del pagamento del premio"),
    P.COMPLETED: _("Pagata: la copertura parte dalla data di decorrenza"),
    P.IN_FORCE: _("In vigore: sei coperto"),
    P.RENEWED: _("Rinnovata"),
    P.EXPIRED: _("Scaduta: non sei più coperto"),
    P.DECLINED: _("Non emessa"),
    P.CANCELLED: _("Annullata"),
}

# The claim's stage as the client understands it.
CLAIM_STAGE: dict[str, StrOrPromise] = {
    C.OPENED: _("Abbiamo ricevuto la denuncia e la stiamo controllando."),
    C.DOCS_MISSING: _("Ci mancano dei documenti: senza, la pratica non può andare avanti."),
    C.ASSIGNED: _("Un liquidatore sta esaminando il sinistro."),
    C.INVESTIGATION: _("Il liquidatore sta valutando il danno."),
    C.OFFER_RECEIVED: _(
        "È pronta una proposta di liquidazione: ti abbiamo inviato il link per "
        "accettarla o contestarla."
    ),
    C.ACCEPTED: _("Hai accettato la liquidazione: il pagamento è in preparazione."),
    C.PAID: _("L'indennizzo è stato pagato."),
    C.CLOSED: _("Il sinistro è chiuso."),
    C.REJECTED: _("Il sinistro non è stato accolto: la tua agenzia ti spiegherà il motivo."),
    C.CLOSED_WITHOUT_PAYMENT: _("Il sinistro è chiuso senza indennizzo."),
    C.REOPENED: _("Il sinistro è stato riaperto e lo stiamo riesaminando."),
}


@dataclass(frozen=True)
class Download:
    title: str
    file: StoredFile


def link_by_token(token: str, *, lock: bool = False) -> InsuredLink | None:
    links = InsuredLink.objects.select_related(
        "firm", "client", "practice__product__insurer", "claim"
    )
    if lock:
        links = links.select_for_update(of=("self",))
    return links.filter(token_hash=hash_token(token)).first()


def latest_link(practice: Practice, claim: Claim | None = None) -> InsuredLink | None:
    """The subject's last link, for the agency's panel (sent, revoked, expired)."""
    return (
        InsuredLink.objects.filter(practice=practice, claim=claim)
        .order_by("-created_at", "-pk")
        .first()
    )


def policy_documents(practice: Practice) -> list[Download]:
    """The policy's documents for the client: the contract (signed, once it is), the
    pre-contractual documents (MUP, allegati 3 and 4) and the receipts of verified payments."""
    wanted: list[tuple[str, int]] = []
    contract = practice.signed_contract_id or practice.contract_id
    if contract:
        wanted.append((str(_("Contratto di polizza")), contract))
    wanted += [(d.get("label", ""), d["file"]) for d in practice.disclosures if d.get("file")]
    payments = (
        practice.payments.filter(status=Payment.Status.VERIFIED)
        .select_related("endorsement")
        .order_by("instalment", "pk")
    )
    wanted += [
        (
            str(_("Quietanza di pagamento, appendice %(n)s") % {"n": p.endorsement.number})
            if p.endorsement_id
            else str(_("Quietanza di pagamento, rata %(n)s") % {"n": p.instalment}),
            p.receipt_id,
        )
        for p in payments
    ]
    files = StoredFile.objects.in_bulk([pk for _title, pk in wanted])
    return [Download(title, files[pk]) for title, pk in wanted if pk in files]


def claim_documents(claim: Claim) -> list[Download]:
    """The quietanza the client can read: the current one (pending, accepted or refused)."""
    quietanza = (
        claim.quietanze.exclude(status=Quietanza.Status.SUPERSEDED)
        .select_related("document", "signed_document")
        .order_by("-version")
        .first()
    )
    if quietanza is None:
        return []
    title = _("Quietanza (versione %(v)s) — %(status)s") % {
        "v": quietanza.version,
        "status": quietanza.get_status_display(),
    }
    return [Download(str(title), quietanza.signed_document or quietanza.document)]


@dataclass(frozen=True)
class ClaimView:
    """The claim as the insured sees it: no description, no third parties, no notes."""

    number: str
    claim_type: str
    event_date: object
    stage: str
    is_open: bool
    sla_due: object
    missing: dict[str, str]
    documents: list[Download]


def claim_view(claim: Claim) -> ClaimView:
    return ClaimView(
        number=claim.number,
        claim_type=claim.claim_type_label,
        event_date=claim.event_date,
        stage=str(CLAIM_STAGE[claim.status]),
        is_open=claim.is_open,
        sla_due=claim.sla_due,
        missing=missing_document_kinds(claim) if claim.is_open else {},
        documents=claim_documents(claim),
    )


def page_documents(link: InsuredLink) -> list[Download]:
    return claim_documents(link.claim) if link.claim else policy_documents(link.practice)


def links_visible_to(user: User) -> QuerySet[InsuredLink]:
    """The links of the claims and policies the user sees (claims: GDPR art. 9 scoping)."""
    claims = claims_visible_to(user) if can(user, "view_claims") else Claim.objects.none()
    practices = (
        practices_visible_to(user) if can(user, "view_practices") else Practice.objects.none()
    )
    return InsuredLink.objects.filter(
        Q(claim__in=claims.values("pk")) | Q(claim=None, practice__in=practices.values("pk"))
    )
