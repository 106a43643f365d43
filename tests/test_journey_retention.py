"""Browser journey: a client unsubscribes from marketing with the link of an e-mail, on a phone
(one click and a confirmation, no login); the operator reads the retention job's report."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from polis.accounts.models import User
from polis.accounts.tests.factories import PASSWORD, UserFactory
from polis.clients.models import Client
from polis.clients.tests.factories import ClientFactory
from polis.notify.services import queue_email
from polis.retention.services import purge_expired
from polis.retention.tests.support import make_quote

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 740}


def test_unsubscribing_by_email_and_the_retention_report(
    browser_page, screenshot, live_server, settings
):
    settings.SITE_URL = live_server.url
    page = browser_page
    agent = UserFactory(email="agente@example.it")
    person = ClientFactory(created_by=agent, marketing_consent_at=timezone.now())
    email = queue_email(to=person.email, template="privacy_extended", context={})
    link = re.search(r"https?://\S+/privacy/disiscrizione/\S+/", email.body_text).group(0)

    # The client, on his phone, follows the e-mail's link, then confirms.
    page.set_viewport_size(PHONE)
    page.goto(link)
    page.get_by_role("heading", name="Non vuoi ricevere comunicazioni commerciali?").wait_for()
    screenshot(page, "01-unsubscribe-phone")
    page.get_by_role("button", name="Conferma la disiscrizione").click()
    page.get_by_role("heading", name="Disiscrizione confermata").wait_for()
    screenshot(page, "02-unsubscribed-phone")
    assert Client.objects.get(pk=person.pk).marketing_consent_at is None

    # The nightly job has run: an old quote of another client was deleted.
    make_quote(
        ClientFactory(created_by=agent), valid_until=timezone.localdate() - timedelta(days=800)
    )
    purge_expired()

    # The operator reads the report.
    operator = UserFactory(role=User.Role.OPERATOR, email="operatore@example.it", with_totp=True)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto("/accedi/")
    page.get_by_label("E-mail").fill(operator.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Accedi").click()
    device = TOTPDevice.objects.get(user=operator)
    page.get_by_label("Codice a 6 cifre").fill(f"{totp(device.bin_key):06d}")
    page.get_by_role("button", name="Verifica").click()
    page.get_by_role("link", name="Conservazione dati").first.click()
    page.get_by_role("heading", name="Classi di conservazione").wait_for()
    screenshot(page, "03-retention-overview")
    page.get_by_role("link", name=timezone.localdate().strftime("%d/%m/%Y")).click()
    row = page.get_by_role("row").filter(has_text="Preventivi non trasformati in pratica")
    assert "1 cancellato" in row.inner_text()
    screenshot(page, "04-retention-report")
    with page.expect_download() as download:
        page.get_by_role("link", name="Scarica CSV").click()
    assert download.value.suggested_filename.startswith("conservazione-")
    page.set_viewport_size(PHONE)
    screenshot(page, "05-retention-report-phone")
