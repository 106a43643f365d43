"""The pages of perfezionamento, commissions and renewals."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from polis.documents.tests.test_validation import pdf_bytes
from polis.practices.models import Payment, Practice
from polis.practices.tests.factories import PracticeFactory
from polis.practices.tests.test_completion import pay

pytestmark = pytest.mark.django_db
S = Practice.Status


def payment_data(**overrides):
    return {
        "method": "pos",
        "paid_on": timezone.localdate().isoformat(),
        "amount": "421,67",
        "receipt": SimpleUploadedFile("ricevuta.pdf", pdf_bytes()),
        **overrides,
    }


def test_the_collaborator_records_the_payment_from_the_practice(client_for, collaborator_a):
    # given
    practice = PracticeFactory(created_by=collaborator_a)
    page = client_for(collaborator_a)
    detail = page.get(reverse("practices:detail", args=[practice.pk])).content.decode()
    assert "Registra il pagamento della rata 1 di 2: € 421,67" in detail
    assert "Provvigione del collaboratore: <strong>€ 103,48</strong>" in detail
    # when
    wrong = page.post(
        reverse("practices:record_payment", args=[practice.pk]), payment_data(amount="400")
    )
    right = page.post(reverse("practices:record_payment", args=[practice.pk]), payment_data())
    # then
    assert wrong.status_code == 422
    assert "deve essere uguale alla rata dovuta" in wrong.content.decode()
    assert right["Location"] == reverse("practices:detail", args=[practice.pk])
    practice.refresh_from_db()
    assert practice.status == S.IN_FORCE
    after = page.get(right["Location"]).content.decode()
    assert "Pagamento registrato: la polizza è in vigore." in after
    assert "Registra il pagamento della rata 2 di 2" in after
    receipt = page.get(reverse("practices:payment_receipt", args=[practice.payments.get().pk]))
    assert b"".join(receipt.streaming_content).startswith(b"%PDF-")


def test_operators_check_payments_from_their_queue(client_for, collaborator_a, operator):
    # given
    first = pay(collaborator_a, PracticeFactory(created_by=collaborator_a))
    second = pay(collaborator_a, PracticeFactory(created_by=collaborator_a))
    staff = client_for(operator)
    queue = staff.get(reverse("practices:payments_queue"))
    assert [p.pk for p in queue.context["page"]] == [first.pk, second.pk]
    # when
    staff.post(reverse("practices:verify_payment", args=[first.pk]))
    staff.post(reverse("practices:reject_payment", args=[second.pk]), {"reason": ""})
    kept = Payment.objects.get(pk=second.pk).status
    staff.post(
        reverse("practices:reject_payment", args=[second.pk]),
        {"reason": "Ricevuta illeggibile", "next": reverse("practices:payments_queue")},
    )
    # then
    assert kept == Payment.Status.TO_VERIFY
    assert Payment.objects.get(pk=first.pk).status == Payment.Status.VERIFIED
    assert Payment.objects.get(pk=second.pk).status == Payment.Status.REJECTED
    assert list(staff.get(reverse("practices:payments_queue")).context["page"]) == []
    detail = client_for(collaborator_a).get(reverse("practices:detail", args=[second.practice_id]))
    assert "Ricevuta illeggibile" in detail.content.decode()
    assert "Registra il pagamento della rata 1 di 2" in detail.content.decode()


def test_rinnova_from_the_renewals_search(client_for, collaborator_a, collaborator_b):
    # given
    end = timezone.localdate() + timedelta(days=15)
    old = PracticeFactory(
        created_by=collaborator_a,
        status=S.IN_FORCE,
        effective_date=end - timedelta(days=365),
        end_date=end,
        gross=Decimal("800.00"),
    )
    far = PracticeFactory(created_by=collaborator_a, status=S.IN_FORCE)
    page = client_for(collaborator_a)
    listing = page.get(reverse("practices:renewals"))
    assert [p.pk for p in listing.context["page"]] == [old.pk]
    assert list(client_for(collaborator_b).get(reverse("practices:renewals")).context["page"]) == []
    # when
    response = page.post(reverse("practices:renew", args=[old.pk]))
    refused = page.post(reverse("practices:renew", args=[far.pk]), HTTP_REFERER="/rinnovi/")
    # then
    renewal = Practice.objects.get(renewal_of=old)
    assert response["Location"] == reverse("practices:detail", args=[renewal.pk])
    detail = page.get(response["Location"]).content.decode()
    assert "Rinnovo della polizza" in detail
    assert "+ € 43,34" in detail
    assert renewal.effective_date == end
    assert refused["Location"] == "/rinnovi/"
    assert list(page.get(reverse("practices:renewals")).context["page"]) == []


def test_the_dashboards_show_expiring_practices_and_payments_to_verify(
    client_for, collaborator_a, operator
):
    # given
    end = timezone.localdate() + timedelta(days=5)
    practice = PracticeFactory(
        created_by=collaborator_a, effective_date=end - timedelta(days=365), end_date=end
    )
    pay(collaborator_a, practice)
    # when
    mine = client_for(collaborator_a).get(reverse("web:dashboard"))
    staff = client_for(operator).get(reverse("web:dashboard"))
    # then
    assert [p.pk for p in mine.context["expiring_soon"]] == [practice.pk]
    assert "5 giorni" in mine.content.decode()
    assert staff.context["payments_to_verify"] == 1
