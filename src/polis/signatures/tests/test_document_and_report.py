"""The signed document's visible block sits in the box the contract reserves, and the evidence
report reads as Italian sentences (issue 19)."""

import shutil
import subprocess
from io import BytesIO

import pytest
from pyhanko.pdf_utils.reader import PdfFileReader

from polis.signatures import pades
from polis.signatures.models import SignatureRequest
from polis.signatures.tests.support import VISIT, sign_practice

pytestmark = pytest.mark.django_db
FOOTER_TOP = 38 * 72 / 25.4  # the page's bottom margin holds the footer


def _read(stored) -> bytes:
    with stored.file.open("rb") as handle:
        return handle.read()


@pytest.mark.real_pdf
def test_the_visible_block_fills_the_contracts_own_signature_box(collaborator_a, issued_practice):
    # given the contract reserves one box for its signer
    page, box = pades.reserved_box(_read(issued_practice.contract))
    assert box[1] > FOOTER_TOP
    # when the client signs
    sign_practice(collaborator_a, issued_practice)
    issued_practice.refresh_from_db()
    signed = PdfFileReader(BytesIO(_read(issued_practice.signed_contract)))
    [signature] = [s for s in signed.embedded_signatures if s.field_name == pades.FIELD_NAME]
    widget = signature.sig_field
    rect = [float(x) for x in widget["/Rect"]]
    # then the block is in that box, on that page, above the footer
    assert rect == pytest.approx(list(box), abs=0.5)
    assert signed.find_page_for_modification(page)[0].reference == widget.raw_get("/P").reference


def test_the_signed_pdf_carries_its_validation_data(collaborator_a, issued_practice):
    # PAdES B-LT and beyond: the chain of the signer and of the TSA in the DSS, sealed by a
    # document time-stamp
    sign_practice(collaborator_a, issued_practice)
    issued_practice.refresh_from_db()
    signed = PdfFileReader(BytesIO(_read(issued_practice.signed_contract)))
    assert len(signed.root["/DSS"]["/Certs"]) >= 3
    # and the revocation data (in the embedded default, the development CA's CRL)
    assert len(signed.root["/DSS"]["/CRLs"]) >= 1
    kinds = [s.sig_object["/Type"] for s in signed.embedded_signatures]
    assert kinds == ["/Sig", "/DocTimeStamp"]


def _text(data: bytes) -> str:
    output = subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True).stdout
    return " ".join(output.decode().split())


@pytest.mark.real_pdf
def test_the_report_tells_the_signature_in_italian_sentences(collaborator_a, issued_practice):
    if shutil.which("pdftotext") is None:
        pytest.skip("poppler-utils (pdftotext) is not installed")
    sign_practice(collaborator_a, issued_practice)
    issued_practice.refresh_from_db()
    request = SignatureRequest.objects.get()
    text = _text(_read(issued_practice.signature_report))
    # who, when, from where, which document and hash, which code to which number, time-stamp
    assert f"{request.signer_name} (codice fiscale {request.signer.codice_fiscale}) ha firmato" in (
        text
    )
    assert f"dall'indirizzo IP {VISIT.ip}" in text
    assert "inviato via SMS al numero +39 *** *** 567" in text
    assert issued_practice.contract.sha256 in text
    assert "marca temporale RFC 3161 di polis TSA di sviluppo" in text
    assert "Il firmatario ha inserito il codice corretto e il documento è stato firmato" in text
    # no key=value dumps
    for dump in ("by=", "to=", "timestamped=", "sha256=", "version="):
        assert dump not in text
    # no sentence ends twice after a name ending in a full stop ("S.r.l..")
    assert ".." not in text
