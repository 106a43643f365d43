"""Browser journey: FAI PREVENTIVO offers a lawyer only what the law allows as the agent picks
(issue 17 §5), and the quote is priced on those terms."""

import pytest

from polis.accounts.tests.factories import PASSWORD, UserFactory
from polis.clients.tests.factories import ClientFactory
from polis.quotes.tests.factories import demo_product

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _options(page, label: str) -> list[str]:
    return (
        page.get_by_label(label)
        .locator("option")
        .evaluate_all("options => options.map(o => o.value).filter(Boolean)")
    )


def test_a_lawyer_is_offered_only_the_legal_terms(browser_page, screenshot):
    page = browser_page
    user = UserFactory(email="agente@example.it")
    ClientFactory(created_by=user, first_name="Anna", last_name="Conti")
    demo_product("RCP")
    page.goto("/accedi/")
    page.get_by_label("E-mail").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Accedi").click()
    page.get_by_role("link", name="FAI PREVENTIVO").click()
    page.get_by_role("link", name="Prodotto RCP").click()
    page.get_by_label("Cliente").select_option(label="Conti Anna")
    # when the agent picks a lawyer earning € 30.000-70.000
    page.get_by_label("Professione").select_option("LEG")
    page.get_by_label("Fatturato dell'ultimo esercizio").select_option("F2")
    page.locator('#id_limit option[value="250000"]').wait_for(state="detached")
    # then: unlimited retroactivity, 10 years of ultrattività, limits from € 500.000
    assert _options(page, "Retroattività") == ["illimitata"]
    assert page.get_by_label("Retroattività").input_value() == "illimitata"
    assert _options(page, "Ultrattività / postuma dopo la cessazione") == ["10"]
    assert _options(page, "Massimale")[0] == "500000"
    assert page.get_by_text("Per gli avvocati la retroattività è illimitata").count() == 1
    screenshot(page, "01-lawyer-terms")
    page.get_by_label("Massimale").select_option("500000")
    page.get_by_label("Franchigia").select_option("1000")
    page.get_by_label("Frazionamento").select_option("1")
    page.get_by_role("button", name="Calcola il premio").click()
    page.get_by_role("link", name="Scarica PDF").wait_for()
    assert page.get_by_text("Illimitata").count() >= 1
