import functools
import hashlib
import secrets
from datetime import date, datetime, time, timedelta
from io import BytesIO

import factory
import pikepdf
from django.utils import timezone

from polis.accounts.tests.factories import UserFactory
from polis.catalog.selectors import documents_in_force
from polis.catalog.services import price
from polis.clients.tests.factories import ClientFactory
from polis.devdata.catalog import ARCHITECT_EXAMPLE
from polis.devdata.signing import identity_png
from polis.documents.models import StoredFile
from polis.documents.services import store_file, store_upload
from polis.documents.validation import PDF, ValidatedFile
from polis.ledger.services import record_event
from polis.practices.disclosures import templates_in_force
from polis.practices.models import Practice
from polis.quotes.tests.factories import demo_product
from polis.signatures.models import SignatureRequest, Signer
from polis.signatures.selectors import hash_token
from polis.signatures.services import _token


def _priced(o):
    # The demo tariff starts on 1 January 2026: older practices are priced with it too.
    return price(product=o.product, on=max(o.effective_date, date(2026, 1, 1)), answers=o.answers)


class PracticeFactory(factory.django.DjangoModelFactory):
    """A practice whose contract is signed (status `signed`), priced with the demo tariff:
    the architect of the brief, 843,34 € in 2 instalments of 421,67 €. Pass `status` and dates
    to place it elsewhere in its lifecycle."""

    class Meta:
        model = Practice
        exclude = ["priced"]

    created_by = factory.SubFactory(UserFactory)
    firm = factory.LazyAttribute(lambda o: o.created_by.firm)
    client = factory.LazyAttribute(lambda o: ClientFactory(created_by=o.created_by))
    product = factory.LazyFunction(lambda: demo_product("RCP"))
    answers = factory.LazyFunction(lambda: dict(ARCHITECT_EXAMPLE))
    effective_date = factory.LazyFunction(timezone.localdate)
    end_date = factory.LazyAttribute(lambda o: o.effective_date + timedelta(days=365))
    priced = factory.LazyAttribute(_priced)
    tariff = factory.LazyAttribute(lambda o: o.priced[0])
    net = factory.LazyAttribute(lambda o: o.priced[1].net)
    tax = factory.LazyAttribute(lambda o: o.priced[1].tax)
    gross = factory.LazyAttribute(lambda o: o.priced[1].gross)
    commission = factory.LazyAttribute(lambda o: o.priced[1].commission)
    breakdown = factory.LazyAttribute(lambda o: o.priced[1].as_json())
    status = Practice.Status.SIGNED
    policy_number = factory.Sequence(lambda n: f"RCP-2026-{n + 900000:06d}")
    issued_at = factory.LazyAttribute(
        lambda o: (
            timezone.make_aware(datetime.combine(o.effective_date, time(9))) - timedelta(days=3)
        )
    )


@functools.cache
def small_pdf() -> bytes:
    """A valid one-page PDF, made once: the contract, signed contract and report of a
    practice made by `signed_practice`, where no test reads their text."""
    out = BytesIO()
    with pikepdf.new() as pdf:
        pdf.add_blank_page()
        pdf.save(out)
    return out.getvalue()


def stored_pdf(name: str, *, actor=None) -> StoredFile:
    """`small_pdf` stored as the platform stores a PDF it generated."""
    content = small_pdf()
    validated = ValidatedFile(
        name=name,
        content_type=PDF,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        content=content,
    )
    return store_file(actor=actor, validated=validated)


def issued_practice(collaborator, *, answers=None, **fields) -> Practice:
    """A practice of `collaborator`'s firm in the state `issue_practice` leaves it within the
    automatic limits: numbered, its contract and the pre-contractual documents in force stored
    (small pre-made PDFs; no medium chosen, so they are delivered on the signing page), the
    issuing in the ledger. Made directly, without WeasyPrint: for the tests of what comes after
    the issuing (signing, claims, payments, lists, access), not of the documents."""
    practice = PracticeFactory(
        created_by=collaborator,
        client=ClientFactory(created_by=collaborator),
        answers={**ARCHITECT_EXAMPLE, **(answers or {})},
        **{"status": Practice.Status.ISSUED, **fields},
    )
    number = practice.policy_number
    practice.contract = stored_pdf(f"contratto-{number}.pdf", actor=collaborator)
    undelivered = {"medium": "", "durable_consent": False, "delivered_at": None}
    for template in templates_in_force(timezone.localdate(practice.issued_at)):
        stored = stored_pdf(f"{template.kind}.pdf", actor=collaborator)
        practice.disclosures.append(
            {
                "kind": template.kind,
                "label": template.title,
                "version": template.version,
                "sha256": stored.sha256,
                "file": stored.pk,
                **undelivered,
            }
        )
    practice.disclosures += [
        {
            "kind": document.kind,
            "label": document.get_kind_display(),
            "version": document.version,
            "sha256": document.file.sha256,
            "file": document.file_id,
            **undelivered,
        }
        for document in documents_in_force(practice.product, practice.effective_date)
    ]
    practice.delivery = {"medium": ""}
    practice.save(update_fields=["contract", "disclosures", "delivery"])
    record_event(type="policy.issued", ref=str(practice.uuid), sha256=practice.contract.sha256)
    return practice


def signed_practice(collaborator, *, answers=None, **fields) -> Practice:
    """`issued_practice`, then signed by its client with the FEA as the signing leaves it: the
    documents acknowledged on the signing page, the signed contract and the signature report
    (small pre-made PDFs), the signed request with the client's identification (its link works:
    `signature_link_token`), the ledger's events. Made directly, without PAdES: for the tests of
    what comes after the signature, not of the signing."""
    practice = issued_practice(
        collaborator, answers=answers, **{"status": Practice.Status.SIGNED, **fields}
    )
    client, number = practice.client, practice.policy_number
    practice.signed_contract = stored_pdf(f"contratto-{number}-firmato.pdf")
    signed_at = practice.issued_at + timedelta(hours=1)
    request = SignatureRequest.objects.create(
        firm=practice.firm,
        subject_kind="practice",
        subject_id=practice.pk,
        title=f"Contratto di polizza {number} — {practice.product.name}",
        document=practice.contract,
        signer=Signer.objects.get_or_create(
            codice_fiscale=client.codice_fiscale, defaults={"adhered_at": signed_at}
        )[0],
        signer_name=client.display_name,
        signer_email=client.email,
        signer_mobile=client.mobile,
        identity_document=store_upload(
            actor=collaborator, name="carta-identita.png", data=identity_png()
        ),
        identified_by=collaborator,
        link_nonce=(nonce := secrets.token_hex(16)),
        token_hash=hash_token(_token(SignatureRequest(link_nonce=nonce))),
        status=SignatureRequest.Status.SIGNED,
        sent_at=practice.issued_at,
        expires_at=practice.issued_at + timedelta(days=15),
        signed_at=signed_at,
        signed_document=practice.signed_contract,
        report=stored_pdf(f"rapporto-di-firma-{number}.pdf"),
    )
    practice.signature_report = request.report
    acknowledged = signed_at.isoformat()
    for entry in practice.disclosures:
        entry["delivered_at"] = acknowledged
    practice.delivery.update(
        delivered_at=acknowledged, channel="signing_page", acknowledged_at=acknowledged
    )
    practice.save(update_fields=["signed_contract", "signature_report", "disclosures", "delivery"])
    record_event(
        type="contract.signed", ref=str(request.uuid), sha256=request.signed_document.sha256
    )
    record_event(type="contract.evidence", ref=str(request.uuid), sha256=request.report.sha256)
    return practice


def signature_link_token(practice: Practice) -> str:
    """The working link token of the practice's latest signature request."""
    return _token(
        SignatureRequest.objects.filter(subject_kind="practice", subject_id=practice.pk).latest(
            "created_at"
        )
    )
