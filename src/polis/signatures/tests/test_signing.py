"""The signer's journey and every rule of the SMS code (DESIGN §6, issue "Firma digitale")."""

import shutil
import subprocess
from io import BytesIO

import pytest
from cryptography.hazmat.primitives import serialization
from django.db import connection
from pyhanko.keys import load_cert_from_pemder
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from polis.accounts.tests.factories import UserFactory
from polis.audit.labels import action_label
from polis.audit.models import AuditEvent
from polis.core.errors import DomainError, PermissionDenied
from polis.documents.models import StoredFile
from polis.ledger.models import LedgerEntry
from polis.notify.models import OutboundMessage
from polis.practices.models import Practice
from polis.signatures import pades, registry, services
from polis.signatures.models import Evidence, SignatureRequest
from polis.signatures.tests.support import (
    VISIT,
    last_access_code,
    last_code,
    last_link_token,
    send,
)
from tests.tsa import running_tsa

pytestmark = pytest.mark.django_db


def _ready_for_code(token):
    services.open_signature_request(token=token, visit=VISIT)
    services.record_document_view(token=token, visit=VISIT)
    services.acknowledge_documents(token=token, visit=VISIT, accepted=True)
    services.accept_declarations(token=token, visit=VISIT, accepted=True)


def _code(token, practice):
    services.send_signature_code(token=token, visit=VISIT)
    return last_code(practice.client.mobile)


def _wrong(code: str) -> str:
    return f"{(int(code) + 1) % 10**6:06d}"


def _validate(data: bytes):
    ca = load_cert_from_pemder(str(pades.dev_identity_folder() / "ca.crt"))
    signature = PdfFileReader(BytesIO(data)).embedded_signatures[0]
    return validate_pdf_signature(signature, ValidationContext(trust_roots=[ca]))


def _signed_bytes(practice) -> bytes:
    practice.refresh_from_db()
    with practice.signed_contract.file.open("rb") as handle:
        return handle.read()


def test_the_right_code_signs_the_contract_pades_with_evidence_and_ledger(sent):
    practice, token = sent
    assert practice.status == Practice.Status.SIGNING
    # when the client follows the whole flow
    _ready_for_code(token)
    services.sign_with_code(token=token, code=_code(token, practice), visit=VISIT)
    # then the practice is signed and shows the signed contract and the report
    practice.refresh_from_db()
    assert practice.status == Practice.Status.SIGNED
    assert practice.signed_contract.name.endswith("-firmato.pdf")
    # the signed PDF validates: intact, covering the whole file, by the platform's certificate
    status = _validate(_signed_bytes(practice))
    assert status.intact
    assert status.valid
    assert status.trusted
    # PAdES B-LT: the signature covers its revision; the one after only adds the DSS
    assert status.coverage.name == "ENTIRE_REVISION"
    assert status.modification_level.name == "LTA_UPDATES"
    assert status.docmdp_ok
    # time-stamped by default (the development TSA of the embedded default)
    assert status.timestamp_validity is not None
    assert status.timestamp_validity.intact
    assert "non_repudiation" in status.signing_cert.key_usage_value.native
    # both hashes go into the ledger under the request's opaque reference
    request = SignatureRequest.objects.get()
    entries = dict(LedgerEntry.objects.values_list("type", "sha256"))
    assert entries["contract.signed"] == practice.signed_contract.sha256
    assert entries["contract.evidence"] == practice.signature_report.sha256
    assert set(
        LedgerEntry.objects.filter(type__startswith="contract.").values_list("ref", flat=True)
    ) == {str(request.uuid)}
    # every step is evidence, with where it came from
    kinds = list(request.evidence.values_list("kind", flat=True))
    assert kinds == [
        "identification_attested",
        "email_sent",
        "link_opened",
        "document_viewed",
        "documents_acknowledged",
        "fea_adhesion",
        "declarations_accepted",
        "code_sent",
        "signed",
    ]
    signed = request.evidence.get(kind="signed")
    assert signed.ip == VISIT.ip
    assert "iPhone" in signed.user_agent
    assert signed.data["document_sha256"] == practice.contract.sha256
    assert signed.data["signed_sha256"] == practice.signed_contract.sha256
    # the signer gets the signed PDF and the report by e-mail
    done = OutboundMessage.objects.get(
        recipient=practice.client.email, subject__startswith="Documento firmato"
    )
    assert {f.name for f in done.attachments.all()} == {
        practice.signed_contract.name,
        practice.signature_report.name,
    }


@pytest.mark.real_pdf
def test_the_signed_pdf_validates_with_pdfsig_and_one_changed_byte_breaks_it(sent, tmp_path):
    if shutil.which("pdfsig") is None:
        pytest.skip("poppler-utils (pdfsig) is not installed")
    practice, token = sent
    _ready_for_code(token)
    services.sign_with_code(token=token, code=_code(token, practice), visit=VISIT)
    data = _signed_bytes(practice)
    good = tmp_path / "firmato.pdf"
    good.write_bytes(data)
    report = subprocess.run(["pdfsig", str(good)], capture_output=True, text=True).stdout
    assert "Signature is Valid." in report
    # the embedded default time-stamps with its development TSA, labelled as such: pdfsig shows
    # the document time-stamp (PAdES B-LTA) as a second signature by that authority
    assert "Signature #2:" in report
    assert "Signer Certificate Common Name: polis TSA di sviluppo" in report
    # when one byte of the signed content changes
    position = data.index(b"WeasyPrint")
    tampered = data[:position] + b"X" + data[position + 1 :]
    bad = tmp_path / "alterato.pdf"
    bad.write_bytes(tampered)
    # then both validators say so
    report = subprocess.run(["pdfsig", str(bad)], capture_output=True, text=True).stdout
    assert "Signature is Valid." not in report
    assert not _validate(tampered).intact


@pytest.mark.real_pdf
def test_the_visible_block_names_signer_masked_number_hash_and_request(sent):
    if shutil.which("pdftotext") is None:
        pytest.skip("poppler-utils (pdftotext) is not installed")
    practice, token = sent
    _ready_for_code(token)
    services.sign_with_code(token=token, code=_code(token, practice), visit=VISIT)
    text = subprocess.run(
        ["pdftotext", "-", "-"], input=_signed_bytes(practice), capture_output=True
    ).stdout.decode()
    flat = " ".join(text.split())
    request = SignatureRequest.objects.get()
    assert (
        f"Firmato con firma elettronica avanzata da {request.signer_name} "
        f"({request.signer.codice_fiscale}) mediante codice OTP inviato a +39 *** *** 567 il"
    ) in flat
    assert f"SHA-256 del documento: {practice.contract.sha256}" in flat
    assert f"Richiesta di firma {request.uuid}" in flat


def test_a_wrong_code_is_counted_and_the_right_one_still_signs(sent):
    practice, token = sent
    _ready_for_code(token)
    code = _code(token, practice)
    with pytest.raises(DomainError, match="Tentativi rimasti per questo codice: 4"):
        services.sign_with_code(token=token, code=_wrong(code), visit=VISIT)
    request = SignatureRequest.objects.get()
    assert request.failures == 1
    assert request.signer.failures == 1
    assert request.evidence.filter(kind="code_wrong").count() == 1
    services.sign_with_code(token=token, code=code, visit=VISIT)
    assert SignatureRequest.objects.get().status == SignatureRequest.Status.SIGNED


def test_five_wrong_entries_burn_the_code(sent, clock):
    practice, token = sent
    _ready_for_code(token)
    code = _code(token, practice)
    for _ in range(4):
        with pytest.raises(DomainError, match="Codice errato"):
            services.sign_with_code(token=token, code=_wrong(code), visit=VISIT)
    with pytest.raises(DomainError, match="questo codice non vale più"):
        services.sign_with_code(token=token, code=_wrong(code), visit=VISIT)
    # the right code of a burned code no longer signs
    with pytest.raises(DomainError, match="Chiedi prima un codice"):
        services.sign_with_code(token=token, code=code, visit=VISIT)
    assert practice.__class__.objects.get(pk=practice.pk).status == Practice.Status.SIGNING


def test_a_new_code_never_resets_the_failure_count(sent, clock):
    practice, token = sent
    _ready_for_code(token)
    first = _code(token, practice)
    for _ in range(3):
        with pytest.raises(DomainError):
            services.sign_with_code(token=token, code=_wrong(first), visit=VISIT)
    clock.advance(seconds=61)
    second = _code(token, practice)
    with pytest.raises(DomainError, match="rimasti per questo codice: 1"):
        services.sign_with_code(token=token, code=_wrong(second), visit=VISIT)
    with pytest.raises(DomainError, match="non vale più"):
        services.sign_with_code(token=token, code=_wrong(second), visit=VISIT)


def test_three_burned_codes_lock_until_a_person_resends(sent, clock, collaborator_a):
    practice, token = sent
    _ready_for_code(token)
    for _round in range(3):
        code = _code(token, practice)
        for _ in range(5):
            with pytest.raises(DomainError):
                services.sign_with_code(token=token, code=_wrong(code), visit=VISIT)
        clock.advance(minutes=11)
    request = SignatureRequest.objects.get()
    assert request.status == SignatureRequest.Status.LOCKED
    # the firm is told, the signer sees the lock
    assert OutboundMessage.objects.filter(subject__startswith="Firma bloccata").exists()
    with pytest.raises(services.LinkUnusable, match="bloccata"):
        services.send_signature_code(token=token, visit=VISIT)
    # a person re-sends: a new link works, the old one does not
    services.resend_signature_request(actor=collaborator_a, request=request)
    new_token = last_link_token(practice.client.email)
    assert new_token != token
    with pytest.raises(services.LinkUnusable, match="non è valido"):
        services.open_signature_request(token=token, visit=VISIT)
    _ready_for_code(new_token)
    services.sign_with_code(token=new_token, code=_code(new_token, practice), visit=VISIT)
    assert SignatureRequest.objects.get().status == SignatureRequest.Status.SIGNED
    # each move is audited once, from → to; the signer's, through the link, have no actor
    moves = AuditEvent.objects.filter(
        object_type="signatures.signaturerequest", object_id=str(request.pk)
    ).order_by("pk")
    assert [(e.action, e.data.get("from"), e.data.get("to"), e.actor) for e in moves] == [
        ("signature.requested", None, None, collaborator_a),
        ("signature.opened", "sent", "opened", None),
        ("signature.code_sent", "opened", "code_sent", None),
        ("signature.code_sent", "code_sent", "code_sent", None),
        ("signature.code_sent", "code_sent", "code_sent", None),
        ("signature.locked", "code_sent", "locked", None),
        ("signature.resent", "locked", "sent", collaborator_a),
        ("signature.opened", "sent", "opened", None),
        ("signature.code_sent", "opened", "code_sent", None),
        ("signature.signed", "code_sent", "signed", None),
    ]
    # the audit pages name each in Italian, not by its code
    assert [e.action for e in moves if action_label(e.action) == e.action] == []


def test_a_code_expires_after_five_minutes(sent, clock):
    practice, token = sent
    _ready_for_code(token)
    code = _code(token, practice)
    clock.advance(minutes=5, seconds=1)
    with pytest.raises(DomainError, match="scaduto"):
        services.sign_with_code(token=token, code=code, visit=VISIT)


def test_codes_have_a_cooldown_and_at_most_three_per_half_hour(sent, clock):
    practice, token = sent
    _ready_for_code(token)
    _code(token, practice)
    with pytest.raises(DomainError, match="Attendi"):
        services.send_signature_code(token=token, visit=VISIT)
    clock.advance(seconds=61)
    _code(token, practice)
    clock.advance(seconds=61)
    _code(token, practice)
    clock.advance(seconds=61)
    with pytest.raises(DomainError, match="troppi codici"):
        services.send_signature_code(token=token, visit=VISIT)
    clock.advance(minutes=30)
    _code(token, practice)


def test_a_signer_with_a_hundred_failures_gets_no_more_codes(sent):
    _practice, token = sent
    _ready_for_code(token)
    SignatureRequest.objects.get().signer.__class__.objects.update(failures=100)
    with pytest.raises(services.LinkUnusable, match="Troppi codici errati"):
        services.send_signature_code(token=token, visit=VISIT)


def test_the_code_is_stored_hashed_and_the_sms_reads_right(sent, settings):
    practice, token = sent
    _ready_for_code(token)
    code = _code(token, practice)
    sms = OutboundMessage.objects.get(channel="sms")
    assert sms.body_text.startswith(f"Codice firma {code}, non condividerlo.")
    assert sms.sensitive
    stored = SignatureRequest.objects.get().codes.get()
    assert code not in stored.code_hash
    assert not Evidence.objects.filter(data__icontains=code).exists()


def test_a_signed_link_signs_once_but_still_gives_the_copies(sent):
    practice, token = sent
    _ready_for_code(token)
    code = _code(token, practice)
    services.sign_with_code(token=token, code=code, visit=VISIT)
    with pytest.raises(services.LinkUnusable, match="già firmato"):
        services.sign_with_code(token=token, code=code, visit=VISIT)
    assert services.signed_request(token=token, verified=False).signed_document is not None
    assert services.open_signature_request(token=token, visit=VISIT).status == "signed"


def test_a_document_changed_after_viewing_is_not_signed(sent):
    practice, token = sent
    _ready_for_code(token)
    code = _code(token, practice)
    with practice.contract.file.open("wb") as handle:
        handle.write(b"%PDF-1.7 something else")
    with pytest.raises(DomainError, match="è cambiato"):
        services.sign_with_code(token=token, code=code, visit=VISIT)
    practice.refresh_from_db()
    assert practice.status == Practice.Status.SIGNING
    assert practice.signed_contract is None


def test_an_owner_handler_that_fails_leaves_nothing_signed(sent, monkeypatch):
    practice, token = sent
    _ready_for_code(token)
    code = _code(token, practice)
    files_before = StoredFile.objects.count()

    def broken(signature):
        raise RuntimeError("owner failed")

    handler = registry.handler_for("practice")
    monkeypatch.setitem(
        registry._handlers,
        "practice",
        registry.SubjectHandler(on_signed=broken, on_closed=handler.on_closed, url=handler.url),
    )
    with pytest.raises(RuntimeError):
        services.sign_with_code(token=token, code=code, visit=VISIT)
    request = SignatureRequest.objects.get()
    assert request.status == SignatureRequest.Status.CODE_SENT
    assert StoredFile.objects.count() == files_before
    assert not LedgerEntry.objects.filter(type="contract.signed").exists()
    assert request.codes.get().used_at is None


def test_the_subject_kind_names_its_own_ledger_events(sent, monkeypatch):
    # given an owner that registers its signed documents under their own ledger types
    practice, token = sent
    _ready_for_code(token)
    code = _code(token, practice)
    handler = registry.handler_for("practice")
    monkeypatch.setitem(
        registry._handlers,
        "practice",
        registry.SubjectHandler(
            on_signed=handler.on_signed,
            on_closed=handler.on_closed,
            url=handler.url,
            signed_event="quietanza.signed",
            evidence_event="quietanza.evidence",
        ),
    )
    # when the document is signed
    services.sign_with_code(token=token, code=code, visit=VISIT)
    # then the register records those types, not "contract.signed"
    practice.refresh_from_db()
    entries = dict(LedgerEntry.objects.values_list("type", "sha256"))
    assert entries["quietanza.signed"] == practice.signed_contract.sha256
    assert entries["quietanza.evidence"] == practice.signature_report.sha256
    assert "contract.signed" not in entries
    # and an owner cannot register a type the ledger does not know
    with pytest.raises(ValueError, match="not a ledger event type"):
        registry.SubjectHandler(
            on_signed=handler.on_signed,
            on_closed=handler.on_closed,
            url=handler.url,
            signed_event="quietanza.firmata",
        )


def _pem_file(folder, certificate) -> str:
    path = folder / "tsa-root.pem"
    path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    return str(path)


def test_with_a_tsa_the_signature_is_time_stamped(sent, settings, tmp_path):
    practice, token = sent
    _ready_for_code(token)
    code = _code(token, practice)
    with running_tsa() as (url, certificate):
        settings.SIGNATURE_TSA_URL = url
        settings.SIGNATURE_TSA_ROOTS = _pem_file(tmp_path, certificate)
        services.sign_with_code(token=token, code=code, visit=VISIT)
    status = _validate(_signed_bytes(practice))
    assert status.intact
    assert status.timestamp_validity is not None
    assert SignatureRequest.objects.get().evidence.get(kind="signed").data["timestamped"]


def test_a_failing_tsa_is_retried_and_nothing_is_signed_without_it(sent, settings, tmp_path):
    practice, token = sent
    _ready_for_code(token)
    code = _code(token, practice)
    settings.SIGNATURE_TSA_URL = "http://127.0.0.1:9/"
    settings.SIGNATURE_TSA_ATTEMPTS = 2
    with pytest.raises(DomainError, match="marca temporale"):
        services.sign_with_code(token=token, code=code, visit=VISIT)
    practice.refresh_from_db()
    assert practice.status == Practice.Status.SIGNING
    # the code stays valid: once the TSA answers, the same code signs
    with running_tsa() as (url, certificate):
        settings.SIGNATURE_TSA_URL = url
        settings.SIGNATURE_TSA_ROOTS = _pem_file(tmp_path, certificate)
        services.sign_with_code(token=token, code=code, visit=VISIT)
    practice.refresh_from_db()
    assert practice.status == Practice.Status.SIGNED


def test_links_expire_after_fourteen_days_and_reminders_go_at_three_and_seven(sent, clock):
    practice, token = sent
    reminders = OutboundMessage.objects.filter(subject__startswith="Promemoria")
    clock.advance(days=2)
    assert services.send_reminders() == 0
    clock.advance(days=1, minutes=1)
    services.send_reminders()
    services.send_reminders()
    assert reminders.count() == 1
    # the reminder carries the same, still working link
    assert last_link_token(practice.client.email) == token
    clock.advance(days=4)
    services.send_reminders()
    assert reminders.count() == 2
    clock.advance(days=7)
    services.send_reminders()
    assert SignatureRequest.objects.get().status == SignatureRequest.Status.EXPIRED
    assert reminders.count() == 2
    practice.refresh_from_db()
    assert practice.status == Practice.Status.ISSUED
    with pytest.raises(services.LinkUnusable, match="scaduto"):
        services.open_signature_request(token=token, visit=VISIT)


def test_declining_returns_the_practice_and_tells_the_firm(sent):
    practice, token = sent
    services.open_signature_request(token=token, visit=VISIT)
    with pytest.raises(DomainError, match="motivo"):
        services.decline_signature(token=token, reason="  ", visit=VISIT)
    services.decline_signature(token=token, reason="Il massimale è sbagliato", visit=VISIT)
    practice.refresh_from_db()
    assert practice.status == Practice.Status.ISSUED
    assert OutboundMessage.objects.filter(
        recipient=practice.firm.users.first().email, body_text__contains="massimale"
    ).exists()


def test_a_decline_is_told_to_every_active_user_of_the_firm_only(sent, collaborator_b, operator):
    # given a second and a deactivated colleague in the firm
    practice, token = sent
    colleague = UserFactory(firm=practice.firm)
    former = UserFactory(firm=practice.firm, is_active=False)
    # when the client declines
    services.decline_signature(token=token, reason="Il massimale è sbagliato", visit=VISIT)
    # then the firm's active users are told, and nobody else
    told = OutboundMessage.objects.filter(subject__startswith="Firma rifiutata dal cliente")
    recipients = {m.recipient for m in told}
    assert recipients == {u.email for u in practice.firm.users.filter(is_active=True)}
    assert colleague.email in recipients
    assert former.email not in recipients


def test_voiding_is_for_the_firm_or_the_mga_only(sent, collaborator_b, operator):
    practice, token = sent
    request = SignatureRequest.objects.get()
    with pytest.raises(PermissionDenied):
        services.void_signature_request(actor=collaborator_b, request=request)
    services.void_signature_request(actor=operator, request=request)
    with pytest.raises(services.LinkUnusable, match="annullata"):
        services.open_signature_request(token=token, visit=VISIT)
    practice.refresh_from_db()
    assert practice.status == Practice.Status.ISSUED


def test_a_withdrawn_consent_stops_new_requests(sent, collaborator_a):
    practice, token = sent
    services.send_access_code(token=token, visit=VISIT)
    code = last_access_code(practice.client.mobile)
    services.withdraw_fea_consent(token=token, code=code, confirmed=True, visit=VISIT)
    practice.refresh_from_db()
    assert practice.status == Practice.Status.ISSUED
    with pytest.raises(DomainError, match="revocato il consenso"):
        send(collaborator_a, practice)


def test_identification_must_be_attested_with_a_valid_document(collaborator_a, issued_practice):
    with pytest.raises(DomainError, match="identificato"):
        send(collaborator_a, issued_practice, identity_attested=False)
    with pytest.raises(DomainError):
        send(collaborator_a, issued_practice, identity_data=b"MZ\x90\x00 not an image")
    issued_practice.refresh_from_db()
    assert issued_practice.status == Practice.Status.ISSUED
    assert not SignatureRequest.objects.exists()


def test_evidence_is_append_only(sent):
    evidence = Evidence.objects.first()
    evidence.kind = "forged"
    with pytest.raises(ValueError, match="append-only"):
        evidence.save()
    with pytest.raises(ValueError, match="append-only"):
        evidence.delete()
    if connection.vendor == "postgresql":
        from django.db import DatabaseError, transaction

        for statement in (
            "UPDATE signatures_evidence SET kind = 'forged'",
            "DELETE FROM signatures_evidence",
        ):
            with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(statement)
    assert not Evidence.objects.filter(kind="forged").exists()
