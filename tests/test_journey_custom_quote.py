"""Browser journey: a custom quote ("garanzie particolari o con sinistri") asked from FAI
PREVENTIVO, answered by an operator with an offer, accepted and turned into a quote."""

import pytest
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from polis.accounts.models import User
from polis.accounts.tests.factories import PASSWORD, UserFactory
from polis.clients.tests.factories import ClientFactory
from polis.quotes.models import QuoteRequest
from polis.quotes.tests.factories import demo_product

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_custom_quote_requested_offered_and_accepted(browser_page, screenshot, live_server):
    page = browser_page
    agent = UserFactory(email="agente@example.it", first_name="Marco")
    operator = UserFactory(role=User.Role.OPERATOR, email="op@example.it", with_totp=True)
    ClientFactory(created_by=agent, first_name="Lucia", last_name="Ferri")
    demo_product("RCP")

    page.goto("/accedi/")
    page.get_by_label("E-mail").fill(agent.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Accedi").click()
    page.get_by_role("link", name="FAI PREVENTIVO").click()
    page.get_by_role("link", name="Chiedi un preventivo personalizzato all'MGA").click()
    page.get_by_label("Cliente", exact=False).first.select_option(label="Ferri Lucia")
    page.get_by_label("Esigenza del cliente").fill("RC professionale, massimale 3 milioni")
    page.get_by_label("Garanzie particolari richieste").fill("Retroattività illimitata")
    page.get_by_label("Sinistri negli ultimi 5 anni").fill("1")
    page.get_by_label("Descrizione dei sinistri").fill("2024: errore di calcolo, liquidato")
    screenshot(page, "01-request")
    page.get_by_role("button", name="Invia la richiesta all'MGA").click()
    page.get_by_text("In attesa della risposta dell'MGA.").wait_for()
    request = QuoteRequest.objects.get()

    # The operator answers with an offer, in a browser of their own.
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
    desk.get_by_role("link", name="Preventivi personalizzati").click()
    desk.get_by_role("link", name=request.number).click()
    desk.get_by_label("Prodotto").select_option(label="Prodotto RCP")
    desk.get_by_label("Premio lordo (€)").fill("2450.00")
    desk.get_by_label("Responsabilità civile professionale: Massimale (€)").fill("1000000")
    desk.get_by_label("Responsabilità civile professionale: Franchigia (€)").fill("5000")
    desk.get_by_label("Condizioni").fill("Franchigia 5.000 €; esclusi i fatti già noti.")
    until = timezone.localdate().replace(day=1).replace(year=timezone.localdate().year + 1)
    desk.get_by_label("Valida fino al").fill(until.isoformat())
    desk.get_by_role("button", name="Invia l'offerta").click()
    desk.get_by_text("Offerta inviata all'agenzia.").wait_for()
    mga.close()

    # The firm accepts: a priced quote, ready to become a practice.
    page.reload()
    page.get_by_text("€ 2.450,00").first.wait_for()
    screenshot(page, "02-offer")
    page.get_by_role("button", name="Accetta l'offerta").click()
    page.get_by_text("Offerta accettata").wait_for()
    assert page.get_by_text("€ 2.450,00").count() >= 1
    assert page.get_by_role("button", name="Trasforma in pratica").count() == 1
    # the cover the operator set is the quote's
    assert page.get_by_role("cell", name="€ 1.000.000").count() == 1
    screenshot(page, "03-quote")
