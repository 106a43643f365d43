"""Preventivo personalizzato: asked by the firm, offered or declined by the MGA in the
Comunicazioni thread, an accepted offer becomes a priced quote; a quote e-mailed to the client."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from polis.audit.models import AuditEvent
from polis.clients.tests.factories import ClientFactory
from polis.core.errors import DomainError, InvalidTransition, PermissionDenied
from polis.messaging.models import Message
from polis.notify.models import OutboundMessage
from polis.practices import services as practices
from polis.quotes import services
from polis.quotes.models import Quote, QuoteRequest
from polis.quotes.tests.factories import demo_product
from polis.quotes.tests.test_quotes import ARCHITECT
from polis.signatures.tests.support import PNG

pytestmark = pytest.mark.django_db


@pytest.fixture
def custom(collaborator_a):
    return services.request_custom_quote(
        actor=collaborator_a,
        client=ClientFactory(created_by=collaborator_a),
        need="RC professionale per uno studio con un sinistro nel 2024",
        product=demo_product("RCP"),
        special_coverages="Retroattività illimitata",
        claims_count=1,
        claims_years="2024",
        claims_amount=Decimal("18000"),
        claims_text="Errore di progettazione, liquidato.",
        files=[SimpleUploadedFile("questionario.png", PNG)],
    )


def test_a_request_opens_a_thread_with_its_summary_and_files(operator, custom):
    assert custom.number.startswith("RPV-")
    message = Message.objects.get(thread=custom.thread)
    assert "Retroattività illimitata" in message.body
    assert "Errore di progettazione" in message.body
    assert message.attachments.count() == 1
    assert OutboundMessage.objects.filter(recipient=operator.email).exists()


def test_claims_need_a_description(collaborator_a):
    with pytest.raises(DomainError, match="Descrivi i sinistri"):
        services.request_custom_quote(
            actor=collaborator_a,
            client=ClientFactory(created_by=collaborator_a),
            need="Infortuni",
            claims_count=2,
        )
    assert not QuoteRequest.objects.exists()


def test_an_offer_accepted_becomes_a_priced_quote_that_converts(custom, operator, collaborator_a):
    until = timezone.localdate() + timedelta(days=20)
    services.offer_custom_quote(
        actor=operator,
        request=custom,
        product=demo_product("RCP"),
        gross="1342.50",
        cover=[{"coverage": "rc_professionale", "limit": "1000000", "deductible": "5000"}],
        conditions="Franchigia 5.000 €, esclusi i sinistri già noti.",
        valid_until=until,
    )
    custom.refresh_from_db()
    assert custom.status == QuoteRequest.Status.OFFERED
    assert "€ 1.342,50" in custom.thread.messages.latest("pk").body
    quote = services.accept_custom_offer(actor=collaborator_a, request=custom)
    # taxed with the product's tariff (22.25 %): net + tax = the offered gross
    assert quote.gross == Decimal("1342.50")
    assert quote.net + quote.tax == quote.gross
    assert quote.net == (Decimal("1342.50") / Decimal("1.2225")).quantize(Decimal("0.01"))
    assert (quote.status, quote.valid_until) == (Quote.Status.PRICED, until)
    assert services.quote_pdf(actor=collaborator_a, quote=quote).name.endswith(".pdf")
    practice = practices.convert_quote(actor=collaborator_a, quote=quote)
    assert practice.gross == Decimal("1342.50")
    with pytest.raises(InvalidTransition):
        services.accept_custom_offer(actor=collaborator_a, request=custom)


def test_declined_with_a_reason(custom, operator, collaborator_a):
    with pytest.raises(DomainError, match="motivo"):
        services.decline_custom_quote(actor=operator, request=custom, reason=" ")
    services.decline_custom_quote(actor=operator, request=custom, reason="Rischio fuori appetito")
    custom.refresh_from_db()
    assert custom.status == QuoteRequest.Status.DECLINED
    with pytest.raises(InvalidTransition):
        services.accept_custom_offer(actor=collaborator_a, request=custom)


def test_a_declined_request_takes_no_offer_and_stays_as_it_was(custom, operator):
    # given
    services.decline_custom_quote(actor=operator, request=custom, reason="Rischio fuori appetito")
    # when / then
    with pytest.raises(InvalidTransition) as refused:
        services.offer_custom_quote(
            actor=operator,
            request=custom,
            product=demo_product("RCP"),
            gross="900",
            cover=[{"coverage": "rc_professionale", "limit": "500000"}],
            conditions="Standard",
            valid_until=timezone.localdate(),
        )
    assert refused.value.message == "Questa richiesta è già chiusa."
    row = QuoteRequest.objects.get(pk=custom.pk)
    assert (row.status, row.offer_gross, row.decline_reason) == (
        QuoteRequest.Status.DECLINED,
        None,
        "Rischio fuori appetito",
    )
    events = AuditEvent.objects.filter(object_type="quotes.quoterequest").order_by("pk")
    assert [(e.action, e.data) for e in events] == [
        ("quote_request.created", {}),
        ("quote_request.declined", {"from": "requested", "to": "declined"}),
    ]


def test_only_the_mga_answers_and_only_the_firm_accepts(custom, collaborator_a, collaborator_b):
    with pytest.raises(PermissionDenied):
        services.decline_custom_quote(actor=collaborator_a, request=custom, reason="no")
    with pytest.raises(PermissionDenied):
        services.accept_custom_offer(actor=collaborator_b, request=custom)


def test_an_expired_offer_cannot_be_accepted(custom, operator, collaborator_a, monkeypatch):
    services.offer_custom_quote(
        actor=operator,
        request=custom,
        product=demo_product("RCP"),
        gross="900",
        cover=[{"coverage": "rc_professionale", "limit": "500000"}],
        conditions="Standard",
        valid_until=timezone.localdate(),
    )
    tomorrow = timezone.localdate() + timedelta(days=1)
    monkeypatch.setattr(timezone, "localdate", lambda: tomorrow)
    with pytest.raises(DomainError, match="scaduta"):
        services.accept_custom_offer(actor=collaborator_a, request=custom)


def test_a_quote_is_emailed_to_the_client_with_its_pdf(collaborator_a, collaborator_b):
    client = ClientFactory(created_by=collaborator_a)
    quote = services.create_quote(
        actor=collaborator_a,
        client=client,
        product=demo_product("RCP"),
        answers=ARCHITECT,
        effective_date=timezone.localdate(),
    )
    with pytest.raises(PermissionDenied):
        services.send_quote_to_client(actor=collaborator_b, quote=quote)
    services.send_quote_to_client(actor=collaborator_a, quote=quote)
    email = OutboundMessage.objects.get(recipient=client.email)
    assert quote.number in email.subject
    assert [f.name for f in email.attachments.all()] == [quote.pdf.name]
