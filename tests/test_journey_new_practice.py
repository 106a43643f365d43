"""Browser journeys: AGGIUNGI PRATICA from the dashboard, rated with the tariff, issued at once
or after the MGA's review with an information request."""

import pytest

from polis.accounts.tests.factories import PASSWORD, UserFactory
from polis.clients.tests.factories import ClientFactory
from polis.devdata.catalog import NEEDS_QUESTIONNAIRES
from polis.practices.models import Practice
from polis.quotes.tests.factories import demo_product

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_aggiungi_pratica_end_to_end(browser_page, screenshot):
    page = browser_page
    user = UserFactory(email="agente@example.it", first_name="Marco")
    ClientFactory(created_by=user, first_name="Lucia", last_name="Ferri")
    product = demo_product("RCP")
    product.needs_questionnaire = NEEDS_QUESTIONNAIRES["RCP"]
    product.save()

    page.goto("/accedi/")
    page.get_by_label("E-mail").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Accedi").click()
    page.get_by_role("link", name="AGGIUNGI PRATICA").click()
    page.get_by_role("link", name="Prodotto RCP").click()
    page.get_by_label("Cliente").select_option(label="Ferri Lucia")
    page.get_by_label("Professione").select_option("TEC-B")
    page.get_by_label("Fatturato dell'ultimo esercizio").select_option("F2")
    page.get_by_label("Massimale").select_option("500000")
    page.get_by_label("Franchigia").select_option("2500")
    page.get_by_label("Retroattività").select_option("5")
    page.get_by_label("Frazionamento").select_option("2")
    screenshot(page, "01-new-practice")
    page.get_by_role("button", name="Calcola il premio e crea la pratica").click()
    page.get_by_text("Pratica creata").wait_for()
    assert page.get_by_text("€ 843,34").count() >= 1
    # issuing waits for the demands and needs, and refuses an inconsistent product
    page.get_by_role("button", name="Emetti polizza").click()
    page.get_by_text("Prima di emettere raccogli le esigenze").wait_for()
    page.get_by_label("Sì").first.check()
    page.locator("#need-registered-si").check()
    page.locator("#need-other_policy-si").check()
    # documents by e-mail need the client's consent to a durable non-paper medium
    page.get_by_label("Per e-mail").check()
    page.get_by_role("button", name="Registra le esigenze").click()
    page.get_by_text("Senza il consenso del cliente").wait_for()
    page.locator("#need-need-si").check()
    page.locator("#need-registered-si").check()
    page.locator("#need-other_policy-si").check()
    page.get_by_label("Per e-mail").check()
    page.get_by_label("Il cliente acconsente a ricevere i documenti").check()
    page.get_by_role("button", name="Registra le esigenze").click()
    page.get_by_text("Prodotto non coerente con le esigenze").first.wait_for()
    page.locator("#need-other_policy-no").check()
    page.get_by_role("button", name="Registra le esigenze").click()
    page.get_by_text("il prodotto è coerente").wait_for()
    page.get_by_text("con il consenso del cliente al supporto durevole").wait_for()
    screenshot(page, "02-needs")
    page.get_by_role("button", name="Emetti polizza").click()
    page.get_by_text("Polizza emessa.").wait_for()
    screenshot(page, "03-issued")
    practice = Practice.objects.get()
    assert practice.status == Practice.Status.ISSUED
    assert practice.quote is None
    assert {d["medium"] for d in practice.disclosures} == {"email"}


def test_new_practice_reviewed_with_an_information_request(browser_page, screenshot, live_server):
    """AGGIUNGI PRATICA over the automatic limit → the MGA asks for a document → the firm
    answers with it → the operator approves from the queue → issued."""
    from decimal import Decimal

    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from polis.accounts.models import User
    from polis.signatures.tests.support import PNG

    page = browser_page
    agent = UserFactory(email="agente@example.it", first_name="Marco")
    operator = UserFactory(role=User.Role.OPERATOR, email="op@example.it", with_totp=True)
    ClientFactory(created_by=agent, first_name="Lucia", last_name="Ferri")
    product = demo_product("RCP")
    product.auto_issue_max_gross = Decimal("500")  # this premium needs the MGA's review
    product.save()

    # The collaborator adds the practice from scratch and sends it to the MGA.
    page.goto("/accedi/")
    page.get_by_label("E-mail").fill(agent.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Accedi").click()
    page.get_by_role("link", name="AGGIUNGI PRATICA").click()
    page.get_by_role("link", name="Prodotto RCP").click()
    page.get_by_label("Cliente").select_option(label="Ferri Lucia")
    page.get_by_label("Professione").select_option("TEC-B")
    page.get_by_label("Fatturato dell'ultimo esercizio").select_option("F2")
    page.get_by_label("Massimale").select_option("500000")
    page.get_by_label("Franchigia").select_option("2500")
    page.get_by_label("Retroattività").select_option("5")
    page.get_by_label("Frazionamento").select_option("2")
    page.get_by_role("button", name="Calcola il premio e crea la pratica").click()
    page.get_by_text("Pratica creata").wait_for()
    page.get_by_role("button", name="Emetti polizza").click()
    page.get_by_text("Pratica inviata in revisione").wait_for()
    practice = Practice.objects.get()

    # The operator asks for information from the review queue.
    mga = page.context.browser.new_context(base_url=live_server.url, locale="it-IT")
    desk = mga.new_page()
    desk.set_default_timeout(15_000)
    desk.goto("/accedi/")
    desk.get_by_label("E-mail").fill(operator.email)
    desk.get_by_label("Password").fill(PASSWORD)
    desk.get_by_role("button", name="Accedi").click()
    device = TOTPDevice.objects.get(user=operator)
    desk.get_by_label("Codice a 6 cifre").fill(f"{totp(device.bin_key):06d}")
    desk.get_by_role("button", name="Verifica").click()
    desk.get_by_role("link", name="Pratiche in revisione", exact=True).click()
    desk.get_by_text("in attesa da").first.wait_for()
    desk.get_by_role("link", name="Richiedi informazioni").click()
    desk.get_by_label("Richiedi informazioni all'agenzia").fill("Serve la visura camerale")
    desk.get_by_role("button", name="Richiedi informazioni").click()
    desk.get_by_text("Richiesta inviata all'agenzia").wait_for()

    # The firm sees the to-do and answers with the document; the practice goes back to review.
    page.goto("/dashboard/")
    page.get_by_text("Richieste dell'operatore da evadere").wait_for()
    page.goto(f"/pratiche/{practice.pk}/")
    page.get_by_text("L'MGA ha chiesto informazioni su questa pratica.").wait_for()
    screenshot(page, "01-info-requested")
    page.get_by_label("La tua risposta").fill("Allego la visura")
    page.get_by_label("Documenti (facoltativi)").set_input_files(
        files=[{"name": "visura.png", "mimeType": "image/png", "buffer": PNG}]
    )
    page.get_by_role("button", name="Rispondi e rimanda in revisione").click()
    page.get_by_text("Risposta inviata").wait_for()
    page.get_by_text("Allegato alle comunicazioni").wait_for()

    # The operator finds the document on the practice and approves from the queue: issued.
    desk.reload()
    desk.get_by_text("Allegato alle comunicazioni").wait_for()
    desk.goto("/back-office/pratiche/")
    screenshot(desk, "02-queue")
    desk.get_by_role("button", name="Approva ed emetti").click()
    desk.get_by_text("Pratica approvata").wait_for()
    desk.get_by_text("Nessuna pratica da revisionare.").wait_for()
    screenshot(desk, "03-approved")
    mga.close()
    practice.refresh_from_db()
    assert practice.status == Practice.Status.ISSUED
    assert practice.policy_number
