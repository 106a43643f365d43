"""Browser journey (POG): FAI PREVENTIVO for a client outside the product's target market asks
the collaborator's justification before pricing, keeps it with the quote, and the MGA's report
lists the sale once the policy is issued."""

import pytest

from polis.accounts.tests.factories import PASSWORD, UserFactory
from polis.clients.models import Client
from polis.clients.tests.factories import ClientFactory
from polis.devdata.catalog import TARGET_MARKETS
from polis.quotes.models import Quote
from polis.quotes.tests.factories import demo_product

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
WHY = "Studio associato di due architetti che firmano i progetti in proprio."


def test_a_quote_outside_the_target_market_asks_a_justification(browser_page, screenshot):
    page = browser_page
    user = UserFactory(email="agente@example.it", first_name="Marco")
    ClientFactory(
        created_by=user,
        kind=Client.Kind.COMPANY,
        company_name="Studio Associato Galli",
        codice_fiscale="",
        partita_iva="44444440018",
    )
    product = demo_product("RCP")
    product.target_market = TARGET_MARKETS["RCP"]
    product.save()

    page.goto("/accedi/")
    page.get_by_label("E-mail").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Accedi").click()
    page.get_by_role("link", name="FAI PREVENTIVO").click()
    page.get_by_role("link", name="Prodotto RCP").click()
    page.get_by_label("Cliente").select_option(label="Studio Associato Galli")
    page.get_by_label("Professione").select_option("TEC-B")
    page.get_by_label("Fatturato dell'ultimo esercizio").select_option("F2")
    page.get_by_label("Massimale").select_option("500000")
    page.get_by_label("Franchigia").select_option("2500")
    page.get_by_label("Retroattività").select_option("5")
    page.get_by_label("Frazionamento").select_option("2")
    page.get_by_role("button", name="Calcola il premio").click()

    # asked, with the reason, before anything is kept
    field = page.get_by_label("Motivazione della vendita fuori target market")
    field.wait_for()
    assert page.get_by_text("Tipo di cliente: Persona giuridica").count() >= 1
    assert not Quote.objects.exists()
    screenshot(page, "01-justification-asked")
    page.set_viewport_size({"width": 360, "height": 800})
    screenshot(page, "02-justification-asked-phone")
    page.set_viewport_size({"width": 1280, "height": 800})
    field.fill(WHY)
    page.get_by_role("button", name="Calcola il premio").click()
    page.get_by_text("€ 843,34").first.wait_for()
    quote = Quote.objects.get()
    assert quote.target_market["justification"] == WHY
    screenshot(page, "03-quote-kept")
