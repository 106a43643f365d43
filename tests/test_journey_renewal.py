"""Browser journey: a signed practice → payment recorded → in force → in the expiring list near
its end → Rinnova → the renewal, re-rated with next year's tariff, shows the difference."""

from datetime import timedelta

import pytest
from django.utils import timezone

from polis.accounts.tests.factories import PASSWORD, UserFactory
from polis.clients.tests.factories import ClientFactory
from polis.documents.tests.test_validation import pdf_bytes
from polis.practices.models import Practice
from polis.practices.tests.factories import PracticeFactory
from polis.practices.tests.test_renewals import next_year_tariff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_payment_in_force_expiring_and_renewed(browser_page, screenshot):
    page = browser_page
    user = UserFactory(email="agente@example.it", first_name="Marco")
    end = timezone.localdate() + timedelta(days=20)
    practice = PracticeFactory(
        created_by=user,
        client=ClientFactory(created_by=user, first_name="Lucia", last_name="Ferri"),
        effective_date=end - timedelta(days=365),
        end_date=end,
        policy_number="RCP-2026-000042",
    )
    next_year_tariff(practice.product, valid_from=end)

    page.goto("/accedi/")
    page.get_by_label("E-mail").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Accedi").click()
    page.goto(f"/pratiche/{practice.pk}/")
    page.get_by_text("Registra il pagamento della rata 1 di 2: € 421,67").wait_for()
    assert "€ 103,48" in page.get_by_text("Provvigione del collaboratore").inner_text()
    page.get_by_label("Modalità di pagamento").select_option(label="Bonifico")
    assert page.get_by_label("Importo (€)").input_value() == "421,67"
    page.get_by_label("Ricevuta").set_input_files(
        {"name": "ricevuta.pdf", "mimeType": "application/pdf", "buffer": pdf_bytes()}
    )
    screenshot(page, "01-payment")
    page.get_by_role("button", name="Registra pagamento").click()
    page.get_by_text("Pagamento registrato: la polizza è in vigore.").wait_for()
    assert page.get_by_text("In vigore", exact=True).count() == 1
    screenshot(page, "02-in-force")

    page.get_by_role("link", name="Pratiche e preventivi").first.click()
    page.get_by_role("link", name="Pratiche in scadenza").click()
    row = page.get_by_role("row").filter(has_text="RCP-2026-000042")
    row.wait_for()
    # the window is visible and starts at 60 days
    assert page.get_by_label("Scadenza entro").input_value() == "60"
    assert "Ferri Lucia" in row.inner_text()
    screenshot(page, "03-expiring")
    # on a phone the table scrolls in its own box: the page does not scroll sideways
    desktop = page.viewport_size
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") == 390
    screenshot(page, "03b-expiring-phone")
    page.set_viewport_size(desktop)
    row.get_by_role("button", name="Rinnova").click()

    page.get_by_text("Rinnovo preparato per il nuovo periodo").wait_for()
    assert page.get_by_test_id("premium-difference").inner_text() == "+ € 18,97"
    assert page.get_by_text("Bozza", exact=True).count() == 1
    screenshot(page, "04-renewal")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "05-renewal-phone")
    renewal = Practice.objects.get(renewal_of=practice)
    assert (renewal.effective_date, renewal.tariff.version) == (end, "2027-01")

    # The client now wants a higher limit: the renewal is re-rated, the difference follows.
    page.set_viewport_size({"width": 1280, "height": 800})
    page.get_by_text("Modifica il questionario del rinnovo").click()
    page.get_by_label("Massimale").select_option("1000000")
    page.get_by_role("button", name="Ricalcola il premio").click()
    page.get_by_text("Premio di rinnovo ricalcolato").wait_for()
    renewal.refresh_from_db()
    assert renewal.answers["limit"] == "1000000"
    difference = f"+ € {renewal.gross - practice.gross:.2f}".replace(".", ",")
    assert page.get_by_test_id("premium-difference").inner_text() == difference
    assert (
        "Massimale: € 500.000 → € 1.000.000" in page.get_by_test_id("renewal-changes").inner_text()
    )
    screenshot(page, "06-renewal-changed")
