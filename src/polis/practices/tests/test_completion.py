"""Perfezionamento: payments put a signed practice in force; operators verify or reject them."""

import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.utils import timezone

from polis.audit.models import AuditEvent
from polis.core.errors import DomainError, InvalidTransition, PermissionDenied
from polis.documents.tests.test_validation import pdf_bytes
from polis.ledger.models import LedgerEntry
from polis.notify.models import OutboundMessage
from polis.practices import services
from polis.practices.models import Payment, Practice
from polis.practices.tests.factories import PracticeFactory

pytestmark = pytest.mark.django_db
S = Practice.Status
FIRST = Decimal("421.67")


def receipt(name="ricevuta.pdf", data=None):
    return SimpleUploadedFile(name, pdf_bytes() if data is None else data)


def pay(actor, practice, amount=FIRST, **overrides):
    return services.record_payment(
        actor=actor,
        practice=practice,
        **{
            "method": "transfer",
            "paid_on": timezone.localdate(),
            "amount": amount,
            "receipt": receipt(),
            **overrides,
        },
    )


@pytest.fixture
def signed(collaborator_a):
    return PracticeFactory(created_by=collaborator_a)


def test_the_first_payment_of_a_signed_practice_puts_it_in_force(collaborator_a, signed):
    # when
    payment = pay(collaborator_a, signed)
    # then
    signed.refresh_from_db()
    assert signed.status == S.IN_FORCE
    assert signed.in_force_at is not None
    assert (payment.instalment, payment.status, payment.commission) == (
        1,
        Payment.Status.TO_VERIFY,
        Decimal("51.74"),
    )
    entry = LedgerEntry.objects.get(type="practice.in_force")
    assert (entry.ref, entry.sha256) == (str(signed.uuid), payment.receipt.sha256)


def test_the_commission_is_split_like_the_premium(signed):
    # then: 15% of the net 689,85 = 103,48, the first instalment takes the odd cent
    assert signed.commission == Decimal("103.48")
    assert signed.commission_shares == [Decimal("51.74"), Decimal("51.74")]
    assert signed.commission_rate == Decimal("0.15")


def test_an_amount_that_is_not_the_instalment_due_is_refused(collaborator_a, signed):
    # when / then
    with pytest.raises(DomainError, match="421,67") as refused:
        pay(collaborator_a, signed, amount=Decimal("843.34"))
    assert refused.value.field == "amount"
    signed.refresh_from_db()
    assert signed.status == S.SIGNED
    assert not Payment.objects.exists()


def test_each_instalment_is_paid_once_and_then_nothing_is_due(collaborator_a, signed):
    # given
    pay(collaborator_a, signed)
    second = pay(collaborator_a, signed)
    # when / then
    with pytest.raises(InvalidTransition, match="già stato pagato"):
        pay(collaborator_a, signed)
    assert second.instalment == 2
    assert LedgerEntry.objects.filter(type="practice.in_force").count() == 1


@pytest.mark.parametrize("status", [S.DRAFT, S.IN_REVIEW, S.ISSUED, S.SIGNING, S.EXPIRED])
def test_payments_wait_for_the_signed_contract(collaborator_a, status):
    # given
    practice = PracticeFactory(created_by=collaborator_a, status=status)
    # when / then
    with pytest.raises(InvalidTransition, match="contratto firmato"):
        pay(collaborator_a, practice)
    assert not Payment.objects.exists()


def test_bad_payments_change_nothing(collaborator_a, collaborator_b, operator, signed):
    # when / then
    with pytest.raises(DomainError, match="futuro"):
        pay(collaborator_a, signed, paid_on=timezone.localdate() + timedelta(days=1))
    with pytest.raises(DomainError, match="modalità"):
        pay(collaborator_a, signed, method="bitcoin")
    with pytest.raises(DomainError):
        pay(collaborator_a, signed, receipt=receipt("ricevuta.pdf", b"MZ\x90 not a document"))
    with pytest.raises(PermissionDenied):
        pay(collaborator_b, signed)
    with pytest.raises(PermissionDenied):
        pay(operator, signed)
    signed.refresh_from_db()
    assert signed.status == S.SIGNED
    assert not Payment.objects.exists()


def test_operator_verifies_a_payment_once(collaborator_a, operator, signed):
    # given
    payment = pay(collaborator_a, signed)
    # when
    with pytest.raises(PermissionDenied):
        services.verify_payment(actor=collaborator_a, payment=payment)
    verified = services.verify_payment(actor=operator, payment=payment)
    # then
    assert (verified.status, verified.checked_by) == (Payment.Status.VERIFIED, operator)
    with pytest.raises(InvalidTransition):
        services.reject_payment(actor=operator, payment=payment, reason="doppio")


def test_a_checked_payment_cannot_be_checked_again_and_stays_as_it_was(
    collaborator_a, operator, admin_user, signed
):
    # given
    payment = services.reject_payment(
        actor=operator, payment=pay(collaborator_a, signed), reason="Bonifico non pervenuto"
    )
    # when / then
    with pytest.raises(InvalidTransition) as refused:
        services.verify_payment(actor=admin_user, payment=payment)
    assert refused.value.message == "Il pagamento è già «Respinto»."
    row = Payment.objects.get(pk=payment.pk)
    assert (row.status, row.rejection_reason, row.checked_by) == (
        Payment.Status.REJECTED,
        "Bonifico non pervenuto",
        operator,
    )
    event = AuditEvent.objects.get(object_type="practices.payment", object_id=str(payment.pk))
    assert (event.action, event.actor, event.data) == (
        "practice.payment_rejected",
        operator,
        {
            "from": "to_verify",
            "to": "rejected",
            "instalment": 1,
            "reason": "Bonifico non pervenuto",
        },
    )


def test_a_rejected_payment_is_due_again_and_the_firm_is_told(collaborator_a, operator, signed):
    # given
    payment = pay(collaborator_a, signed)
    # when
    with pytest.raises(DomainError, match="motivo"):
        services.reject_payment(actor=operator, payment=payment, reason=" ")
    services.reject_payment(actor=operator, payment=payment, reason="Bonifico non pervenuto")
    # then
    signed.refresh_from_db()
    assert signed.status == S.SIGNED
    assert signed.in_force_at is None
    assert OutboundMessage.objects.filter(
        recipient=collaborator_a.email, subject__startswith="Pagamento respinto"
    ).exists()
    again = pay(collaborator_a, signed)
    assert again.instalment == 1
    signed.refresh_from_db()
    assert signed.status == S.IN_FORCE


def test_rejecting_a_later_instalment_keeps_the_practice_in_force(collaborator_a, operator, signed):
    # given
    pay(collaborator_a, signed)
    second = pay(collaborator_a, signed)
    # when
    services.reject_payment(actor=operator, payment=second, reason="Assegno scoperto")
    # then
    signed.refresh_from_db()
    assert signed.status == S.IN_FORCE
    assert pay(collaborator_a, signed).instalment == 2


def test_a_single_instalment_practice_is_paid_in_full(collaborator_a):
    # given
    practice = PracticeFactory(
        created_by=collaborator_a,
        answers={**PracticeFactory.answers.function(), "instalments": "1"},
    )
    # when
    payment = pay(collaborator_a, practice, amount=practice.gross)
    # then
    assert (payment.amount, payment.commission) == (practice.gross, practice.commission)


@pytest.mark.django_db(transaction=True)
def test_two_clicks_at_once_record_one_payment_per_instalment(collaborator_a):
    # given
    if connection.vendor != "postgresql":
        pytest.skip("concurrent row locks need PostgreSQL")
    practice = PracticeFactory(created_by=collaborator_a)
    barrier, recorded, errors = threading.Barrier(6), [], []

    def click():
        try:
            barrier.wait()
            recorded.append(pay(collaborator_a, practice).instalment)
        except DomainError as error:
            errors.append(error)
        finally:
            connection.close()

    # when
    threads = [threading.Thread(target=click) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # then: the two instalments once each, the other clicks refused
    assert sorted(recorded) == [1, 2]
    assert len(errors) == 4
    assert LedgerEntry.objects.filter(type="practice.in_force").count() == 1
