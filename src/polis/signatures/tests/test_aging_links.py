"""Links that age (issue 16 §5) and reach the person (issue 19): after signing the link serves
the signed document for a while, then only after an SMS code; the report and the withdrawal of
consent need a code; links are built on the address in use; limits per link and per signer."""

import pytest
from django.utils import timezone

from polis.core.errors import DomainError
from polis.notify.models import OutboundMessage
from polis.practices.models import Practice
from polis.signatures import services
from polis.signatures.models import SignatureRequest, Signer
from polis.signatures.tests.support import VISIT, last_access_code, sign_practice

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed(collaborator_a, issued_practice, clock):
    """A signed practice, a few minutes after signing (past the codes' cooldown)."""
    token = sign_practice(collaborator_a, issued_practice)
    clock.advance(minutes=2)
    return issued_practice, token


def test_a_signed_link_serves_the_document_for_its_days_then_asks_for_a_code(
    client, signed, clock, settings
):
    practice, token = signed
    # given a link signed today
    assert client.get(f"/firma/{token}/firmato.pdf").status_code == 200
    # when the configured days have passed
    clock.advance(days=settings.SIGNATURE_SIGNED_DAYS, seconds=1)
    answer = client.get(f"/firma/{token}/firmato.pdf")
    # then the document is not served; the page asks for a verification code
    assert answer.status_code == 302
    page = client.get(f"/firma/{token}/").content.decode()
    assert "Scarica il documento firmato" not in page
    assert "codice SMS" in page
    # when the signer asks for the code and types it
    assert client.post(f"/firma/{token}/codice-verifica/").status_code == 302
    code = last_access_code(practice.client.mobile)
    client.post(f"/firma/{token}/verifica/", {"code": code})
    # then this browser gets the document and the report again
    assert client.get(f"/firma/{token}/firmato.pdf").status_code == 200
    assert client.get(f"/firma/{token}/rapporto.pdf").status_code == 200
    # and another browser with the same link still does not
    from django.test import Client

    assert Client().get(f"/firma/{token}/firmato.pdf").status_code == 302
    kinds = list(SignatureRequest.objects.get().evidence.values_list("kind", flat=True))
    assert kinds[-2:] == ["access_code_sent", "access_verified"]


def test_after_signing_the_link_serves_only_the_signed_document(client, signed):
    _practice, token = signed
    assert client.get(f"/firma/{token}/documento.pdf").status_code == 410
    assert client.get(f"/firma/{token}/firmato.pdf").status_code == 200


def test_the_report_is_for_the_signer_only_after_a_code(client, signed):
    _practice, token = signed
    # the link alone does not give the report (codice fiscale, addresses, user agents)
    answer = client.get(f"/firma/{token}/rapporto.pdf")
    assert answer.status_code == 302
    assert "Scarica il rapporto di firma" not in client.get(f"/firma/{token}/").content.decode()


def test_a_wrong_access_code_opens_nothing_and_is_counted(client, signed, clock, settings):
    practice, token = signed
    client.post(f"/firma/{token}/codice-verifica/")
    code = last_access_code(practice.client.mobile)
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    client.post(f"/firma/{token}/verifica/", {"code": wrong})
    assert client.get(f"/firma/{token}/rapporto.pdf").status_code == 302
    assert Signer.objects.get().failures == 1
    # after the allowed attempts the code burns, even for the right digits
    for _attempt in range(settings.SIGNATURE_CODE_ATTEMPTS - 1):
        client.post(f"/firma/{token}/verifica/", {"code": wrong})
    client.post(f"/firma/{token}/verifica/", {"code": code})
    assert client.get(f"/firma/{token}/rapporto.pdf").status_code == 302


def test_withdrawing_consent_needs_a_fresh_code_and_a_confirmation(client, signed, clock):
    practice, token = signed
    # the link of an old e-mail alone withdraws nothing
    client.post(f"/firma/{token}/revoca-consenso/", {"confirm": "1"})
    assert Signer.objects.get().withdrawn_at is None
    # a code without the confirmation withdraws nothing either
    client.post(f"/firma/{token}/codice-verifica/")
    code = last_access_code(practice.client.mobile)
    client.post(f"/firma/{token}/revoca-consenso/", {"code": code})
    assert Signer.objects.get().withdrawn_at is None
    # a code that is no longer fresh is refused
    clock.advance(minutes=10)
    client.post(f"/firma/{token}/revoca-consenso/", {"code": code, "confirm": "1"})
    assert Signer.objects.get().withdrawn_at is None
    # a fresh code with the confirmation withdraws
    client.post(f"/firma/{token}/codice-verifica/")
    page = client.post(
        f"/firma/{token}/revoca-consenso/",
        {"code": last_access_code(practice.client.mobile), "confirm": "1"},
    )
    assert "Consenso alla firma elettronica revocato" in page.content.decode()
    assert Signer.objects.get().withdrawn_at is not None


def test_withdrawal_voids_the_open_requests_only_with_the_code(sent):
    practice, token = sent
    with pytest.raises(DomainError):
        services.withdraw_fea_consent(token=token, code="123456", confirmed=True, visit=VISIT)
    assert SignatureRequest.objects.get().status == SignatureRequest.Status.SENT
    services.send_access_code(token=token, visit=VISIT)
    services.withdraw_fea_consent(
        token=token, code=last_access_code(practice.client.mobile), confirmed=True, visit=VISIT
    )
    assert SignatureRequest.objects.get().status == SignatureRequest.Status.VOIDED
    practice.refresh_from_db()
    assert practice.status == Practice.Status.ISSUED


def test_the_link_is_built_on_the_address_the_sender_uses(
    client_for, collaborator_a, issued_practice, settings
):
    # given a server reached at 127.0.0.1:8101 while SITE_URL says :8000
    settings.SITE_URL = "http://127.0.0.1:8000"
    from polis.signatures.tests.support import PNG

    web = client_for(collaborator_a)
    web.post(
        f"/pratiche/{issued_practice.pk}/firma/",
        {"identity_attested": "on", "identity_document": _upload(PNG)},
        HTTP_HOST="127.0.0.1:8101",
    )
    email = OutboundMessage.objects.get(recipient=issued_practice.client.email)
    assert "http://127.0.0.1:8101/firma/" in email.body_text
    assert ":8000" not in email.body_text


def _upload(data):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("carta-identita.png", data, content_type="image/png")


def test_background_jobs_build_links_on_site_url(sent, clock, settings):
    settings.SITE_URL = "https://polis.example.it"
    clock.advance(days=settings.SIGNATURE_REMINDER_DAYS[0], hours=1)
    services.send_reminders()
    reminder = OutboundMessage.objects.filter(subject__icontains="promemoria").first() or (
        OutboundMessage.objects.order_by("-pk").first()
    )
    assert "https://polis.example.it/firma/" in reminder.body_text


def test_one_client_retrying_does_not_block_another_link_from_the_same_office(
    client, collaborator_a, issued_practice, sent, settings
):
    settings.SIGNATURE_LINK_RATES = {"link": "5/10m", "signer": "50/10m", "address": "100/10m"}
    _practice, token = sent
    # given one link hammered from the agency's counter until it is slowed down
    statuses = [client.get(f"/firma/{token}/").status_code for _n in range(6)]
    assert statuses[-1] == 429
    # then a signed client's link at the same counter still works
    other = sign_practice(collaborator_a, _second_practice(collaborator_a))
    assert client.get(f"/firma/{other}/firmato.pdf").status_code == 200


def _second_practice(author):
    from polis.clients.tests.factories import ClientFactory
    from polis.practices import services as practices
    from polis.quotes import services as quotes
    from polis.quotes.tests.factories import demo_product
    from polis.quotes.tests.test_quotes import ARCHITECT

    quote = quotes.create_quote(
        actor=author,
        client=ClientFactory(created_by=author),
        product=demo_product("RCP"),
        answers=ARCHITECT,
        effective_date=timezone.localdate(),
    )
    return practices.issue_practice(
        actor=author, practice=practices.convert_quote(actor=author, quote=quote)
    )


def test_a_signed_documents_download_is_never_blocked_per_address(client, signed, settings):
    settings.SIGNATURE_LINK_RATES = {"link": "50/10m", "signer": "50/10m", "address": "3/10m"}
    _practice, token = signed
    # given a flood from the address that the address limit stops
    assert [client.get("/firma/sbagliato/").status_code for _n in range(4)][-1] == 429
    # then the signed document is still downloaded from it
    assert client.get(f"/firma/{token}/firmato.pdf").status_code == 200


def test_requests_are_limited_per_signer_across_their_links(client, signed, settings):
    settings.SIGNATURE_LINK_RATES = {"link": "50/10m", "signer": "3/10m", "address": "100/10m"}
    _practice, token = signed
    statuses = [client.get(f"/firma/{token}/").status_code for _n in range(4)]
    assert statuses == [200, 200, 200, 429]
