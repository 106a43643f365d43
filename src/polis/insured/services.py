"""The insured's personal link: sent and revoked by the agency, opened, renewed by SMS code and
used to send a missing claim document by the insured, who has no account (no actor).

The token scheme and the codes are the signing links' (`polis.signatures.services.link_token`,
`code_hash`); every opening is audited like any read of the policy or of the claim's data.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Iterable
from datetime import timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from polis.audit.services import record_audit
from polis.claims.models import Claim, ClaimDocument
from polis.claims.services import add_insured_claim_documents, record_claim_access
from polis.core.access import ADJUSTER, require
from polis.core.errors import DomainError, PermissionDenied
from polis.documents.models import StoredFile
from polis.insured.audit import InsuredAudit
from polis.insured.models import InsuredLink
from polis.insured.selectors import link_by_token, page_documents
from polis.notify.services import queue_email, queue_sms
from polis.practices.models import Practice
from polis.signatures.selectors import hash_token
from polis.signatures.services import code_hash, link_token

if TYPE_CHECKING:
    from polis.accounts.models import User

# Wrong codici fiscali, numbers or codes that lock a link's renewal (the agency sends a new one).
MAX_FAILURES = 5


class LinkRefused(DomainError):
    """The link is unknown, revoked or expired; `renewable` when the client may ask a new one."""

    def __init__(self, message: str, *, renewable: bool = False):
        super().__init__(message)
        self.renewable = renewable


def _token(link: InsuredLink) -> str:
    return link_token("insured-link", link.link_nonce)


def insured_url(link: InsuredLink, base_url: str = "") -> str:
    site = (base_url or settings.SITE_URL).rstrip("/")
    return site + reverse("insured:page", args=[_token(link)])


def _new_token(link: InsuredLink) -> str:
    """A fresh nonce, token and validity period: the previous link stops working."""
    link.link_nonce = secrets.token_hex(16)
    token = _token(link)
    link.token_hash = hash_token(token)
    link.expires_at = timezone.now() + timedelta(days=settings.INSURED_LINK_DAYS)
    return token


def _send(link: InsuredLink, base_url: str) -> None:
    url = insured_url(link, base_url)
    client = link.client
    queue_email(to=client.email, template="insured_link", context={"link": link, "url": url})
    if client.mobile:
        queue_sms(
            to=client.mobile,
            text=_("%(firm)s: il tuo link personale (non inoltrarlo) %(url)s")
            % {"firm": link.firm.name, "url": url},
            sensitive=True,
        )


def _may_act(actor: User, firm_id: int, claim: Claim | None) -> None:
    """A policy's link is for its firm and the MGA's staff; a claim's also for its adjuster."""
    require(actor, "view_claims" if claim else "view_practices")
    if actor.is_collaborator and firm_id != actor.firm_id:
        raise PermissionDenied(_("Non hai i permessi per questa pratica."))
    if actor.role == ADJUSTER and (claim is None or claim.adjuster_id != actor.pk):
        raise PermissionDenied(_("Questo sinistro non è assegnato a te."))


def send_insured_link(
    *, actor: User | None, practice: Practice, claim: Claim | None = None, base_url: str = ""
) -> InsuredLink:
    """Send the client a personal link to the policy or, given `claim`, to the claim, by e-mail
    and SMS. It replaces the subject's previous link, which stops working. The returned link
    carries its token in `.link_token` (never stored).

    `actor` None is the platform sending it by itself (at issue, at the claim's opening)."""
    if actor is not None:
        _may_act(actor, practice.firm_id, claim)
    if claim is not None and claim.practice_id != practice.pk:
        raise DomainError(_("Il sinistro non è di questa polizza."))
    if practice.policy_number is None:
        raise DomainError(_("La pratica non è ancora una polizza emessa."))
    now = timezone.now()
    with transaction.atomic():
        InsuredLink.objects.filter(
            practice=practice, claim=claim, revoked_at=None, expires_at__gt=now
        ).update(revoked_at=now, revoked_by=actor)
        link = InsuredLink(
            firm_id=practice.firm_id,
            client_id=practice.client_id,
            practice=practice,
            claim=claim,
            created_by=actor,
            created_at=now,
        )
        token = _new_token(link)
        link.save()
        _send(link, base_url)
        record_audit(
            actor=actor,
            action=InsuredAudit.SENT,
            target=claim or practice,
            data={"link": str(link.uuid)},
        )
        link.link_token = token  # type: ignore[attr-defined]  # for the caller, never stored
        return link


def send_automatic_link(*, practice: Practice, claim: Claim | None = None) -> None:
    """The link sent by the platform itself: at a claim's opening (when the agency chose to
    tell the insured) and, if INSURED_LINK_AT_ISSUE, at the policy's issue."""
    if claim is not None or settings.INSURED_LINK_AT_ISSUE:
        send_insured_link(actor=None, practice=practice, claim=claim)


def revoke_insured_link(*, actor: User, link: InsuredLink) -> InsuredLink:
    """The agency (or the MGA) withdraws the link: it opens nothing from now on."""
    _may_act(actor, link.firm_id, link.claim)
    with transaction.atomic():
        link = InsuredLink.objects.select_for_update().get(pk=link.pk)
        if link.is_revoked:
            return link
        link.revoked_at = timezone.now()
        link.revoked_by = actor
        link.save(update_fields=["revoked_at", "revoked_by"])
        record_audit(
            actor=actor,
            action=InsuredAudit.REVOKED,
            target=link.claim or link.practice,
            data={"link": str(link.uuid)},
        )
        return link


def _usable(token: str) -> InsuredLink:
    """The link, if it still opens its page; LinkRefused otherwise."""
    link = link_by_token(token)
    if link is None:
        raise LinkRefused(_("Questo link non esiste: controlla di averlo copiato per intero."))
    if link.is_revoked:
        raise LinkRefused(
            _("Questo link è stato revocato dalla tua agenzia: chiedile un nuovo link.")
        )
    if link.is_expired:
        raise LinkRefused(
            _("Questo link è scaduto. Puoi chiederne uno nuovo qui sotto."), renewable=True
        )
    return link


def open_insured_link(*, token: str) -> InsuredLink:
    """The client opens the page: recorded as a read of the policy, or of the claim's data in
    the claims' access log (who: the insured's link; when; from where: the request's address)."""
    with transaction.atomic():
        link = _usable(token)
        if link.claim is not None:
            record_claim_access(
                actor=None, claims=[link.claim], what="pagina personale dell'assicurato"
            )
        else:
            record_audit(
                actor=None,
                action=InsuredAudit.OPENED,
                target=link.practice,
                data={"link": str(link.uuid)},
            )
        return link


def document_to_download(*, token: str, file_id: int) -> StoredFile:
    """One of the page's documents (never another file, whatever its id); the quietanza's read
    is logged among the claim's accesses."""
    link = _usable(token)
    download = next((d for d in page_documents(link) if d.file.pk == file_id), None)
    if download is None:
        raise LinkRefused(_("Questo documento non è tra quelli della tua pagina."))
    if link.claim is not None:
        record_claim_access(actor=None, claims=[link.claim], what="quietanza dal link personale")
    return download.file


def upload_missing_document(
    *, token: str, kind: str, uploads: Iterable[tuple[str, bytes]]
) -> list[ClaimDocument]:
    """The insured sends a missing document of their claim (validated as every upload)."""
    link = _usable(token)
    if link.claim is None:
        raise DomainError(_("Da questa pagina non si inviano documenti."))
    return add_insured_claim_documents(claim=link.claim, kind=kind, uploads=uploads)


def _normalized_mobile(number: str) -> str:
    digits = "".join(ch for ch in number if ch.isdigit())
    return digits[2:] if digits.startswith("39") and len(digits) > 10 else digits


def _renewable(token: str) -> InsuredLink:
    link = link_by_token(token, lock=True)
    if link is None or link.is_revoked:
        raise LinkRefused(_("Questo link non si può rinnovare: chiedine uno alla tua agenzia."))
    if link.failures >= MAX_FAILURES:
        raise LinkRefused(_("Troppi tentativi errati: chiedi un nuovo link alla tua agenzia."))
    return link


def check_renewable(token: str) -> InsuredLink:
    """The link may still be renewed (known, not revoked, not locked); LinkRefused otherwise."""
    with transaction.atomic():
        return _renewable(token)


def _count_failure(link: InsuredLink) -> None:
    link.failures += 1
    link.save(update_fields=["failures"])


def send_renewal_code(*, token: str, codice_fiscale: str, mobile: str) -> InsuredLink:
    """The client asks for a new link: when the codice fiscale and the mobile are the ones on
    file, a 6-digit code goes by SMS to the mobile on file. A mismatch counts as a wrong entry
    (MAX_FAILURES lock the renewal) and says nothing of which datum was wrong."""
    with transaction.atomic():
        link = _renewable(token)
        client = link.client
        if not client.mobile or not client.codice_fiscale:
            raise LinkRefused(_("Per un nuovo link rivolgiti alla tua agenzia."))
        matches = "".join(codice_fiscale.split()).upper() == client.codice_fiscale.upper() and (
            _normalized_mobile(mobile) == _normalized_mobile(client.mobile)
        )
        if matches:
            _issue_code(link)
        else:
            _count_failure(link)
    if not matches:
        raise DomainError(
            _("Codice fiscale e cellulare non corrispondono a quelli che ha la tua agenzia.")
        )
    return link


def _issue_code(link: InsuredLink) -> None:
    now = timezone.now()
    cooldown = timedelta(seconds=settings.SIGNATURE_CODE_COOLDOWN_SECONDS)
    if link.code_sent_at and now - link.code_sent_at < cooldown:
        raise DomainError(_("Attendi un minuto prima di chiedere un nuovo codice."))
    code = f"{secrets.randbelow(10**6):06d}"
    link.code_hash = code_hash(str(link.uuid), code)
    link.code_sent_at = now
    link.code_expires_at = now + timedelta(minutes=settings.SIGNATURE_CODE_MINUTES)
    link.save(update_fields=["code_hash", "code_sent_at", "code_expires_at"])
    queue_sms(
        to=link.client.mobile,
        text=_("Codice %(code)s per il nuovo link, non condividerlo. Vale %(m)s minuti. %(f)s")
        % {"code": code, "m": settings.SIGNATURE_CODE_MINUTES, "f": link.firm.name},
        sensitive=True,
    )
    record_audit(
        actor=None,
        action=InsuredAudit.CODE_SENT,
        target=link.claim or link.practice,
        data={"link": str(link.uuid)},
    )


def renew_insured_link(*, token: str, code: str) -> str:
    """The right code renews the link: a new token, valid INSURED_LINK_DAYS again (the old one
    stops working); returns the new token, to open the page at once."""
    code = "".join(code.split())
    with transaction.atomic():
        link = _renewable(token)
        now = timezone.now()
        if not link.code_hash or link.code_expires_at is None or link.code_expires_at <= now:
            raise DomainError(_("Il codice è scaduto: chiedine uno nuovo."), field="code")
        right = code.isdigit() and hmac.compare_digest(
            link.code_hash, code_hash(str(link.uuid), code)
        )
        if right:
            new_token = _new_token(link)
            link.code_hash = ""
            link.code_expires_at = None
            link.failures = 0
            link.save(
                update_fields=[
                    "link_nonce",
                    "token_hash",
                    "expires_at",
                    "code_hash",
                    "code_expires_at",
                    "failures",
                ]
            )
            record_audit(
                actor=None,
                action=InsuredAudit.RENEWED,
                target=link.claim or link.practice,
                data={"link": str(link.uuid)},
            )
        else:
            _count_failure(link)
    if not right:
        raise DomainError(_("Il codice non è corretto."), field="code")
    return new_token
