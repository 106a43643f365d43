"""The insured on a phone: opens the personal link of the claim and sends the missing document."""

import pytest

from polis.claims.tests.support import open_claim_on, policy_in_force
from polis.insured.services import send_insured_link
from polis.notify.models import OutboundMessage
from polis.signatures.tests.support import PNG

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_insured_follows_the_claim_on_a_phone_and_sends_the_missing_document(
    browser_page, collaborator_a, tmp_path, screenshot
):
    # given a claim still missing the third party's letter, and its link sent to the client
    claim = open_claim_on(collaborator_a, policy_in_force(collaborator_a), complete=False)
    link = send_insured_link(actor=collaborator_a, practice=claim.practice, claim=claim)
    page = browser_page
    page.set_viewport_size({"width": 390, "height": 844})
    # when the client opens it on a phone
    page.goto(f"/assicurato/{link.link_token}/")
    screenshot(page, "claim")
    # then the page fits the phone and says where the claim stands and what is missing
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert page.get_by_role("heading", name=f"Sinistro {claim.number}").is_visible()
    assert page.get_by_text("Abbiamo ricevuto la denuncia").is_visible()
    assert page.get_by_role("heading", name="Documenti che mancano").is_visible()
    # when the client picks the letter and sends it
    letter = tmp_path / "lettera.png"
    letter.write_bytes(PNG)
    page.get_by_label("Quale documento invii").select_option(label="Lettera del terzo danneggiato")
    page.get_by_label("File da inviare").set_input_files(str(letter))
    page.get_by_role("button", name="Invia il documento").click()
    # then it is received, nothing is missing any more, and the agency is told
    page.get_by_text("Documento ricevuto").wait_for()
    screenshot(page, "sent")
    assert page.get_by_role("heading", name="Documenti che mancano").count() == 0
    assert claim.documents.filter(kind="lettera_terzo").count() == 1
    assert OutboundMessage.objects.filter(
        recipient=collaborator_a.email, subject__startswith="Documenti dall'assicurato"
    ).exists()
