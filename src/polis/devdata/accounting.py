"""Demo money: the demo practices' premiums in the ledger, a remittance paid and one to pay,
and the firm's commissions ready for a SEPA batch. Through the services, once."""

from datetime import timedelta

from django.utils import timezone

from polis.accounting import services
from polis.accounting.models import Transaction
from polis.accounting.services import Subject
from polis.accounts.models import Firm, User
from polis.catalog.models import Insurer
from polis.core.errors import DomainError
from polis.practices.models import Payment, Practice
from polis.practices.selectors import mga_commission
from polis.practices.services import verify_payment

DEMO_IBAN = "IT60X0542811101000000123456"


def install_demo_money() -> None:
    """The payments waiting for the MGA verified (which posts them); the older demo policies'
    premiums posted as collected on their start date; what is older than a month remitted and
    paid, the rest of last month put in a remittance to pay."""
    if Transaction.objects.exists():
        return
    operator = User.objects.get(email="operatore@polis.local")
    for payment in Payment.objects.filter(status=Payment.Status.TO_VERIFY):
        verify_payment(actor=operator, payment=payment)
    today = timezone.localdate()
    older = Practice.objects.filter(
        status__in=[Practice.Status.IN_FORCE, Practice.Status.EXPIRED], payments__isnull=True
    ).select_related("product__insurer", "firm")
    for practice in older:
        services.post_premium_collected(
            actor=operator,
            subject=Subject("practice", practice.pk, f"{practice} premio", practice_id=practice.pk),
            insurer=practice.product.insurer,
            firm=practice.firm,
            gross=practice.gross,
            commission=practice.commission,
            tax=practice.tax,
            mga_commission=mga_commission(practice),
            received_on=min(practice.effective_date, today - timedelta(days=1)),
        )
    periods = ((today - timedelta(days=35), True), (today - timedelta(days=2), False))
    for insurer in Insurer.objects.filter(pk__in=older.values("product__insurer")):
        for period_end, paid in periods:
            try:
                remittance = services.prepare_remittance(
                    actor=operator, insurer=insurer, period_end=period_end
                )
            except DomainError:  # nothing collected in that period
                continue
            if paid:
                services.confirm_remittance(
                    actor=operator,
                    remittance=remittance,
                    paid_on=period_end + timedelta(days=10),
                    bank_reference=f"CRO{remittance.pk:08d}",
                )
    for firm in Firm.objects.filter(pk__in=older.values("firm")):
        services.set_payee_iban(actor=operator, firm=firm, iban=DEMO_IBAN)
        services.create_commission_payout(actor=operator, firm=firm)
