"""Claims: opening, handling, the SLA, the quietanza accepted with the FEA or refused."""

import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from polis.audit.labels import action_label
from polis.audit.models import AuditEvent
from polis.claims import selectors, services
from polis.claims.models import Claim, ClaimDocument, Quietanza
from polis.claims.services._common import _start_sla
from polis.claims.tests.support import open_claim_on, policy_in_force
from polis.core.errors import DomainError, InvalidTransition, PermissionDenied
from polis.documents.models import StoredFile
from polis.ledger.models import LedgerEntry
from polis.notify.models import OutboundMessage
from polis.practices.models import Practice
from polis.signatures import services as signatures
from polis.signatures.models import SignatureRequest
from polis.signatures.tests.support import PNG, VISIT, last_code

pytestmark = pytest.mark.django_db
S = Claim.Status
IBAN = "IT60X0542811101000000123456"


def test_opening_numbers_the_claim_records_it_and_starts_the_sla(collaborator_a, policy, operator):
    claim = open_claim_on(collaborator_a, policy, notify_insured=True)
    year = timezone.localdate().year
    assert claim.number == f"SIN-{year}-000001"
    assert claim.status == S.OPENED
    # every required document is there: the 20 working days start today
    assert claim.docs_complete_on == timezone.localdate()
    assert claim.sla_due > claim.docs_complete_on + timedelta(days=25)
    assert LedgerEntry.objects.filter(type="claim.opened", ref=str(claim.uuid)).exists()
    recipients = set(OutboundMessage.objects.values_list("recipient", flat=True))
    assert {collaborator_a.email, policy.client.email, operator.email} <= recipients
    acknowledgement = OutboundMessage.objects.get(
        recipient=collaborator_a.email, subject__contains=claim.number
    )
    assert f"attesi entro il {claim.sla_due:%d/%m/%Y}" in acknowledgement.body_text
    assert claim.documents.count() == 2


def test_numbers_follow_each_other(collaborator_a, policy):
    first = open_claim_on(collaborator_a, policy)
    second = open_claim_on(collaborator_a, policy)
    assert int(second.number[-6:]) == int(first.number[-6:]) + 1


def test_without_the_mandatory_documents_the_sla_waits(collaborator_a, policy, operator):
    claim = open_claim_on(collaborator_a, policy, complete=False)
    assert claim.sla_due is None
    assert OutboundMessage.objects.filter(
        recipient=collaborator_a.email, body_text__contains="i 20 giorni lavorativi partono"
    ).exists()
    assert selectors.missing_documents(claim) == ["Lettera del terzo danneggiato"]
    with pytest.raises(DomainError, match="Mancano documenti obbligatori: Lettera del terzo"):
        services.mark_documentation_complete(actor=operator, claim=claim)
    services.add_claim_documents(
        actor=collaborator_a, claim=claim, kind="lettera_terzo", uploads=[("l.png", PNG)]
    )
    claim = services.mark_documentation_complete(actor=operator, claim=claim)
    assert claim.sla_due is not None
    # the firm learns when the 20 working days end
    assert OutboundMessage.objects.filter(
        recipient=collaborator_a.email,
        body_text__contains=f"attesi entro il {claim.sla_due:%d/%m/%Y}",
    ).exists()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"event_date": timezone.localdate() + timedelta(days=1)}, "futura"),
        (
            # claims made, 5 years of retroactivity
            {"event_date": timezone.localdate() - timedelta(days=6 * 366)},
            "anteriore alla retroattività",
        ),
        ({"reported_on": timezone.localdate() - timedelta(days=10)}, "data della denuncia"),
        ({"claim_type": "furto"}, "tipo di sinistro"),
        ({"estimated_amount": "-5"}, "maggiore di zero"),
        ({"documents": {"modulo": [("virus.exe", b"MZ\x90\x00 not a document")]}}, "Formato non"),
    ],
)
def test_bad_input_is_refused_and_changes_nothing(collaborator_a, policy, overrides, message):
    files = StoredFile.objects.count()
    with pytest.raises(DomainError, match=message):
        open_claim_on(collaborator_a, policy, **overrides)
    assert not Claim.objects.exists()
    assert StoredFile.objects.count() == files
    assert not LedgerEntry.objects.filter(type="claim.opened").exists()


def test_only_eligible_policies_of_the_firm(collaborator_a, collaborator_b, policy):
    with pytest.raises(PermissionDenied):
        open_claim_on(collaborator_b, policy)
    today = timezone.localdate()
    # ended: eligible only within the product's reporting days
    Practice.objects.filter(pk=policy.pk).update(
        status=Practice.Status.EXPIRED, end_date=today - timedelta(days=2)
    )
    policy.refresh_from_db()
    assert selectors.is_eligible(policy, today)
    assert list(selectors.eligible_policies(collaborator_a)) == [policy]
    Practice.objects.filter(pk=policy.pk).update(end_date=today - timedelta(days=4))
    policy.refresh_from_db()
    assert not selectors.is_eligible(policy, today)
    assert list(selectors.eligible_policies(collaborator_a)) == []
    with pytest.raises(DomainError, match="termine per denunciare"):
        open_claim_on(collaborator_a, policy, event_date=today - timedelta(days=5))


def test_search_among_eligible_policies(collaborator_a, policy):
    assert list(selectors.eligible_policies(collaborator_a, query=policy.policy_number)) == [policy]
    assert list(selectors.eligible_policies(collaborator_a, query="Rossi")) == [policy]
    assert list(selectors.eligible_policies(collaborator_a, query="Nessuno")) == []


def test_sla_counts_italian_working_days_and_the_insurer_closures(claim, monkeypatch):
    # documentation complete on Friday 24 April 2026: 25 April (Saturday), 1 May and 2 June
    # are holidays; 20 working days land on Monday 25 May 2026
    claim.docs_complete_on, claim.sla_due = None, None
    monkeypatch.setattr(timezone, "localdate", lambda: date(2026, 4, 24))
    _start_sla(claim)
    assert claim.sla_due == date(2026, 5, 25)
    # an insurer's own closing day moves it by one working day
    insurer = claim.practice.product.insurer
    insurer.claims_closures = ["2026-05-04"]
    insurer.save()
    claim.practice.product.insurer.refresh_from_db()
    claim.docs_complete_on = None
    _start_sla(claim)
    assert claim.sla_due == date(2026, 5, 26)
    # days left and overdue, on working days
    assert selectors.sla_of(claim, date(2026, 5, 22)).days_left == 2
    late = selectors.sla_of(claim, date(2026, 5, 28))
    assert late.overdue
    assert late.days_late == 2


def test_the_whole_life_of_a_claim(claim, operator, adjuster, collaborator_a):
    # the operator assigns the adjuster, records the insurer's number
    services.assign_adjuster(actor=operator, claim=claim, adjuster=adjuster)
    claim = services.record_insurer_claim_number(actor=operator, claim=claim, number="AX-99")
    assert claim.status == S.INVESTIGATION
    assert claim.insurer_number_on == timezone.localdate()
    # the adjuster posts a quietanza: the insured gets e-mail and SMS with the link
    services.post_quietanza(
        actor=adjuster, claim=claim, amount="8000", kind="saldo", conditions="A saldo."
    )
    claim.refresh_from_db()
    assert claim.status == S.OFFER_RECEIVED
    client = claim.practice.client
    sms = OutboundMessage.objects.filter(recipient=client.mobile, body_text__contains="quietanza")
    token = re.search(r"/firma/([\w-]+)/", sms.get().body_text).group(1)
    assert OutboundMessage.objects.filter(
        recipient=collaborator_a.email, subject__startswith="Quietanza per il sinistro"
    ).exists()
    # the insured refuses it with objections and a file
    signatures.open_signature_request(token=token, visit=VISIT)
    signatures.decline_signature(
        token=token,
        reason="L'importo non copre le spese legali",
        visit=VISIT,
        attachments=[("fattura.png", PNG)],
    )
    claim.refresh_from_db()
    assert claim.status == S.INVESTIGATION
    first = claim.quietanze.get(version=1)
    assert first.status == Quietanza.Status.REFUSED
    assert "spese legali" in first.objections
    assert claim.documents.filter(kind="obiezioni").count() == 1
    assert LedgerEntry.objects.filter(type="quietanza.refused", ref=str(claim.uuid)).exists()
    # a new offer, accepted with the SMS code
    services.post_quietanza(
        actor=adjuster, claim=claim, amount="9500", kind="saldo", conditions="A saldo."
    )
    second = claim.quietanze.get(version=2)
    token = re.search(
        r"/firma/([\w-]+)/",
        OutboundMessage.objects.filter(recipient=client.mobile, body_text__contains="quietanza")
        .latest("pk")
        .body_text,
    ).group(1)
    signatures.open_signature_request(token=token, visit=VISIT)
    signatures.accept_declarations(token=token, visit=VISIT, accepted=True)
    signatures.send_signature_code(token=token, visit=VISIT)
    signatures.sign_with_code(token=token, code=last_code(client.mobile), visit=VISIT)
    claim.refresh_from_db()
    second.refresh_from_db()
    assert claim.status == S.ACCEPTED
    assert second.signed_document is not None
    assert (
        LedgerEntry.objects.get(type="quietanza.accepted").sha256 == second.signed_document.sha256
    )
    # the MGA pays and closes; the history of offers stays
    with pytest.raises(DomainError, match="IBAN non valido"):
        services.record_claim_payment(
            actor=operator, claim=claim, amount="9500", paid_on=timezone.localdate(), iban="IT00X"
        )
    with pytest.raises(DomainError, match="quietanza accettata"):
        services.record_claim_payment(
            actor=operator, claim=claim, amount="9000", paid_on=timezone.localdate(), iban=IBAN
        )
    services.record_claim_payment(
        actor=operator, claim=claim, amount="9500.00", paid_on=timezone.localdate(), iban=IBAN
    )
    claim = services.close_claim(actor=operator, claim=claim)
    assert (claim.status, claim.paid_amount) == (S.CLOSED, Decimal("9500.00"))
    assert list(claim.quietanze.values_list("status", flat=True)) == ["refused", "accepted"]
    # closed claims can be reopened with a reason
    assert (
        services.reopen_claim(actor=operator, claim=claim, reason="Nuove spese").status
        == S.REOPENED
    )
    # every step is in the audit log, with its Italian label and without the timeline's text
    audit = AuditEvent.objects.filter(object_type="claims.claim", object_id=str(claim.pk))
    assert list(audit.order_by("pk").values_list("action", flat=True)) == [
        "claim.opened",
        "claim.assigned",
        "claim.insurer_number",
        "claim.quietanza",
        "claim.refused",
        "claim.sla_restarted",
        "claim.quietanza",
        "claim.accepted",
        "claim.paid",
        "claim.closed",
        "claim.reopened",
    ]
    assert action_label("claim.refused") == "Quietanza contestata dall'assicurato"
    assert not audit.filter(data__icontains="spese").exists()
    # a step that moves the claim says from where to where; one that does not, nothing
    assert list(audit.order_by("pk").values_list("data", flat=True)) == [
        {},
        {"from": "opened", "to": "assigned"},
        {"from": "assigned", "to": "investigation"},
        {"from": "investigation", "to": "offer_received"},
        {"from": "offer_received", "to": "investigation"},
        {},
        {"from": "investigation", "to": "offer_received"},
        {"from": "offer_received", "to": "accepted"},
        {"from": "accepted", "to": "paid"},
        {"from": "paid", "to": "closed"},
        {"from": "closed", "to": "reopened"},
    ]
    # the quietanze's own moves: the first contested, the second accepted
    assert sorted(
        AuditEvent.objects.filter(object_type="claims.quietanza").values_list("action", "data")
    ) == [
        ("quietanza.accepted", {"from": "pending", "to": "accepted"}),
        ("quietanza.refused", {"from": "pending", "to": "refused"}),
    ]
    assert action_label("quietanza.refused") == "Quietanza contestata"


def test_a_new_quietanza_voids_the_pending_link(claim, operator, adjuster):
    services.assign_adjuster(actor=operator, claim=claim, adjuster=adjuster)
    services.record_insurer_claim_number(actor=operator, claim=claim, number="AX-1")
    services.post_quietanza(actor=adjuster, claim=claim, amount="100", kind="saldo", conditions="x")
    services.post_quietanza(actor=adjuster, claim=claim, amount="200", kind="saldo", conditions="y")
    statuses = dict(claim.quietanze.values_list("version", "status"))
    assert statuses == {1: "superseded", 2: "pending"}
    assert list(
        SignatureRequest.objects.filter(subject_kind="quietanza").values_list("status", flat=True)
    ) == ["voided", "sent"]
    superseded = AuditEvent.objects.get(action="quietanza.superseded")
    assert (superseded.actor, superseded.data) == (
        adjuster,
        {"from": "pending", "to": "superseded"},
    )


def test_ending_a_claim_supersedes_its_pending_quietanza(claim, operator, adjuster):
    # given a quietanza waiting for the insured
    services.assign_adjuster(actor=operator, claim=claim, adjuster=adjuster)
    services.record_insurer_claim_number(actor=operator, claim=claim, number="AX-1")
    services.post_quietanza(actor=adjuster, claim=claim, amount="100", kind="saldo", conditions="x")
    # when the claim is closed without payment
    services.end_claim(
        actor=operator, claim=claim, outcome=S.CLOSED_WITHOUT_PAYMENT, reason="Rinuncia"
    )
    # then the quietanza gives way and its link no longer works
    assert claim.quietanze.get().status == Quietanza.Status.SUPERSEDED
    assert SignatureRequest.objects.get(subject_kind="quietanza").status == "voided"


def test_roles_and_transitions(claim, operator, adjuster, collaborator_a, collaborator_b):
    with pytest.raises(PermissionDenied):
        services.assign_adjuster(actor=collaborator_a, claim=claim, adjuster=adjuster)
    with pytest.raises(PermissionDenied):
        services.add_claim_note(actor=collaborator_b, claim=claim, text="curioso")
    # an adjuster acts only on assigned claims
    with pytest.raises(PermissionDenied):
        services.add_claim_note(actor=adjuster, claim=claim, text="nota")
    # a quietanza needs the investigation first
    services.assign_adjuster(actor=operator, claim=claim, adjuster=adjuster)
    with pytest.raises(InvalidTransition):
        services.post_quietanza(
            actor=adjuster, claim=claim, amount="1", kind="saldo", conditions="x"
        )
    # payment and closing only in their states
    with pytest.raises(InvalidTransition):
        services.close_claim(actor=operator, claim=claim)
    with pytest.raises(InvalidTransition):
        services.reopen_claim(actor=operator, claim=claim, reason="x")
    services.end_claim(actor=operator, claim=claim, outcome=S.REJECTED, reason="Fuori garanzia")
    claim.refresh_from_db()
    assert claim.status == S.REJECTED
    assert claim.outcome_reason == "Fuori garanzia"
    with pytest.raises(InvalidTransition):
        services.add_claim_documents(
            actor=collaborator_a, claim=claim, kind="altro", uploads=[("a.png", PNG)]
        )


def test_a_stale_form_gets_a_conflict_and_changes_nothing(claim, operator, adjuster):
    seen = claim.version
    services.assign_adjuster(actor=operator, claim=claim, adjuster=adjuster, version=seen)
    with pytest.raises(DomainError, match="modificato da un altro utente"):
        services.record_insurer_claim_number(actor=operator, claim=claim, number="X", version=seen)
    claim.refresh_from_db()
    assert claim.insurer_claim_number == ""


def test_documents_requested_wait_in_docs_missing(claim, operator, collaborator_a):
    services.request_claim_documents(actor=operator, claim=claim, text="Serve la perizia di parte")
    claim.refresh_from_db()
    assert claim.status == S.DOCS_MISSING
    assert OutboundMessage.objects.filter(
        recipient=collaborator_a.email, body_text__contains="perizia di parte"
    ).exists()
    services.mark_documentation_complete(actor=operator, claim=claim)
    claim.refresh_from_db()
    assert claim.status == S.OPENED


def test_documentation_confirmed_again_is_refused_and_the_firm_not_told_twice(
    claim, operator, collaborator_a
):
    # given: a claim complete at opening, its SLA running
    due = claim.sla_due
    told = OutboundMessage.objects.filter(recipient=collaborator_a.email).count()
    # when the operator confirms the documentation again
    with pytest.raises(InvalidTransition, match="già completa"):
        services.mark_documentation_complete(actor=operator, claim=claim)
    # then nothing changed and no e-mail left
    claim.refresh_from_db()
    assert (claim.status, claim.sla_due) == (S.OPENED, due)
    assert OutboundMessage.objects.filter(recipient=collaborator_a.email).count() == told


def test_internal_notes_stay_inside_the_mga(claim, operator, collaborator_a):
    services.add_claim_note(actor=operator, claim=claim, text="Riserva alta", shared=False)
    services.add_claim_note(actor=operator, claim=claim, text="Abbiamo ricevuto tutto")
    firm_sees = [e.text for e in selectors.timeline_of(collaborator_a, claim)]
    mga_sees = [e.text for e in selectors.timeline_of(operator, claim)]
    assert "Riserva alta" in mga_sees
    assert "Riserva alta" not in firm_sees
    assert "Abbiamo ricevuto tutto" in firm_sees


def test_visibility(claim, collaborator_b, adjuster, operator):
    assert list(selectors.claims_visible_to(collaborator_b)) == []
    assert list(selectors.claims_visible_to(adjuster)) == []
    services.assign_adjuster(actor=operator, claim=claim, adjuster=adjuster)
    assert list(selectors.claims_visible_to(adjuster)) == [claim]


def test_overdue_claims_are_reported_to_operators(claim, operator):
    Claim.objects.filter(pk=claim.pk).update(sla_due=timezone.localdate() - timedelta(days=3))
    assert services.send_overdue_report() == 1
    report = OutboundMessage.objects.get(recipient=operator.email, subject__contains="oltre i 20")
    assert claim.number in report.body_text
    assert list(selectors.search_claims(operator, overdue=True)) == [claim]
    overview = selectors.sla_overview()
    assert overview["overdue_count"] == 1
    assert overview["open_count"] == 1


def test_opening_a_claim_document_is_logged(claim, client_for, collaborator_a):
    document = claim.documents.first()
    response = client_for(collaborator_a).get(f"/sinistri/{claim.pk}/documenti/{document.pk}/")
    assert response.status_code == 200
    assert AuditEvent.objects.filter(action="document.downloaded", actor=collaborator_a).exists()


def test_a_second_policy_keeps_its_claims_apart(collaborator_a, policy):
    other = policy_in_force(collaborator_a)
    open_claim_on(collaborator_a, policy)
    open_claim_on(collaborator_a, other)
    counts = {p.pk: p.claim_count for p in selectors.eligible_policies(collaborator_a)}
    assert counts == {policy.pk: 1, other.pk: 1}
    assert ClaimDocument.objects.count() == 4


def test_the_firm_and_the_mga_write_in_the_claims_thread(claim, operator, collaborator_a):
    thread = services.write_about_claim(actor=collaborator_a, claim=claim, body="Novità?")
    again = services.write_about_claim(actor=operator, claim=claim, body="Perizia in corso")
    assert again == thread == selectors.thread_of(claim)
    assert claim.number in thread.title
    assert list(thread.messages.values_list("from_mga", flat=True)) == [False, True]


def test_the_dashboard_averages_working_days_to_the_insurers_number(collaborator_a, policy):
    # complete on Friday 24 April 2026, numbered on Monday 4 May: 27, 28, 29, 30 April and
    # 4 May (1 May is a holiday) = 5 working days; the other one took 1 day
    first, second = open_claim_on(collaborator_a, policy), open_claim_on(collaborator_a, policy)
    Claim.objects.filter(pk=first.pk).update(
        docs_complete_on=date(2026, 4, 24), insurer_number_on=date(2026, 5, 4)
    )
    Claim.objects.filter(pk=second.pk).update(
        docs_complete_on=date(2026, 5, 4), insurer_number_on=date(2026, 5, 5)
    )
    assert selectors.sla_overview()["average_days_to_number"] == 3.0
    # the insurer's own closing day on 27 April does not count either
    policy.product.insurer.claims_closures = ["2026-04-27"]
    policy.product.insurer.save()
    assert selectors.sla_overview()["average_days_to_number"] == 2.5
