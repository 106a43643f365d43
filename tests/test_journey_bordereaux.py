"""Browser journey: the operator lists the bordereaux, generates last month's risk/premium
bordereau for the insurer, sees the mandatory-field check and downloads the XLSX."""

import datetime
import io
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from openpyxl import load_workbook

from polis.accounts.models import User
from polis.accounts.tests.factories import PASSWORD, UserFactory
from polis.bordereaux.standards import RISK_PREMIUM
from polis.bordereaux.tests.support import full_binder
from polis.practices.models import Practice
from polis.practices.tests.factories import PracticeFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 360, "height": 780}


def test_an_operator_generates_a_bordereau_and_downloads_its_xlsx(browser_page, screenshot):
    page = browser_page
    insurer = full_binder().insurer
    last_month = timezone.localdate().replace(day=1) - datetime.timedelta(days=1)
    practice = PracticeFactory(
        created_by=UserFactory(email="agente@example.it"),
        status=Practice.Status.ISSUED,
        issued_at=datetime.datetime.combine(
            last_month, datetime.time(10), tzinfo=ZoneInfo("Europe/Rome")
        ),
    )
    operator = UserFactory(role=User.Role.OPERATOR, email="operatore@example.it", with_totp=True)

    page.goto("/accedi/")
    page.get_by_label("E-mail").fill(operator.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Accedi").click()
    device = TOTPDevice.objects.get(user=operator)
    page.get_by_label("Codice a 6 cifre").fill(f"{totp(device.bin_key):06d}")
    page.get_by_role("button", name="Verifica").click()

    page.get_by_role("link", name="Bordereaux").first.click()
    page.get_by_role("heading", name="Bordereaux alle compagnie").wait_for()
    page.get_by_text("Nessun bordereau.").wait_for()
    page.get_by_label("Compagnia").first.select_option(str(insurer.pk))
    page.get_by_label("Bordereau").first.select_option("risk")
    assert page.get_by_label("Mese").first.input_value() == f"{last_month:%Y-%m}"
    page.get_by_role("button", name="Genera").click()

    page.get_by_text("Tutti i campi obbligatori sono compilati").wait_for()
    assert page.get_by_text("Completo").is_visible()
    screenshot(page, "01-bordereau-desktop")
    with page.expect_download() as download:
        page.get_by_role("link", name="Scarica XLSX").click()
    sheet = load_workbook(io.BytesIO(open(download.value.path(), "rb").read())).active
    assert [c.value for c in sheet[1]] == [c.title for c in RISK_PREMIUM]
    assert practice.policy_number in [c.value for c in sheet[2]]

    page.get_by_role("link", name="← Bordereaux").click()
    page.get_by_role("cell", name="Rischi e premi").wait_for()
    screenshot(page, "02-bordereaux-list-desktop")
    page.set_viewport_size(PHONE)
    screenshot(page, "03-bordereaux-list-phone")
    page.locator("tbody a").first.click()
    page.get_by_text("Tutti i campi obbligatori sono compilati").wait_for()
    screenshot(page, "04-bordereau-phone")
