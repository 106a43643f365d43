"""Browser journey: the operator registers a client's access request from the client's page,
sends the export, and the person's link downloads a JSON holding his practice, its signature
evidence and his claim."""

import json
import re

import pytest
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from polis.accounts.models import User
from polis.accounts.tests.factories import PASSWORD, UserFactory
from polis.notify.models import OutboundMessage
from polis.privacy.tests.support import signed_policy_with_claim

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_access_request_ends_in_the_persons_export(browser_page, screenshot):
    page = browser_page
    agent = UserFactory(email="agente@example.it")
    practice, claim = signed_policy_with_claim(agent, description="Distorsione alla caviglia")
    person = practice.client
    operator = UserFactory(role=User.Role.OPERATOR, email="operatore@example.it", with_totp=True)

    page.goto("/accedi/")
    page.get_by_label("E-mail").fill(operator.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Accedi").click()
    device = TOTPDevice.objects.get(user=operator)
    page.get_by_label("Codice a 6 cifre").fill(f"{totp(device.bin_key):06d}")
    page.get_by_role("button", name="Verifica").click()

    page.goto(f"/clienti/{person.pk}/")
    page.get_by_role("link", name="Registra richiesta privacy").click()
    page.get_by_label("Diritto esercitato").select_option("access")
    page.get_by_label("Canale").select_option("email")
    page.get_by_label("Data di ricezione").fill(timezone.localdate().isoformat())
    page.get_by_label("Verifica dell'identità").fill("Documento d'identità allegato")
    screenshot(page, "01-privacy-request-form")
    page.get_by_role("button", name="Registra la richiesta").click()
    page.get_by_text("Rispondere entro").wait_for()
    page.get_by_role("button", name="Prepara e invia l'esportazione dei dati").click()
    page.get_by_text("Esportazione inviata all'interessato").wait_for()
    screenshot(page, "02-privacy-request-exported")

    email = OutboundMessage.objects.filter(recipient=person.email).latest("pk")
    json_link = re.search(r"Formato portabile \(JSON\): (\S+)", email.body_text).group(1)
    response = page.request.get(json_link)
    assert response.status == 200
    sections = {s["sezione"]: s["dati"] for s in json.loads(response.body())["sezioni"]}
    assert [p["numero_polizza"] for p in sections["practices"]] == [practice.policy_number]
    assert sections["practices"][0]["evidenze_di_firma"]
    assert [c["numero"] for c in sections["claims"]] == [claim.number]
    assert sections["claims"][0]["descrizione"] == "Distorsione alla caviglia"
