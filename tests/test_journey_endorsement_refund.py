"""Browser journey: a variazione lowers the premium of a paid policy; the collaborator gives the
client's IBAN on the variazione's page, the operator puts the refund in a SEPA distinta and
confirms it sent, and only then is the refund posted and the variazione shown as refunded."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from polis.accounting.models import Payout, Transaction
from polis.accounts.models import User
from polis.accounts.tests.factories import PASSWORD, UserFactory
from polis.practices import services
from polis.practices.models import Practice
from polis.practices.tests.factories import signed_practice
from polis.practices.tests.test_completion import receipt
from polis.practices.tests.test_endorsements import LOWER_LIMIT, _effective

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
CLIENT_IBAN = "IT42L1234512345123456789012"


def _login(page, user, *, totp_device=False):
    page.goto("/accedi/")
    page.get_by_label("E-mail").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Accedi").click()
    if totp_device:
        device = TOTPDevice.objects.get(user=user)
        page.get_by_label("Codice a 6 cifre").fill(f"{totp(device.bin_key):06d}")
        page.get_by_role("button", name="Verifica").click()


def test_a_return_premium_goes_to_the_client_by_sepa(browser_page, screenshot):
    page = browser_page
    agent = UserFactory(email="agente@example.it")
    operator = UserFactory(role=User.Role.OPERATOR, email="operatore@example.it", with_totp=True)
    start = timezone.localdate() - timedelta(days=100)
    practice = signed_practice(
        agent,
        status=Practice.Status.IN_FORCE,
        effective_date=start,
        end_date=start + timedelta(days=365),
    )
    payment = services.record_payment(
        actor=agent,
        practice=practice,
        method="transfer",
        paid_on=timezone.localdate(),
        amount=practice.instalments[0],
        receipt=receipt(),
    )
    services.verify_payment(actor=operator, payment=payment)
    endorsement = _effective(agent, practice, LOWER_LIMIT)
    refund = -endorsement.difference_gross
    assert refund > Decimal(0)

    # The collaborator sees the refund to ask for and gives the client's IBAN.
    _login(page, agent)
    page.goto("/dashboard/")
    page.get_by_test_id("endorsements-due").get_by_role("link").first.click()
    assert page.get_by_test_id("premium-change-status").inner_text().startswith("Rimborso da")
    page.get_by_label("IBAN del cliente").fill("IT00 1234")
    page.get_by_role("button", name="Chiedi il rimborso").click()
    page.get_by_text("IBAN non valido").wait_for()
    page.get_by_label("IBAN del cliente").fill("it42 l123 4512 3451 2345 6789 012")
    page.get_by_role("button", name="Chiedi il rimborso").click()
    page.get_by_text("Rimborso chiesto").wait_for()
    status = page.get_by_test_id("premium-change-status").inner_text()
    assert status == "Rimborso da mettere in distinta SEPA"
    screenshot(page, "01-refund-asked")
    assert not Transaction.objects.filter(kind="refund").exists()

    # The operator exports the refunds' distinta and confirms it sent to the bank.
    page.context.clear_cookies()
    _login(page, operator, totp_device=True)
    page.goto("/contabilita/pagamenti/")
    page.get_by_role("button", name="Distinta: rimborso di premio").click()
    page.get_by_text("Distinta SEPA creata").wait_for()
    screenshot(page, "02-refund-batch")
    assert not Transaction.objects.filter(kind="refund").exists()  # exported is not paid
    page.get_by_role("button", name="Conferma: distinta inviata alla banca").click()
    page.get_by_test_id("batch-status").filter(has_text="Inviata").wait_for()

    posted = Transaction.objects.get(kind="refund")
    assert posted.practice_id == practice.pk
    assert Payout.objects.get().iban == CLIENT_IBAN
    page.goto(f"/variazioni/{endorsement.pk}/")
    assert page.get_by_test_id("premium-change-status").inner_text() == "Rimborsato"
    screenshot(page, "03-refunded")
