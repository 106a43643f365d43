"""Browser journey: a firm registers, an operator approves it, the collaborator enters."""

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from polis.accounts.models import User
from polis.accounts.tests.factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_register_approve_and_enter(browser_page, screenshot):
    page = browser_page
    operator = UserFactory(role=User.Role.OPERATOR, email="operatore@example.it", with_totp=True)

    # A newcomer finds "Registrati" on the home page and registers the firm.
    page.goto("/")
    screenshot(page, "01-home")
    page.get_by_role("link", name="Registrati").first.click()
    form = {
        "name": "Agenzia Serena S.r.l.",
        "partita_iva": "12345670157",
        "rui_number": "E000166166",
        "address": "Via Garibaldi 7",
        "city": "Genova",
        "postal_code": "16124",
        "province": "GE",
        "pec": "serena@pec.example.it",
        "first_name": "Serena",
        "last_name": "Gialli",
        "email": "serena@example.it",
        "password": "Cavallo-Batteria-42",
        "password_confirm": "Cavallo-Batteria-42",
    }
    for field, value in form.items():
        page.locator(f"#id_{field}").fill(value)
    page.get_by_label("Sezione RUI").select_option("E")
    page.get_by_label("Ho letto l'informativa privacy").check()
    screenshot(page, "02-register-filled")
    page.get_by_role("button", name="Invia la richiesta").click()
    page.get_by_role("heading", name="Richiesta inviata").wait_for()

    # Not approved yet: the password is right but the door stays closed.
    page.goto("/accedi/")
    page.get_by_label("E-mail").fill("serena@example.it")
    page.get_by_label("Password").fill("Cavallo-Batteria-42")
    page.get_by_role("button", name="Accedi").click()
    page.get_by_text("non è ancora approvata").wait_for()

    # The operator logs in with the second factor and approves.
    page.get_by_label("E-mail").fill(operator.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Accedi").click()
    device = TOTPDevice.objects.get(user=operator)
    page.get_by_label("Codice a 6 cifre").fill(f"{totp(device.bin_key):06d}")
    page.get_by_role("button", name="Verifica").click()
    page.get_by_text("registrazioni da approvare").wait_for()
    screenshot(page, "03-operator-dashboard")
    page.get_by_role("link", name="Registrazioni agenzie").click()
    page.get_by_role("link", name="Esamina").click()
    screenshot(page, "04-review")
    page.get_by_role("button", name="Approva").click()
    page.get_by_text("Agenzia approvata").wait_for()
    page.get_by_role("button", name=operator.get_full_name()).click()
    page.get_by_role("button", name="Esci").click()

    # The collaborator now enters and sees the dashboard's four actions.
    page.goto("/accedi/")
    page.get_by_label("E-mail").fill("serena@example.it")
    page.get_by_label("Password").fill("Cavallo-Batteria-42")
    page.get_by_role("button", name="Accedi").click()
    page.get_by_role("heading", name="Ciao Serena").wait_for()
    for action in (
        "AGGIUNGI PRATICA",
        "RINNOVA PRATICA",
        "FAI PREVENTIVO",
        "PRATICHE E PREVENTIVI",
    ):
        assert page.get_by_text(action, exact=True).count() >= 1
    screenshot(page, "05-collaborator-dashboard")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "06-collaborator-dashboard-phone")
