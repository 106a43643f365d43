"""The quietanza is not a contract (issue 19): its own texts for the insured, amounts typed as
Italians do, a contested quietanza closed, its own type in the public register."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from polis.claims import services
from polis.claims.models import Claim, Quietanza
from polis.ledger.models import LedgerEntry
from polis.notify.models import OutboundMessage
from polis.signatures import services as signatures
from polis.signatures.models import SignatureRequest
from polis.signatures.tests.support import VISIT, last_code

pytestmark = pytest.mark.django_db


@pytest.fixture
def investigated(claim, operator, adjuster):
    services.assign_adjuster(actor=operator, claim=claim, adjuster=adjuster)
    return services.record_insurer_claim_number(actor=operator, claim=claim, number="AX-7")


def _post(client_for, adjuster, claim, amount="7.345,60"):
    return client_for(adjuster).post(
        f"/sinistri/{claim.pk}/quietanza/",
        {"amount": amount, "kind": "saldo", "conditions": "A saldo.", "version": claim.version},
        HTTP_HOST="127.0.0.1:8101",
        follow=True,
    )


def _token(claim) -> str:
    sms = OutboundMessage.objects.filter(
        recipient=claim.practice.client.mobile, body_text__contains="/firma/"
    ).latest("pk")
    return re.search(r"/firma/([\w-]+)/", sms.body_text).group(1)


def test_the_adjuster_types_the_amount_as_italians_do(client_for, adjuster, investigated):
    _post(client_for, adjuster, investigated)
    assert Quietanza.objects.get().amount == Decimal("7345.60")


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("7345.60", "7345.60"), ("7345,6", "7345.60"), ("1.500", "1500.00"), ("€ 12.000", "12000.00")],
)
def test_other_ways_of_typing_an_amount(client_for, adjuster, investigated, typed, stored):
    _post(client_for, adjuster, investigated, typed)
    assert Quietanza.objects.get().amount == Decimal(stored)


def test_a_malformed_amount_is_refused_in_italian(client_for, adjuster, investigated):
    page = _post(client_for, adjuster, investigated, "7,345.60")
    assert not Quietanza.objects.exists()
    assert "Importo non valido: scrivilo come 7.345,60." in page.content.decode()


def test_the_insured_gets_the_quietanzas_own_email_and_sms(client_for, adjuster, investigated):
    _post(client_for, adjuster, investigated)
    client = investigated.practice.client
    request = SignatureRequest.objects.get(subject_kind="quietanza")
    by = timezone.localtime(request.expires_at).strftime("%d/%m/%Y")
    email = OutboundMessage.objects.filter(recipient=client.email).latest("pk")
    assert email.subject == (
        f"Sinistro {investigated.number}: liquidazione di € 7.345,60 da accettare o contestare"
    )
    assert "Accetta la liquidazione" in email.body_text
    assert "Contesta" in email.body_text
    assert f"entro il {by}" in email.body_text
    assert "http://127.0.0.1:8101/firma/" in email.body_text
    assert "Documento da firmare" not in email.subject
    sms = OutboundMessage.objects.filter(recipient=client.mobile, channel="sms").latest("pk")
    assert investigated.number in sms.body_text
    assert "€ 7.345,60" in sms.body_text
    assert f"entro il {by}" in sms.body_text
    assert "http://127.0.0.1:8101/firma/" in sms.body_text


def test_an_english_insured_gets_the_quietanza_email_and_sms_in_english(
    client, client_for, adjuster, investigated
):
    # given an insured whose language on file is English
    insured = investigated.practice.client
    insured.language = "en"
    insured.save(update_fields=["language"])
    # when the adjuster (in Italian) offers the settlement
    _post(client_for, adjuster, investigated)
    # then
    by = timezone.localtime(
        SignatureRequest.objects.get(subject_kind="quietanza").expires_at
    ).strftime("%d/%m/%Y")
    email = OutboundMessage.objects.filter(recipient=insured.email).latest("pk")
    assert email.subject == (
        f"Claim {investigated.number}: settlement of € 7.345,60 to accept or contest"
    )
    assert f"Answer by {by}: after that the link expires." in email.body_text
    sms = OutboundMessage.objects.filter(recipient=insured.mobile, channel="sms").latest("pk")
    assert sms.language == "en"
    assert (
        f"for claim {investigated.number}, we offer you € 7.345,60. Accept or contest by {by}"
        in (sms.body_text)
    )
    # and the page his link opens speaks English
    page = client.get(f"/firma/{_token(investigated)}/").content.decode()
    assert '<html lang="en">' in page


def test_the_claim_page_tells_the_state_of_the_insureds_request(client_for, adjuster, investigated):
    _post(client_for, adjuster, investigated)
    by = timezone.localtime(
        SignatureRequest.objects.get(subject_kind="quietanza").expires_at
    ).strftime("%d/%m/%Y")
    page = client_for(adjuster).get(f"/sinistri/{investigated.pk}/").content.decode()
    # the request (feminine in Italian) is "inviata ... valida", not "Link: Inviata ... valido"
    assert f"Richiesta all'assicurato: inviata · valida fino al {by}" in page


def test_the_page_offers_to_accept_or_contest_and_a_contested_one_is_closed(
    client, client_for, adjuster, investigated
):
    _post(client_for, adjuster, investigated)
    token = _token(investigated)
    page = client.get(f"/firma/{token}/").content.decode()
    assert "Accetta la liquidazione" in page
    assert "Contesta" in page
    # when the insured contests it
    answer = client.post(f"/firma/{token}/rifiuta/", {"reason": "Non copre le spese mediche"})
    assert "Hai contestato la quietanza" in answer.content.decode()
    assert "rifiutato di firmare" not in answer.content.decode()
    # then the link shows it was contested and no longer offers to accept
    again = client.get(f"/firma/{token}/").content.decode()
    assert "Hai contestato la quietanza" in again
    assert "Accetta la liquidazione" not in again
    # nor does it still say the firm asks the insured to sign
    assert "ti chiede di firmare" not in again
    assert f"Richiesta di firma di {investigated.firm.name}" in again
    assert 'name="code"' not in again.split("revoca")[0]
    investigated.refresh_from_db()
    assert investigated.status == Claim.Status.INVESTIGATION


def test_acceptance_has_its_own_email_and_register_type(client_for, adjuster, investigated):
    _post(client_for, adjuster, investigated)
    token = _token(investigated)
    mobile = investigated.practice.client.mobile
    signatures.open_signature_request(token=token, visit=VISIT)
    signatures.accept_declarations(token=token, visit=VISIT, accepted=True)
    signatures.send_signature_code(token=token, visit=VISIT)
    signatures.sign_with_code(token=token, code=last_code(mobile), visit=VISIT)
    done = OutboundMessage.objects.filter(recipient=investigated.practice.client.email).latest("pk")
    assert done.subject == f"Hai accettato la liquidazione del sinistro {investigated.number}"
    assert "€ 7.345,60" in done.body_text
    types = set(LedgerEntry.objects.values_list("type", flat=True))
    assert {"quietanza.signed", "quietanza.evidence", "quietanza.accepted"} <= types
    request = SignatureRequest.objects.get(subject_kind="quietanza")
    assert not LedgerEntry.objects.filter(type="contract.signed", ref=str(request.uuid)).exists()

    # the firm hears it once, in the claim's words
    firm = OutboundMessage.objects.filter(recipient=investigated.created_by.email)
    assert not firm.filter(
        body_text__contains="tra i documenti della pratica", subject__contains="Quietanza"
    ).exists()
    assert firm.filter(body_text__contains="L'assicurato ha accettato la quietanza").count() == 1


def test_the_signed_quietanzas_report_is_for_the_firm_and_the_mga(
    client_for, adjuster, operator, collaborator_a, investigated
):
    _post(client_for, adjuster, investigated)
    token = _token(investigated)
    signatures.open_signature_request(token=token, visit=VISIT)
    signatures.accept_declarations(token=token, visit=VISIT, accepted=True)
    signatures.send_signature_code(token=token, visit=VISIT)
    signatures.sign_with_code(
        token=token, code=last_code(investigated.practice.client.mobile), visit=VISIT
    )
    quietanza = Quietanza.objects.get()
    url = f"/sinistri/{investigated.pk}/quietanze/{quietanza.pk}/?rapporto=1"
    assert client_for(collaborator_a).get(url).status_code == 200
    assert client_for(operator).get(url).status_code == 200
    assert client_for(adjuster).get(url).status_code == 404


def test_the_reminder_speaks_of_the_quietanza(client_for, adjuster, investigated, settings):
    _post(client_for, adjuster, investigated)
    request = SignatureRequest.objects.get(subject_kind="quietanza")
    SignatureRequest.objects.filter(pk=request.pk).update(
        sent_at=request.sent_at - timedelta(days=settings.SIGNATURE_REMINDER_DAYS[0], hours=1)
    )
    signatures.send_reminders()
    reminder = OutboundMessage.objects.filter(recipient=investigated.practice.client.email).latest(
        "pk"
    )
    assert reminder.subject == (
        f"Promemoria: sinistro {investigated.number}, liquidazione di € 7.345,60 da accettare "
        "o contestare"
    )
