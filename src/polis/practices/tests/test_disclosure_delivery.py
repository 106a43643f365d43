"""Issue #17 §1: the pre-contractual documents are really delivered before the client signs —
stored with the practice, sent on the medium the client chose (the outbox's e-mail, a signed
link, or paper against a signed receipt) or acknowledged on the signing page — and a practice
without proven delivery is not sent for signature."""

import hashlib
import re
from datetime import UTC, datetime, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from polis.clients.tests.factories import ClientFactory
from polis.core.errors import DomainError
from polis.devdata.catalog import NEEDS_QUESTIONNAIRES
from polis.documents.tests.test_validation import pdf_bytes
from polis.notify.delivery import deliver_message
from polis.notify.models import OutboundMessage
from polis.practices import services
from polis.practices.models import Practice
from polis.quotes.tests.factories import demo_product
from polis.quotes.tests.test_quotes import ARCHITECT
from polis.signatures.models import Evidence
from polis.signatures.services import (
    accept_declarations,
    acknowledge_documents,
    open_signature_request,
    send_signature_code,
)
from polis.signatures.tests.support import VISIT, last_link_token, send

pytestmark = pytest.mark.django_db

CONSISTENT = {"need": "si", "registered": "si", "other_policy": "no"}


def _issued(actor, medium: str, **client) -> Practice:
    product = demo_product("RCP")
    product.needs_questionnaire = NEEDS_QUESTIONNAIRES["RCP"]
    product.save()
    practice = services.create_practice(
        actor=actor,
        client=ClientFactory(created_by=actor, **client),
        product=product,
        answers=ARCHITECT,
        effective_date=timezone.localdate(),
    )
    services.record_demands_and_needs(
        actor=actor,
        practice=practice,
        answers=CONSISTENT,
        medium=medium,
        durable_consent=medium != "paper",
    )
    return services.issue_practice(actor=actor, practice=practice)


def _documents_email(practice: Practice) -> OutboundMessage:
    return OutboundMessage.objects.get(
        recipient=practice.client.email, subject__startswith="I documenti precontrattuali"
    )


def _mup(practice: Practice) -> dict:
    return next(d for d in practice.disclosures if d["kind"] == "mup")


def test_the_email_the_client_gets_carries_the_mup_whose_hash_is_recorded(
    collaborator_a, mailoutbox
):
    # given
    practice = _issued(collaborator_a, "email")
    # when: the outbox sends the e-mail
    deliver_message(_documents_email(practice).pk)
    # then
    (email,) = [m for m in mailoutbox if m.to == [practice.client.email]]
    attached = {name: hashlib.sha256(content).hexdigest() for name, content, _ in email.attachments}
    assert attached["modello-unico-precontrattuale-mup.pdf"] == _mup(practice)["sha256"]
    assert set(attached.values()) == {d["sha256"] for d in practice.disclosures}


def test_delivered_at_is_the_outbox_sent_time_not_the_issuing(collaborator_a):
    # given: issued an hour ago
    practice = _issued(collaborator_a, "email")
    Practice.objects.filter(pk=practice.pk).update(issued_at=F("issued_at") - timedelta(hours=1))
    message = _documents_email(practice)
    # when: the e-mail leaves now, then the contract goes in firma
    deliver_message(message.pk)
    send(collaborator_a, practice)
    # then
    message.refresh_from_db()
    practice.refresh_from_db()
    assert practice.status == Practice.Status.SIGNING
    assert practice.delivery["delivered_at"] == message.sent_at.isoformat()
    assert {d["delivered_at"] for d in practice.disclosures} == {message.sent_at.isoformat()}
    assert message.sent_at > practice.issued_at + timedelta(minutes=59)


@pytest.mark.parametrize("failed", [False, True])
def test_no_signature_while_the_email_has_not_left(collaborator_a, failed):
    # given
    practice = _issued(collaborator_a, "email")
    if failed:
        OutboundMessage.objects.filter(pk=_documents_email(practice).pk).update(status="failed")
    # when / then
    with pytest.raises(DomainError, match="non è stata recapitata" if failed else "non è ancora"):
        send(collaborator_a, practice)
    practice.refresh_from_db()
    assert practice.status == Practice.Status.ISSUED
    assert practice.delivery.get("delivered_at") is None


def test_paper_delivery_needs_the_client_signed_receipt(client_for, collaborator_a):
    # given
    practice = _issued(collaborator_a, "paper")
    page = client_for(collaborator_a)
    # when: sent for signature without the receipt
    with pytest.raises(DomainError, match="ricevuta firmata"):
        send(collaborator_a, practice)
    shown = page.get(reverse("practices:detail", args=[practice.pk])).content.decode()
    page.post(
        reverse("practices:paper_delivery", args=[practice.pk]),
        {"receipt": SimpleUploadedFile("ricevuta.pdf", pdf_bytes())},
    )
    # then
    assert "Da consegnare su carta" in shown
    assert "Invia il contratto in firma" not in shown
    assert "Il contratto si invia in firma dopo la consegna" in shown
    assert not OutboundMessage.objects.filter(recipient=practice.client.email).exists()
    practice.refresh_from_db()
    receipt = practice.documents.get(kind=services.DISCLOSURE_RECEIPT)
    assert practice.delivery["delivered_at"] == receipt.uploaded_at.isoformat()
    assert practice.delivery["channel"] == "paper"
    send(collaborator_a, practice)
    assert Practice.objects.get(pk=practice.pk).status == Practice.Status.SIGNING


def test_the_practice_page_offers_the_stored_mup(client_for, collaborator_a, operator):
    # given
    practice = _issued(collaborator_a, "email")
    index = practice.disclosures.index(_mup(practice))
    url = reverse("practices:disclosure", args=[practice.pk, index])
    # when
    shown = client_for(collaborator_a).get(reverse("practices:detail", args=[practice.pk]))
    downloaded = client_for(operator).get(url)
    # then
    assert url in shown.content.decode()
    assert "E-mail con i documenti in attesa di invio" in shown.content.decode()
    body = b"".join(downloaded.streaming_content)
    assert hashlib.sha256(body).hexdigest() == _mup(practice)["sha256"]


def test_the_link_medium_emails_a_signed_link_that_expires(client, collaborator_a, settings):
    # given
    settings.SITE_URL = "http://testserver"
    practice = _issued(collaborator_a, "link")
    message = _documents_email(practice)
    link = re.search(r"http://testserver(/documenti/\S+/)", message.body_text).group(1)
    # when
    page = client.get(link)
    mup = client.get(f"{link}{practice.disclosures.index(_mup(practice))}/")
    settings.DISCLOSURE_LINK_DAYS = -1  # the link's days are over
    late = client.get(link)
    # then
    assert message.attachments.count() == 0
    assert "Modello Unico Precontrattuale (MUP)" in page.content.decode()
    assert hashlib.sha256(b"".join(mup.streaming_content)).hexdigest() == _mup(practice)["sha256"]
    assert late.status_code == 410
    assert "Il link è scaduto" in late.content.decode()
    assert client.get(link.replace("documenti/", "documenti/x")).status_code == 410


def test_an_english_client_gets_the_documents_email_in_english_the_documents_in_italian(
    collaborator_a, settings
):
    # given
    settings.SITE_URL = "http://testserver"
    # when
    practice = _issued(collaborator_a, "link", language="en")
    # then
    message = OutboundMessage.objects.get(recipient=practice.client.email)
    assert message.language == "en"
    assert message.subject == "The pre-contractual documents of your Prodotto RCP policy"
    assert "hands you the pre-contractual documents, which you can download" in message.body_text
    assert "http://testserver/documenti/" in message.body_text
    assert "- Modello Unico Precontrattuale (MUP) (version " in message.body_text
    assert "Download the pre-contractual documents</a>" in message.body_html


def test_the_signer_acknowledges_the_documents_before_asking_the_code(collaborator_a):
    # given: a practice without a recorded medium is delivered on the signing page
    practice = _issued(collaborator_a, "email")
    Practice.objects.filter(pk=practice.pk).update(delivery={})
    practice.refresh_from_db()
    send(collaborator_a, practice)
    token = last_link_token(practice.client.email)
    open_signature_request(token=token, visit=VISIT)
    accept_declarations(token=token, visit=VISIT, accepted=True)
    # when / then: no code before the acknowledgment
    with pytest.raises(DomainError, match="ricevuto e letto i documenti precontrattuali"):
        send_signature_code(token=token, visit=VISIT)
    with pytest.raises(DomainError):
        acknowledge_documents(token=token, visit=VISIT, accepted=False)
    acknowledge_documents(token=token, visit=VISIT, accepted=True)
    send_signature_code(token=token, visit=VISIT)
    # then: the acknowledgment is evidence (what, which hashes, when) and the delivery
    evidence = Evidence.objects.get(kind="documents_acknowledged")
    assert evidence.data["statement"].startswith("Dichiaro di aver ricevuto e letto")
    assert [d["sha256"] for d in evidence.data["documents"]] == [
        d["sha256"] for d in practice.disclosures
    ]
    practice.refresh_from_db()
    assert practice.delivery["acknowledged_at"] == evidence.at.isoformat()
    assert practice.delivery["delivered_at"] == evidence.at.isoformat()
    assert practice.delivery["channel"] == "signing_page"


def test_an_undelivered_email_is_sent_again_and_then_the_contract_can_go(collaborator_a):
    # given: the first e-mail could not be delivered
    practice = _issued(collaborator_a, "email")
    OutboundMessage.objects.filter(pk=_documents_email(practice).pk).update(status="failed")
    # when
    services.resend_disclosures(actor=collaborator_a, practice=practice)
    second = OutboundMessage.objects.filter(recipient=practice.client.email).latest("pk")
    deliver_message(second.pk)
    send(collaborator_a, practice)
    # then
    practice.refresh_from_db()
    second.refresh_from_db()
    assert practice.delivery["delivered_at"] == second.sent_at.isoformat()
    assert second.attachments.count() == len(practice.disclosures)


def test_documents_by_email_need_the_clients_email(collaborator_a):
    # given
    product = demo_product("RCP")
    product.needs_questionnaire = NEEDS_QUESTIONNAIRES["RCP"]
    product.save()
    practice = services.create_practice(
        actor=collaborator_a,
        client=ClientFactory(created_by=collaborator_a, email=""),
        product=product,
        answers=ARCHITECT,
        effective_date=timezone.localdate(),
    )
    services.record_demands_and_needs(
        actor=collaborator_a,
        practice=practice,
        answers=CONSISTENT,
        medium="email",
        durable_consent=True,
    )
    # when / then
    with pytest.raises(DomainError, match="non ha un'e-mail"):
        services.issue_practice(actor=collaborator_a, practice=practice)
    assert Practice.objects.get(pk=practice.pk).status == Practice.Status.DRAFT


def test_a_practice_issued_before_they_were_stored_prepares_them_as_of_its_issue(
    client_for, collaborator_a
):
    # given: issued in June 2025 by the old code: hashes only, and a delivery never made
    practice = _issued(collaborator_a, "paper")
    Practice.objects.filter(pk=practice.pk).update(
        issued_at=datetime(2025, 6, 20, 10, tzinfo=UTC),
        disclosures=[{"kind": "mup", "sha256": "ab" * 32, "delivered_at": None}],
        delivery={},
    )
    page = client_for(collaborator_a)
    # when
    with pytest.raises(DomainError, match="Prima prepara i documenti"):
        send(collaborator_a, practice)
    page.post(reverse("practices:prepare_disclosures", args=[practice.pk]))
    # then: the Allegati in force then, stored, to deliver on paper like any other
    practice.refresh_from_db()
    kinds = [d["kind"] for d in practice.disclosures if d.get("file")]
    assert kinds == ["allegato_3", "allegato_4", "allegato_4ter"]
    assert practice.delivery == {"medium": "paper"}
    shown = page.get(reverse("practices:detail", args=[practice.pk])).content.decode()
    assert "Allegato 4-ter – Elenco delle regole di comportamento del distributore" in shown
    with pytest.raises(DomainError, match="ricevuta firmata"):
        send(collaborator_a, practice)
