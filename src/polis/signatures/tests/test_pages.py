"""The signer's pages: clear Italian answers for unusable links, guessing bounded per address."""

import pytest

from polis.signatures import services
from polis.signatures.models import SignatureRequest

pytestmark = pytest.mark.django_db


def test_guessing_links_is_bounded_per_address(client, settings):
    # a flood of wrong tokens from one address gets "not valid", then must wait
    settings.SIGNATURE_LINK_RATES = settings.SIGNATURE_LINK_RATES | {"address": "60/10m"}
    statuses = [client.get(f"/firma/{'x' * 40}{n:03d}/").status_code for n in range(61)]
    assert statuses[:60] == [410] * 60
    assert statuses[60] == 429
    assert "Troppe richieste" in client.get("/firma/altro/").content.decode()


def test_unusable_links_say_why_in_italian(client, sent, collaborator_a):
    _practice, token = sent
    assert "non è valido" in client.get("/firma/sbagliato/").content.decode()
    services.void_signature_request(actor=collaborator_a, request=SignatureRequest.objects.get())
    page = client.get(f"/firma/{token}/")
    assert page.status_code == 410
    assert "annullata dal tuo intermediario" in page.content.decode()


def test_the_signing_page_shows_the_masked_number_and_the_document_hash(client, sent):
    practice, token = sent
    page = client.get(f"/firma/{token}/").content.decode()
    assert "+39 *** *** 567" in page
    assert practice.contract.sha256 in page
    assert practice.client.mobile not in page
