"""Browser journey: a premium from collection to remittance. The collaborator recorded the
client's payment; the operator verifies it (the premium enters the separate account), sees it
in Contabilità, prepares the insurer's remittance, reads its estratto conto and confirms the
payment."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from polis.accounting.models import Remittance
from polis.accounts.models import User
from polis.accounts.tests.factories import PASSWORD, UserFactory
from polis.core.amounts import italian_number
from polis.practices.selectors import mga_commission
from polis.practices.tests.factories import PracticeFactory
from polis.practices.tests.test_completion import pay

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _text(page, test_id: str) -> str:
    return page.get_by_test_id(test_id).inner_text().replace("\xa0", " ")


def test_a_premium_goes_from_collection_to_remittance(browser_page, screenshot):
    page = browser_page
    agent = UserFactory(email="agente@example.it")
    practice = PracticeFactory(created_by=agent)
    yesterday = timezone.localdate() - timedelta(days=1)
    pay(agent, practice, paid_on=yesterday)
    # what the insurer is owed: the instalment less the MGA's commission in it
    mga = practice.shares(mga_commission(practice))[0]
    net = f"€ {italian_number(practice.instalments[0] - mga)}"
    operator = UserFactory(role=User.Role.OPERATOR, email="operatore@example.it", with_totp=True)

    page.goto("/accedi/")
    page.get_by_label("E-mail").fill(operator.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Accedi").click()
    device = TOTPDevice.objects.get(user=operator)
    page.get_by_label("Codice a 6 cifre").fill(f"{totp(device.bin_key):06d}")
    page.get_by_role("button", name="Verifica").click()

    # collection: the operator verifies the payment that reached the separate account
    page.goto("/back-office/pagamenti/")
    page.get_by_role("button", name="Verifica").first.click()
    page.goto("/contabilita/")
    page.get_by_test_id("collected-total").wait_for()
    assert _text(page, "owed-total") == net
    page.set_viewport_size({"width": 1280, "height": 800})
    screenshot(page, "01-overview-desktop")
    page.set_viewport_size({"width": 360, "height": 800})
    screenshot(page, "02-overview-phone")

    # the remittance to the insurer, its estratto conto, its payment
    page.get_by_role("link", name="Rimesse", exact=True).click()
    page.get_by_label("Compagnia").select_option(label=practice.product.insurer.name)
    page.get_by_label("Incassi fino al").fill(yesterday.isoformat())
    page.get_by_role("button", name="Prepara la rimessa").click()
    page.get_by_text("Rimessa preparata").wait_for()
    assert _text(page, "net-due") == net
    assert _text(page, "mga-commission") == f"− € {italian_number(mga)}"
    assert page.get_by_role("link", name=f"{practice.policy_number} rata 1").is_visible()
    screenshot(page, "03-statement-phone")
    page.set_viewport_size({"width": 1280, "height": 800})
    screenshot(page, "04-statement-desktop")
    page.get_by_label("Riferimento del bonifico (CRO/TRN)").fill("CRO0001234")
    page.get_by_role("button", name="Conferma il pagamento della rimessa").click()
    page.get_by_text("Rimessa registrata come pagata.").wait_for()
    assert page.get_by_test_id("remittance-status").inner_text() == "Pagata"
    screenshot(page, "05-remittance-paid-desktop")
    assert Remittance.objects.get().status == Remittance.Status.PAID

    page.goto("/contabilita/")
    assert _text(page, "owed-total") == "€ 0,00"
