"""A quietanza's signature says who identified the insured, when and how: the collaborator who
attested the identity document when the contract was signed, not the adjuster who sends it."""

import re
import shutil
import subprocess

import pytest

from polis.claims import services
from polis.notify.models import OutboundMessage
from polis.signatures import services as signatures
from polis.signatures.models import SignatureRequest
from polis.signatures.tests.support import VISIT, last_code

pytestmark = pytest.mark.django_db


def post_first_quietanza(claim, operator, adjuster) -> SignatureRequest:
    services.assign_adjuster(actor=operator, claim=claim, adjuster=adjuster)
    claim = services.record_insurer_claim_number(actor=operator, claim=claim, number="AX-1")
    services.post_quietanza(actor=adjuster, claim=claim, amount="800", kind="saldo", conditions="x")
    return SignatureRequest.objects.get(subject_kind="quietanza")


def test_the_quietanza_names_who_identified_the_insured_and_for_which_signature(
    claim, operator, adjuster, collaborator_a
):
    # given: the contract was signed after collaborator_a attested the client's identity
    contract = SignatureRequest.objects.get(subject_kind="practice")
    # when
    request = post_first_quietanza(claim, operator, adjuster)
    # then: the identification is the contract's, and the adjuster attested nothing
    assert request.identified_by == collaborator_a
    assert request.identity_document == contract.identity_document
    first = request.evidence.first()
    assert first.kind == "identification_reused"
    assert first.data == {
        "by": collaborator_a.get_full_name(),
        "at": contract.created_at.isoformat(),
        "from_request": str(contract.uuid),
        "identity_document_sha256": contract.identity_document.sha256,
        "sent_by": adjuster.get_full_name(),
    }
    assert not request.evidence.filter(kind="identification_attested").exists()


@pytest.mark.real_pdf
def test_the_signature_report_says_the_identification_was_not_repeated(
    claim, operator, adjuster, collaborator_a
):
    if shutil.which("pdftotext") is None:
        pytest.skip("poppler-utils (pdftotext) is not installed")
    # given
    request = post_first_quietanza(claim, operator, adjuster)
    contract = SignatureRequest.objects.get(subject_kind="practice")
    mobile = claim.practice.client.mobile
    sms = OutboundMessage.objects.filter(recipient=mobile, body_text__contains="quietanza").get()
    token = re.search(r"/firma/([\w-]+)/", sms.body_text).group(1)
    # when: the insured accepts it with the SMS code
    signatures.open_signature_request(token=token, visit=VISIT)
    signatures.accept_declarations(token=token, visit=VISIT, accepted=True)
    signatures.send_signature_code(token=token, visit=VISIT)
    signatures.sign_with_code(token=token, code=last_code(mobile), visit=VISIT)
    # then
    request.refresh_from_db()
    text = subprocess.run(
        ["pdftotext", "-", "-"], input=request.report.file.read(), capture_output=True
    ).stdout.decode()
    flat = " ".join(text.split())
    assert (
        f"L'identificazione non è stata ripetuta per questa richiesta: è ripresa dalla richiesta "
        f"di firma "
        f"{contract.uuid}, in cui {collaborator_a.get_full_name()} ha attestato il "
    ) in flat
    assert "attestata" not in flat.replace("ha attestato", "")
