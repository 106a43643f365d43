"""Pre-contractual disclosures (prepared, sent, delivered, acknowledged) and the contract's
signature."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from polis.audit.services import record_audit
from polis.catalog.selectors import documents_in_force
from polis.clients.services import record_privacy_notice_delivered
from polis.core.access import require
from polis.core.errors import DomainError
from polis.documents.models import StoredFile
from polis.documents.services import store_file, store_upload
from polis.lifecycle import check_transition, lock, save_versioned, transition
from polis.notify.services import queue_email
from polis.practices.audit import PracticeAudit
from polis.practices.disclosures import PRIVACY_NOTICE, render_disclosures
from polis.practices.models import Practice, PracticeDocument
from polis.practices.selectors import delivery_message, disclosures_stored
from polis.practices.services._common import M, S, _own
from polis.signatures.registry import SubjectKind
from polis.signatures.services import SignerData, create_signature_request

if TYPE_CHECKING:
    from polis.accounts.models import User
    from polis.signatures.models import SignatureRequest


def _disclosure_set(*, actor: User, practice: Practice, on: date) -> list[dict]:
    """The pre-contractual documents for the client, each stored with the practice: the
    distributor's disclosure in force on `on` (the MUP, or Allegati 3/4/4-ter before July 2025;
    its SHA-256 is the stored file's), the MGA's privacy notice in force (from December 2026)
    and the insurer's documents of the product version. None is delivered yet."""
    medium = {
        "medium": practice.needs.get("medium", ""),
        "durable_consent": practice.needs.get("durable_consent", False),
        "delivered_at": None,
    }
    rendered = render_disclosures(
        firm=practice.firm,
        person=practice.created_by,
        on=on,
        insurers=[practice.product.insurer.name],
    )
    disclosures = []
    for d in rendered:
        stored = store_file(actor=actor, validated=d.file)
        disclosures.append(
            {
                "kind": d.template.kind,
                "label": d.template.title,
                "version": d.template.version,
                "sha256": stored.sha256,
                "file": stored.pk,
                **medium,
            }
        )
    return disclosures + [
        {
            "kind": document.kind,
            "label": document.get_kind_display(),
            "version": document.version,
            "sha256": document.file.sha256,
            "file": document.file_id,
            **medium,
        }
        for document in documents_in_force(practice.product, practice.effective_date)
    ]


ELECTRONIC = (M.EMAIL, M.LINK)
DISCLOSURE_RECEIPT = "ricevuta_precontrattuale"


def _hand_over_disclosures(*, actor: User, practice: Practice) -> None:
    """Store the documents as of the issuing day and start their delivery on the medium the
    client chose (not saved here)."""
    medium = practice.needs.get("medium", "")
    if medium in ELECTRONIC and not practice.client.email:
        raise DomainError(
            _(
                "Il cliente non ha un'e-mail in anagrafica: aggiungila o scegli la consegna "
                "dei documenti su carta."
            )
        )
    on = timezone.localdate(practice.issued_at)
    practice.disclosures = _disclosure_set(actor=actor, practice=practice, on=on)
    practice.delivery = {"medium": medium}
    if medium in ELECTRONIC:
        _send_disclosures(practice)


def prepare_disclosures(*, actor: User, practice: Practice) -> Practice:
    """For a practice issued before the documents were stored: render them as of its issuing
    day (Allegati 3, 4 and 4-ter before July 2025, the MUP since), store them and deliver them
    like a new one. What was recorded before, without a file, is replaced."""
    require(actor, "work_portfolio")
    _own(actor, practice)
    with transaction.atomic():
        practice = lock(practice)
        if practice.status != S.ISSUED or disclosures_stored(practice):
            raise DomainError(_("I documenti precontrattuali di questa pratica sono già pronti."))
        _hand_over_disclosures(actor=actor, practice=practice)
        save_versioned(practice, "disclosures", "delivery")
        record_audit(actor=actor, action=PracticeAudit.DISCLOSURES_PREPARED, target=practice)
        return practice


def _send_disclosures(practice: Practice) -> None:
    """Queue the documents to the client by e-mail: attached, or behind a signed link that
    expires (medium "link"). Delivered once the outbox has sent it."""
    files = StoredFile.objects.filter(pk__in=[d["file"] for d in practice.disclosures])
    by_link = practice.delivery["medium"] == M.LINK
    message = queue_email(
        to=practice.client.email,
        template="disclosures_delivery",
        context={
            "practice": practice,
            "documents": practice.disclosures,
            "link": disclosures_link(practice) if by_link else "",
            "link_days": settings.DISCLOSURE_LINK_DAYS,
        },
        attachments=[] if by_link else list(files),
        language=practice.client.language,
    )
    practice.delivery.update(message=str(message.uuid), queued_at=message.created_at.isoformat())


def disclosures_token(practice: Practice) -> str:
    """The signed token of the client's link (valid DISCLOSURE_LINK_DAYS from now)."""
    return signing.dumps(str(practice.uuid), salt=DISCLOSURE_LINK_SALT)


def disclosures_link(practice: Practice) -> str:
    """The client's link to download the documents."""
    token = disclosures_token(practice)
    return settings.SITE_URL.rstrip("/") + reverse("practices:client_disclosures", args=[token])


DISCLOSURE_LINK_SALT = "polis.practices.disclosures"


def practice_for_disclosure_link(token: str) -> Practice:
    """The practice a client's link opens; DomainError when forged or expired."""
    try:
        uuid = signing.loads(
            token, salt=DISCLOSURE_LINK_SALT, max_age=settings.DISCLOSURE_LINK_DAYS * 86400
        )
    except signing.SignatureExpired:
        raise DomainError(
            _("Il link è scaduto: chiedi al tuo intermediario di inviarti di nuovo i documenti.")
        ) from None
    except signing.BadSignature:
        raise DomainError(_("Questo link non è valido.")) from None
    practice = Practice.objects.filter(uuid=uuid).first()
    if practice is None:
        raise DomainError(_("Questo link non è valido."))
    return practice


def _mark_delivered(practice: Practice, *, at: datetime, channel: str, **facts: object) -> None:
    """Record when the documents reached the client (the practice is not saved here); the
    privacy notice among them is recorded on the client as the one last delivered."""
    stamp = at.isoformat()
    for entry in practice.disclosures:
        entry["delivered_at"] = entry.get("delivered_at") or stamp
        if entry["kind"] == PRIVACY_NOTICE:
            record_privacy_notice_delivered(
                client_id=practice.client_id,
                version=entry["version"],
                at=datetime.fromisoformat(entry["delivered_at"]),
            )
    practice.delivery.update(delivered_at=practice.delivery.get("delivered_at") or stamp)
    practice.delivery.setdefault("channel", channel)
    practice.delivery.update(facts)


def confirm_disclosure_delivery(practice: Practice) -> bool:
    """If the outbox has sent the documents' e-mail, record its sent time as the delivery
    (inside the caller's transaction, the practice locked). True once delivered."""
    if practice.delivery.get("delivered_at"):
        return True
    message = delivery_message(practice)
    if message is None or message.status != message.Status.SENT:
        return False
    _mark_delivered(practice, at=message.sent_at, channel="email")
    save_versioned(practice, "disclosures", "delivery")
    record_audit(actor=None, action=PracticeAudit.DISCLOSURES_DELIVERED, target=practice)
    return True


def resend_disclosures(*, actor: User, practice: Practice) -> Practice:
    """E-mail the documents again (e.g. the first e-mail could not be delivered)."""
    require(actor, "work_portfolio")
    _own(actor, practice)
    with transaction.atomic():
        practice = lock(practice)
        if practice.delivery.get("medium") not in ELECTRONIC or practice.status not in (
            S.ISSUED,
            S.SIGNING,
        ):
            raise DomainError(_("Per questa pratica i documenti non si inviano per e-mail."))
        if not practice.client.email:
            raise DomainError(_("Il cliente non ha un'e-mail in anagrafica."))
        _send_disclosures(practice)
        save_versioned(practice, "delivery")
        record_audit(actor=actor, action=PracticeAudit.DISCLOSURES_SENT, target=practice)
        return practice


def record_paper_delivery(*, actor: User, practice: Practice, name: str, data: bytes) -> Practice:
    """Paper delivery: the receipt the client signed for the printed documents, uploaded;
    the documents are delivered at the upload."""
    require(actor, "work_portfolio")
    _own(actor, practice)
    if not data:
        raise DomainError(_("Carica la ricevuta firmata dal cliente."), field="receipt")
    with transaction.atomic():
        practice = lock(practice)
        if practice.delivery.get("medium") != M.PAPER or practice.status != S.ISSUED:
            raise DomainError(_("Questa pratica non attende la ricevuta della consegna su carta."))
        receipt = PracticeDocument.objects.create(
            practice=practice,
            kind=DISCLOSURE_RECEIPT,
            label=_("Ricevuta dei documenti precontrattuali firmata dal cliente"),
            file=store_upload(actor=actor, name=name, data=data),
            uploaded_by=actor,
            uploaded_at=timezone.now(),
        )
        _mark_delivered(practice, at=receipt.uploaded_at, channel="paper", receipt=receipt.pk)
        save_versioned(practice, "disclosures", "delivery")
        record_audit(
            actor=actor,
            action=PracticeAudit.DISCLOSURES_DELIVERED,
            target=practice,
            data={"receipt_sha256": receipt.file.sha256},
        )
        return practice


def signing_documents(signature: SignatureRequest) -> list[dict]:
    """Signature hook: the pre-contractual documents the signing page shows before the
    contract, each with its stored file."""
    practice = Practice.objects.get(pk=signature.subject_id)
    stored = StoredFile.objects.in_bulk([d["file"] for d in practice.disclosures if d.get("file")])
    return [
        {
            "title": d["label"],
            "version": d["version"],
            "sha256": d["sha256"],
            "file": stored[d["file"]],
        }
        for d in practice.disclosures
        if d.get("file") in stored
    ]


def record_documents_acknowledged(signature: SignatureRequest, at: datetime) -> None:
    """Signature hook: the client declared on the signing page to have received and read the
    documents (inside the signer's transaction). Without an earlier delivery, this is it."""
    practice = Practice.objects.select_for_update().get(pk=signature.subject_id)
    _mark_delivered(practice, at=at, channel="signing_page", acknowledged_at=at.isoformat())
    save_versioned(practice, "disclosures", "delivery")
    record_audit(actor=None, action=PracticeAudit.DISCLOSURES_ACKNOWLEDGED, target=practice)


def _require_delivery(practice: Practice) -> None:
    """No signature without the pre-contractual documents delivered first: by the outbox's
    e-mail, or on paper against the client's signed receipt. Without a recorded medium they
    are delivered on the signing page itself, acknowledged before the code can be asked."""
    if not disclosures_stored(practice):
        raise DomainError(_("Prima prepara i documenti precontrattuali da consegnare al cliente."))
    medium = practice.delivery.get("medium", "")
    if not medium or confirm_disclosure_delivery(practice):
        return
    if medium == M.PAPER:
        raise DomainError(
            _(
                "Prima carica la ricevuta firmata dal cliente per i documenti precontrattuali "
                "consegnati su carta."
            )
        )
    message = delivery_message(practice)
    if message is not None and message.status == message.Status.FAILED:
        raise DomainError(
            _(
                "L'e-mail con i documenti precontrattuali non è stata recapitata: controlla "
                "l'indirizzo del cliente e inviali di nuovo."
            )
        )
    raise DomainError(
        _(
            "L'e-mail con i documenti precontrattuali non è ancora partita: il contratto si "
            "invia in firma dopo la loro consegna. Riprova tra qualche minuto."
        )
    )


def send_practice_for_signature(
    *,
    actor: User,
    practice: Practice,
    identity_name: str,
    identity_data: bytes,
    identity_attested: bool,
    signer_name: str = "",
    signer_codice_fiscale: str = "",
    base_url: str = "",
) -> Practice:
    """Send the issued contract to the client for the FEA signature by SMS code.

    The collaborator uploads the identity document they identified the signer with; a
    company signs through its legal representative, named here. The link is built on
    `base_url`, the address the collaborator is using (SITE_URL when empty).
    """
    require(actor, "manage_signatures")
    _own(actor, practice)
    client = practice.client
    if client.kind == client.Kind.PERSON:
        signer_name, signer_codice_fiscale = client.display_name, client.codice_fiscale
    elif not signer_name.strip() or not signer_codice_fiscale.strip():
        raise DomainError(
            _("Indica nome e codice fiscale del legale rappresentante che firma."),
            field="signer_name",
        )
    with transaction.atomic():
        practice = lock(practice)
        check_transition(practice, S.SIGNING)
        _require_delivery(practice)
        identity = (
            store_upload(actor=actor, name=identity_name, data=identity_data)
            if identity_data
            else None
        )
        create_signature_request(
            actor=actor,
            firm=practice.firm,
            subject_kind=SubjectKind.PRACTICE,
            subject_id=practice.pk,
            title=_("Contratto di polizza %(number)s — %(product)s")
            % {"number": practice.policy_number, "product": practice.product.name},
            document=practice.contract,
            signer=SignerData(
                name=signer_name.strip(),
                codice_fiscale=signer_codice_fiscale.strip().upper(),
                email=client.email,
                mobile=client.mobile,
                language=client.language,
            ),
            identity_document=identity,
            identity_attested=identity_attested,
            base_url=base_url,
        )
        transition(practice, S.SIGNING, actor=actor, action=PracticeAudit.SENT_FOR_SIGNATURE)
        return practice


def record_contract_signed(signature: SignatureRequest) -> None:
    """Signature handler: the client signed the contract (called inside the signing
    transaction)."""
    practice = Practice.objects.select_for_update().get(pk=signature.subject_id)
    practice.signed_contract, practice.signature_report = (
        signature.signed_document,
        signature.report,
    )
    transition(practice, S.SIGNED, actor=None, fields=("signed_contract", "signature_report"))


def record_signature_closed(signature: SignatureRequest) -> None:
    """Signature handler: the request ended unsigned; the contract can be sent again."""
    practice = Practice.objects.select_for_update().get(pk=signature.subject_id)
    if practice.status == S.SIGNING:
        transition(
            practice,
            S.ISSUED,
            actor=None,
            action=PracticeAudit.SIGNATURE_CLOSED,
            data={"outcome": signature.get_status_display()},
        )
