"""What the claim's page and e-mails say after closing, reopening, paying and a contested offer
(issue 19)."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from polis.claims import selectors, services
from polis.claims.models import Claim
from polis.core.workdays import add_working_days
from polis.notify.models import OutboundMessage
from polis.signatures import services as signatures
from polis.signatures.tests.support import VISIT, last_code

pytestmark = pytest.mark.django_db
IBAN = "IT60X0542811101000000123456"
REASON = "Polizza sospesa per mancato pagamento del premio"


def test_a_reopened_claim_drops_the_old_reason_and_the_timeline_says_what_happened(
    client_for, operator, collaborator_a, claim
):
    services.end_claim(actor=operator, claim=claim, outcome="rejected", reason=REASON)
    services.reopen_claim(actor=operator, claim=claim, reason="Premio pagato in ritardo")
    page = client_for(collaborator_a).get(f"/sinistri/{claim.pk}/").content.decode()
    assert "Motivo</div>" not in page
    assert f"Motivo: {REASON}" not in page.split("Cronologia")[0]
    timeline = page.split("Cronologia")[1]
    assert f"Respinto. Motivo: {REASON}" in timeline
    assert "Sinistro riaperto. Motivo: Premio pagato in ritardo" in timeline


def test_a_rejected_claim_shows_its_reason(client_for, operator, collaborator_a, claim):
    services.end_claim(actor=operator, claim=claim, outcome="rejected", reason=REASON)
    page = client_for(collaborator_a).get(f"/sinistri/{claim.pk}/").content.decode()
    assert f"Motivo: {REASON}" in page.split("Cronologia")[0]


def test_typed_reasons_never_go_into_email_subjects(operator, collaborator_a, claim):
    services.end_claim(actor=operator, claim=claim, outcome="closed_nopay", reason=REASON)
    services.reopen_claim(actor=operator, claim=claim, reason="Nuove spese mediche")
    sent = OutboundMessage.objects.filter(recipient=collaborator_a.email, channel="email")
    assert not sent.filter(subject__icontains="sospesa").exists()
    assert not sent.filter(subject__icontains="spese mediche").exists()
    assert sent.filter(
        subject=f"Sinistro {claim.number}: Chiuso senza seguito", body_text__contains=REASON
    ).exists()
    assert sent.filter(subject=f"Sinistro {claim.number}: Sinistro riaperto").exists()


def _accept_offer(claim, operator, adjuster, amount="9500"):
    services.assign_adjuster(actor=operator, claim=claim, adjuster=adjuster)
    services.record_insurer_claim_number(actor=operator, claim=claim, number="AX-2")
    services.post_quietanza(
        actor=adjuster, claim=claim, amount=amount, kind="saldo", conditions="x"
    )
    mobile = claim.practice.client.mobile
    token = _token(claim)
    signatures.open_signature_request(token=token, visit=VISIT)
    signatures.accept_declarations(token=token, visit=VISIT, accepted=True)
    signatures.send_signature_code(token=token, visit=VISIT)
    signatures.sign_with_code(token=token, code=last_code(mobile), visit=VISIT)


def _token(claim):
    sms = OutboundMessage.objects.filter(
        recipient=claim.practice.client.mobile, body_text__contains="/firma/"
    ).latest("pk")
    return re.search(r"/firma/([\w-]+)/", sms.body_text).group(1)


def test_a_paid_claim_shows_the_masked_iban_and_the_payment_date(
    client_for, operator, adjuster, collaborator_a, claim
):
    _accept_offer(claim, operator, adjuster)
    paid_on = timezone.localdate() - timedelta(days=1)
    services.record_claim_payment(
        actor=operator, claim=claim, amount="9.500,00", paid_on=paid_on, iban=IBAN
    )
    page = client_for(collaborator_a).get(f"/sinistri/{claim.pk}/").content.decode()
    assert f"pagati il {paid_on:%d/%m/%Y}" in page
    assert "IT60 **** **** 3456" in page
    assert IBAN not in page


def test_once_the_offer_is_accepted_the_adjuster_manages_only_the_insurers_number(
    client_for, operator, adjuster, claim
):
    _accept_offer(claim, operator, adjuster)
    page = client_for(adjuster).get(f"/sinistri/{claim.pk}/").content.decode()
    assert "Quietanza accettata" in page
    # the insurer's number comes from the insurer, whose adjuster may correct it (issue 24 §4)
    forms = {
        name
        for name in ("insurer_number", "quietanza", "payment", "close", "end", "assign")
        if f'action="/sinistri/{claim.pk}/{name}/"' in page
    }
    assert forms == {"insurer_number"}
    # the operator still manages it (the payment)
    assert "Gestione" in client_for(operator).get(f"/sinistri/{claim.pk}/").content.decode()


def test_after_a_contested_offer_the_sla_starts_a_new_period(client_for, operator, adjuster, claim):
    # given an offer posted within the SLA: the clock stopped ("nei tempi")
    services.assign_adjuster(actor=operator, claim=claim, adjuster=adjuster)
    services.record_insurer_claim_number(actor=operator, claim=claim, number="AX-3")
    services.post_quietanza(actor=adjuster, claim=claim, amount="100", kind="saldo", conditions="x")
    claim.refresh_from_db()
    assert not selectors.sla_of(claim).running
    # when the insured contests it
    token = _token(claim)
    signatures.open_signature_request(token=token, visit=VISIT)
    signatures.decline_signature(token=token, reason="Troppo poco", visit=VISIT)
    # then the investigation has a new period of 20 working days from today
    claim.refresh_from_db()
    due = add_working_days(timezone.localdate(), 20, selectors.sla_closures(claim))
    assert claim.status == Claim.Status.INVESTIGATION
    assert claim.sla_due == due
    sla = selectors.sla_of(claim)
    assert sla.running
    page = client_for(operator).get(f"/sinistri/{claim.pk}/").content.decode()
    assert "nei tempi" not in page
    assert f"scadenza {due:%d/%m/%Y}" in page
    assert f"nuovo termine SLA il {due:%d/%m/%Y}" in page
    # and once past it, the dashboard counts it overdue
    Claim.objects.filter(pk=claim.pk).update(sla_due=timezone.localdate() - timedelta(days=3))
    assert selectors.sla_overview()["overdue_count"] == 1
