"""Browser journey (issue 24): the operator makes an API key for an insurer's claims desk (its
secret shown once), registers a webhook to a receiver, and sees a delivery in the log."""

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from polis.accounts.models import User
from polis.accounts.tests.factories import PASSWORD, UserFactory
from polis.claims.tests.support import open_claim_on, policy_in_force
from tests.servers import webhook_receiver

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_key_shown_once_and_a_webhook_delivered(browser_page, screenshot, settings):
    settings.WEBHOOK_ALLOW_LOCAL = True
    page = browser_page
    operator = UserFactory(role=User.Role.OPERATOR, email="operatore@example.it", with_totp=True)
    desk = UserFactory(
        role=User.Role.ADJUSTER, email="sinistri@compagnia.example", first_name="Ufficio"
    )
    agent = UserFactory(email="agente@example.it")
    policy = policy_in_force(agent)

    page.goto("/accedi/")
    page.get_by_label("E-mail").fill(operator.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Accedi").click()
    device = TOTPDevice.objects.get(user=operator)
    page.get_by_label("Codice a 6 cifre").fill(f"{totp(device.bin_key):06d}")
    page.get_by_role("button", name="Verifica").click()

    # the key: for the insurer's claims desk, its claims only
    page.goto("/integrazioni/chiavi/")
    page.get_by_role("link", name="Nuova chiave").click()
    page.get_by_label("Nome").fill("Sistema sinistri")
    page.get_by_label("Agisce come").select_option(str(desk.pk))
    page.get_by_label("Leggere sinistri e documenti").check()
    page.get_by_label("Aprire e lavorare sinistri").check()
    page.get_by_label("Solo la compagnia").select_option(str(policy.product.insurer_id))
    screenshot(page, "01-key-form")
    page.get_by_role("button", name="Crea la chiave").click()
    page.get_by_text("Copiala adesso: non sarà più mostrata.").wait_for()
    secret = page.get_by_label("Segreto").input_value()
    assert secret.startswith("polis_")
    screenshot(page, "02-key-secret")
    page.get_by_role("link", name="Ho copiato il segreto").click()
    page.get_by_text("Ruota il segreto").wait_for()
    assert secret not in page.content()
    answer = page.request.get("/api/claims", headers={"Authorization": f"Bearer {secret}"})
    assert answer.status == 200

    with webhook_receiver() as receiver:
        page.goto("/integrazioni/webhook/")
        page.get_by_role("link", name="Nuovo webhook").click()
        page.get_by_label("Nome").fill("Gestionale MGA")
        page.get_by_label("Indirizzo HTTPS").fill(receiver.url)
        page.get_by_label("Agisce come").select_option(str(operator.pk))
        page.get_by_label("Sinistro aperto").check()
        page.get_by_role("button", name="Registra il webhook").click()
        page.get_by_text("Copiala adesso: non sarà più mostrata.").wait_for()
        assert page.get_by_label("Segreto").input_value().startswith("whsec_")
        page.get_by_role("link", name="Ho copiato il segreto").click()

        claim = open_claim_on(agent, policy)  # delivered once committed
        page.reload()
        row = page.get_by_role("row").filter(has_text="Sinistro aperto")
        row.get_by_text("Consegnato").wait_for()
        assert "200" in row.inner_text()
        assert [r["headers"]["webhook-id"] for r in receiver.received]
        assert claim.number.encode() in receiver.received[0]["body"]
        screenshot(page, "03-webhook-log")
        page.set_viewport_size({"width": 360, "height": 800})
        screenshot(page, "04-webhook-log-phone")
        page.goto("/integrazioni/chiavi/")
        screenshot(page, "05-keys-phone")
