"""Browser journey: the collaborator sends the issued contract in firma; the client signs it
on a phone from the e-mailed link with the SMS code (a wrong code first)."""

import hashlib
import re
import shutil
import subprocess

import pytest
from django.utils import timezone

from polis.accounts.tests.factories import PASSWORD, UserFactory
from polis.clients.tests.factories import ClientFactory
from polis.notify.models import OutboundMessage
from polis.practices import services as practices
from polis.quotes import services as quotes
from polis.quotes.tests.factories import demo_product
from polis.quotes.tests.test_quotes import ARCHITECT
from polis.signatures.tests.support import PNG

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def test_issue_send_and_sign_with_the_sms_code(
    browser_page, screenshot, live_server, settings, tmp_path
):
    settings.SITE_URL = live_server.url
    page = browser_page
    user = UserFactory(email="agente@example.it", first_name="Marco")
    client = ClientFactory(created_by=user, first_name="Lucia", last_name="Ferri")
    quote = quotes.create_quote(
        actor=user,
        client=client,
        product=demo_product("RCP"),
        answers=ARCHITECT,
        effective_date=timezone.localdate(),
    )
    practice = practices.convert_quote(actor=user, quote=quote)

    # The collaborator issues the policy and sends it in firma.
    page.goto("/accedi/")
    page.get_by_label("E-mail").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Accedi").click()
    page.goto(f"/pratiche/{practice.pk}/")
    page.get_by_role("button", name="Emetti polizza").click()
    page.get_by_text("Polizza emessa.").wait_for()
    identity = tmp_path / "carta-identita.png"
    identity.write_bytes(PNG)
    page.get_by_label("Documento d'identità del firmatario").set_input_files(str(identity))
    page.get_by_label("Ho identificato il firmatario").check()
    screenshot(page, "01-send-for-signature")
    page.get_by_role("button", name="Invia il contratto in firma").click()
    page.get_by_text("Contratto inviato in firma").wait_for()
    assert page.get_by_text("In firma", exact=True).count() == 1

    # The client opens the e-mailed link: on a computer the contract shows inline...
    email = OutboundMessage.objects.get(recipient=client.email, subject__startswith="Documento")
    link = re.search(r"https?://\S+/firma/\S+/", email.body_text).group(0)
    page.goto(link)
    page.wait_for_timeout(1000)
    screenshot(page, "02a-desktop-signing-page", full_page=False)
    # ...and the client signs on a phone.
    phone = page.context.browser.new_context(viewport=PHONE, locale="it-IT", is_mobile=True)
    signer = phone.new_page()
    signer.set_default_timeout(15_000)
    signer.goto(link)
    signer.get_by_role("heading", name=re.compile("Contratto di polizza")).wait_for()
    assert signer.get_by_text("+39 *** *** 567").count() >= 1
    screenshot(signer, "02-phone-signing-page")
    # The pre-contractual documents come first: the MUP the client opens is the one recorded.
    documents = signer.get_by_role("heading", name=re.compile("documenti precontrattuali"))
    contract = signer.get_by_role("heading", name=re.compile("Leggi il documento"))
    assert documents.bounding_box()["y"] < contract.bounding_box()["y"]
    mup = signer.get_by_role("link", name="Apri (PDF)").first
    opened = signer.request.get(live_server.url + mup.get_attribute("href"))
    practice.refresh_from_db()
    assert hashlib.sha256(opened.body()).hexdigest() == practice.disclosures[0]["sha256"]
    assert signer.get_by_text("Informativa sul trattamento dei dati personali").count() == 1
    signer.get_by_label(re.compile("Ho letto la nota informativa")).check()
    signer.get_by_role("button", name="Accetto").click()
    # no code until the client declares to have received and read them
    signer.get_by_text("Prima dichiara di aver ricevuto e letto").wait_for()
    assert signer.get_by_role("button", name="Invia codice").count() == 0
    signer.get_by_label(re.compile("Dichiaro di aver ricevuto e letto")).check()
    screenshot(signer, "02b-phone-documents-acknowledged")
    signer.get_by_role("button", name="Confermo").click()
    signer.get_by_text("Hai dichiarato di aver ricevuto e letto i documenti.").wait_for()
    signer.get_by_role("button", name="Invia codice").click()
    signer.get_by_text("Ti abbiamo inviato il codice via SMS.").wait_for()
    sms = OutboundMessage.objects.filter(recipient=client.mobile, channel="sms").latest("pk")
    code = re.search(r"Codice firma (\d{6})", sms.body_text).group(1)
    screenshot(signer, "03-phone-code")

    signer.get_by_label(re.compile("Codice ricevuto")).fill(f"{(int(code) + 1) % 10**6:06d}")
    signer.get_by_role("button", name="Firma", exact=True).click()
    signer.get_by_text("Codice errato. Tentativi rimasti per questo codice: 4.").wait_for()
    signer.get_by_label(re.compile("Codice ricevuto")).fill(code)
    signer.get_by_role("button", name="Firma", exact=True).click()
    signer.get_by_text("Documento firmato.").first.wait_for()
    screenshot(signer, "04-phone-signed")
    with signer.expect_download() as download:
        signer.get_by_role("link", name="Scarica il documento firmato").click()
    signed = tmp_path / "firmato.pdf"
    download.value.save_as(signed)
    if shutil.which("pdfsig"):
        report = subprocess.run(["pdfsig", str(signed)], capture_output=True, text=True).stdout
        assert "Signature is Valid." in report
        # time-stamped by the embedded default's development TSA
        assert "polis TSA di sviluppo" in report
    phone.close()

    # Back in the CRM the practice is signed, with the signed contract and the report.
    page.goto(f"/pratiche/{practice.pk}/")
    assert page.get_by_text("Firmata", exact=True).count() >= 1
    assert page.get_by_text("Contratto firmato (FEA)").count() == 1
    assert page.get_by_text("Rapporto di firma").count() == 1
    assert page.get_by_text("sulla pagina di firma, con la dichiarazione del cliente").count() == 1
    screenshot(page, "05-practice-signed")

    # The privacy notice acknowledged with them is recorded on the client as delivered.
    page.goto(f"/clienti/{client.pk}/")
    page.get_by_text(re.compile(r"Informativa privacy: versione \S+ consegnata il")).wait_for()
    screenshot(page, "06-client-privacy-notice")
    page.set_viewport_size({"width": 360, "height": 800})
    screenshot(page, "06b-phone-client-privacy-notice")
