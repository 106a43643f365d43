"""Browser journey: AGGIUNGI PRATICA from the dashboard, rated with the tariff, issued."""

import pytest

from polis.accounts.tests.factories import PASSWORD, UserFactory
from polis.catalog.demo import NEEDS_QUESTIONNAIRES
from polis.clients.tests.factories import ClientFactory
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
    page.get_by_role("button", name="Registra le esigenze").click()
    page.get_by_text("Prodotto non coerente con le esigenze").first.wait_for()
    page.locator("#need-other_policy-no").check()
    page.get_by_role("button", name="Registra le esigenze").click()
    page.get_by_text("il prodotto è coerente").wait_for()
    screenshot(page, "02-needs")
    page.get_by_role("button", name="Emetti polizza").click()
    page.get_by_text("Polizza emessa.").wait_for()
    screenshot(page, "03-issued")
    practice = Practice.objects.get()
    assert practice.status == Practice.Status.ISSUED
    assert practice.quote is None
