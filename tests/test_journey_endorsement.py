"""Browser journey: during the policy's year the agency asks for a lower deductible, sees the
premium difference before confirming, the client signs the appendice on a phone with the SMS
code, and the practice shows its two versions."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from polis.accounts.tests.factories import PASSWORD, UserFactory
from polis.notify.models import OutboundMessage
from polis.practices.models import Endorsement, Practice
from polis.practices.tests.factories import signed_practice

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 800}


def test_request_a_change_see_the_difference_and_the_client_signs_the_appendice(
    browser_page, screenshot, live_server, settings
):
    settings.SITE_URL = live_server.url
    page = browser_page
    user = UserFactory(email="agente@example.it", first_name="Marco")
    start = timezone.localdate() - timedelta(days=100)
    practice = signed_practice(
        user,
        status=Practice.Status.IN_FORCE,
        effective_date=start,
        end_date=start + timedelta(days=365),
    )

    # The collaborator asks for a lower deductible from today.
    page.goto("/accedi/")
    page.get_by_label("E-mail").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Accedi").click()
    page.goto(f"/pratiche/{practice.pk}/")
    page.get_by_role("link", name="Richiedi variazione").click()
    page.get_by_label("Franchigia").select_option("1000")
    page.get_by_label("Motivo o altri dati variati").fill("Franchigia più bassa")
    screenshot(page, "01-request")
    page.get_by_role("button", name="Calcola la variazione").click()

    # The difference is shown before confirming: 265 days of 365 of the annual difference.
    page.get_by_text("Variazione calcolata").wait_for()
    assert page.get_by_test_id("difference").first.inner_text() == "da pagare € 53,24"
    screenshot(page, "02-difference")
    page.get_by_role("button", name="Conferma la variazione").click()
    page.get_by_text("Appendice di variazione emessa").wait_for()
    assert page.get_by_test_id("endorsement-status").inner_text() == "Appendice da firmare"

    # Sent for signature with the identification of the contract's FEA.
    page.get_by_role("button", name="Invia l'appendice in firma").click()
    page.get_by_text("Appendice inviata in firma").wait_for()
    screenshot(page, "03-sent")

    # The client signs on a phone from the e-mailed link.
    client = practice.client
    email = OutboundMessage.objects.filter(recipient=client.email).latest("pk")
    link = re.search(r"https?://\S+/firma/\S+/", email.body_text).group(0)
    phone = page.context.browser.new_context(viewport=PHONE, locale="it-IT", is_mobile=True)
    signer = phone.new_page()
    signer.set_default_timeout(15_000)
    signer.goto(link)
    signer.get_by_role("heading", name=re.compile("Appendice n. 1")).wait_for()
    screenshot(signer, "04-phone-signing-page")
    accept = signer.get_by_label(re.compile("Ho letto la nota informativa"))
    if accept.count():
        accept.check()
        signer.get_by_role("button", name="Accetto").click()
    signer.get_by_role("button", name="Invia codice").click()
    signer.get_by_text("Ti abbiamo inviato il codice via SMS.").wait_for()
    sms = OutboundMessage.objects.filter(recipient=client.mobile, channel="sms").latest("pk")
    code = re.search(r"Codice firma (\d{6})", sms.body_text).group(1)
    signer.get_by_label(re.compile("Codice ricevuto")).fill(code)
    signer.get_by_role("button", name="Firma", exact=True).click()
    signer.get_by_text("Documento firmato.").first.wait_for()
    screenshot(signer, "05-phone-signed")
    phone.close()

    # The variazione is effective; the practice shows its two versions.
    assert Endorsement.objects.get(practice=practice).status == Endorsement.Status.EFFECTIVE
    page.goto(f"/pratiche/{practice.pk}/")
    versions = page.get_by_test_id("versions")
    assert versions.get_by_role("listitem").count() == 2
    assert "Appendice n. 1" in versions.inner_text()
    screenshot(page, "06-practice-versions")
    page.set_viewport_size(PHONE)
    page.goto(f"/pratiche/{practice.pk}/#versioni")
    screenshot(page, "07-phone-practice-versions")
    page.goto(f"/variazioni/{Endorsement.objects.get().pk}/")
    screenshot(page, "08-phone-endorsement")
