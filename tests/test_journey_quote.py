"""Browser journey: FAI PREVENTIVO, the priced quote and its PDF, then the issued policy."""

import subprocess

import pytest

from polis.accounts.tests.factories import PASSWORD, UserFactory
from polis.clients.tests.factories import ClientFactory
from polis.quotes.tests.factories import demo_product

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_fai_preventivo_end_to_end(browser_page, screenshot, tmp_path):
    page = browser_page
    user = UserFactory(email="agente@example.it", first_name="Marco")
    ClientFactory(created_by=user, first_name="Lucia", last_name="Ferri")
    demo_product("RCP")

    page.goto("/accedi/")
    page.get_by_label("E-mail").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Accedi").click()
    page.get_by_role("link", name="FAI PREVENTIVO").click()
    page.get_by_role("link", name="Prodotto RCP").click()
    page.get_by_label("Cliente").select_option(label="Ferri Lucia")
    page.get_by_label("Professione").select_option("TEC-B")
    page.get_by_label("Fatturato dell'ultimo esercizio").select_option("F2")
    page.get_by_label("Massimale").select_option("500000")
    page.get_by_label("Franchigia").select_option("2500")
    page.get_by_label("Retroattività").select_option("5")
    page.get_by_label("Frazionamento").select_option("2")
    screenshot(page, "01-questionnaire")
    page.get_by_role("button", name="Calcola il premio").click()
    screenshot(page, "02a-after-submit")

    page.get_by_text("€ 843,34").first.wait_for()
    # the client reads the tax rate and each instalment, no tariff codes (issue #17 §7)
    assert page.get_by_text("aliquota 22,25 % sul premio netto").count() == 1
    assert page.get_by_text("Rata 2 di 2").count() == 1
    assert page.get_by_text("€ 421,67").count() == 2
    assert page.get_by_text("TEC-B").count() == 0
    screenshot(page, "02-priced-quote")
    with page.expect_download() as download:
        page.get_by_role("link", name="Scarica PDF").click()
    pdf = tmp_path / "preventivo.pdf"
    download.value.save_as(pdf)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, check=True).stdout
    assert b"843,34" in text
    assert b"Rata 2 di 2" in text
    assert b"22,25 %" in text.replace(b"\xc2\xa0", b" ")
    assert b"TEC-B" not in text
    assert b"Professione: Architetto, ingegnere" in text
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "03-priced-quote-phone")
    page.set_viewport_size({"width": 1280, "height": 800})

    # The quote becomes a practice and the policy is issued within the automatic limits.
    page.get_by_role("button", name="Trasforma in pratica").click()
    page.get_by_role("button", name="Emetti polizza").click()
    page.get_by_text("Polizza emessa.").wait_for()
    assert page.get_by_text("Emessa", exact=True).count() == 1
    screenshot(page, "04-issued-practice")
    with page.expect_download() as contract:
        page.get_by_role("link", name="Scarica").first.click()
    assert contract.value.suggested_filename.startswith("contratto-RCP-")
