"""Browser journey: a firm's administrator uploads an existing portfolio → the dry run's report
per row and field → confirms → the import's progress ends done → the imported policy, with its
own number, is in Pratiche in scadenza with its RINNOVA button."""

import pytest

from polis.accounts.tests.factories import PASSWORD, UserFactory
from polis.portfolio.tests.factories import csv_bytes, row
from polis.practices.models import Practice
from polis.quotes.tests.factories import demo_product

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_upload_dry_run_confirm_progress_done(browser_page, screenshot):
    page = browser_page
    demo_product("RCP")
    admin = UserFactory(email="titolare@example.it", first_name="Marco", is_firm_admin=True)
    data = csv_bytes(
        [row(1), row(2, premio_lordo="2.350,00"), row(3, codice_fiscale="BNCLRA80A41Z003X")]
    )

    page.goto("/accedi/")
    page.get_by_label("E-mail").fill(admin.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Accedi").click()
    page.get_by_role("link", name="Importa portafoglio").first.click()
    page.get_by_role("link", name="Modello Excel (XLSX)").wait_for()
    page.get_by_label("File del portafoglio (CSV o XLSX)").set_input_files(
        {"name": "portafoglio.csv", "mimeType": "text/csv", "buffer": data}
    )
    page.get_by_label("Dichiaro che i clienti del file").check()
    screenshot(page, "01-upload")
    page.get_by_role("button", name="Verifica il file").click()

    # the dry run's report: one row with an error on its field, nothing written yet
    page.get_by_text("Verificato: da confermare").wait_for()
    assert page.locator("#valid-rows").inner_text() == "2"
    assert page.locator("#error-rows").inner_text() == "1"
    report = page.locator("#report").inner_text()
    assert "codice_fiscale" in report
    assert "Codice fiscale non valido." in report
    assert not Practice.objects.exists()
    screenshot(page, "02-dry-run")
    desktop = page.viewport_size
    page.set_viewport_size({"width": 360, "height": 780})
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(page, "03-dry-run-phone")
    page.set_viewport_size(desktop)

    page.get_by_role("button", name="Conferma e importa 2 righe").click()
    page.get_by_text("Importato", exact=True).wait_for()
    assert page.get_by_role("progressbar").get_attribute("aria-valuenow") == "100"
    assert page.locator("#created-policies").inner_text() == "2"
    screenshot(page, "04-done")
    page.set_viewport_size({"width": 360, "height": 780})
    screenshot(page, "05-done-phone")
    page.set_viewport_size(desktop)

    page.get_by_role("link", name="Vai alle pratiche in scadenza").click()
    line = page.get_by_role("row").filter(has_text="VEC-000001")
    line.wait_for()
    assert "Bianchi Laura" in line.inner_text()
    screenshot(page, "06-expiring")
