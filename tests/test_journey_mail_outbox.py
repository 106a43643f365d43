"""Browser journeys of the demo without the console: the administrator opens *Posta inviata*,
reads the signing e-mail sent to a client and follows its link to the signing page; a
collaborator adds a client from the quote form and comes back to it."""

import re

import pytest
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from polis.accounts.models import User
from polis.accounts.tests.factories import PASSWORD, UserFactory
from polis.clients.tests.factories import ClientFactory
from polis.clients.tests.test_clients import valid_cf
from polis.practices import services as practices
from polis.quotes import services as quotes
from polis.quotes.tests.factories import demo_product
from polis.quotes.tests.test_quotes import ARCHITECT
from polis.signatures.tests.support import send

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_admin_opens_the_signing_link_from_posta_inviata(
    browser_page, screenshot, live_server, settings
):
    settings.SITE_URL = live_server.url
    page = browser_page
    user = UserFactory(email="agente@example.it")
    client = ClientFactory(created_by=user, first_name="Lucia", last_name="Ferri")
    quote = quotes.create_quote(
        actor=user,
        client=client,
        product=demo_product("RCP"),
        answers=ARCHITECT,
        effective_date=timezone.localdate(),
    )
    practice = practices.issue_practice(
        actor=user, practice=practices.convert_quote(actor=user, quote=quote)
    )
    send(user, practice)
    admin = UserFactory(role=User.Role.ADMIN, email="admin@example.it", with_totp=True)

    page.goto("/accedi/")
    page.get_by_label("E-mail").fill(admin.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Accedi").click()
    device = TOTPDevice.objects.get(user=admin)
    page.get_by_label("Codice a 6 cifre").fill(f"{totp(device.bin_key):06d}")
    page.get_by_role("button", name="Verifica").click()

    page.get_by_role("link", name="Posta inviata").click()
    row = page.get_by_role("row").filter(has_text=client.email)
    screenshot(page, "01-posta-inviata")
    row.get_by_role("link", name=re.compile("^Documento")).click()
    page.get_by_text(client.email).wait_for()
    body = page.frame_locator('[data-testid="mail-body"]')
    screenshot(page, "02-signing-email")
    with page.context.expect_page() as opened:
        body.get_by_role("link", name=re.compile("firma", re.IGNORECASE)).first.click()
    signing = opened.value
    signing.wait_for_load_state()
    assert re.search(r"/firma/[^/]+/$", signing.url)
    signing.get_by_role("heading", name=re.compile("Contratto di polizza")).wait_for()
    screenshot(signing, "03-signing-page")


def test_a_client_added_from_the_quote_form_comes_back_chosen(browser_page, screenshot):
    page = browser_page
    demo_product("RCP")
    user = UserFactory(email="agente@example.it")
    page.goto("/accedi/")
    page.get_by_label("E-mail").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Accedi").click()
    page.get_by_role("button", name=user.get_full_name()).wait_for()

    page.goto("/preventivi/nuovo/RCP/")
    page.get_by_role("link", name="Il cliente non c'è? Aggiungilo").click()
    page.get_by_label("Nome", exact=True).fill("Anna")
    page.get_by_label("Cognome").fill("Gialli")
    page.get_by_label("Codice fiscale").fill(valid_cf())
    page.get_by_label("Data di nascita").fill("1980-01-01")
    page.get_by_label("Sesso").select_option("F")
    page.get_by_label("E-mail").fill("anna.gialli@example.it")
    page.get_by_label("Cellulare").fill("347 123 4567")
    page.get_by_label("Indirizzo").fill("Via Po 3")
    page.get_by_label("CAP").fill("00198")
    page.get_by_label("Comune").fill("Roma")
    page.get_by_label("Provincia").fill("RM")
    page.get_by_label(re.compile("ha ricevuto l'informativa privacy")).check()
    page.get_by_role("button", name="Salva").click()

    page.get_by_text("Cliente salvato.").wait_for()
    assert "/preventivi/nuovo/RCP/" in page.url
    chosen = page.locator("select[name=client] option:checked").inner_text()
    assert "Gialli" in chosen
    screenshot(page, "01-back-on-the-quote-form")
