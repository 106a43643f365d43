"""The quote e-mailed to the client: the client's answer reaches the collaborator who sent it."""

import pytest
from django.utils import timezone

from polis.clients.tests.factories import ClientFactory
from polis.notify.models import OutboundMessage
from polis.quotes import services
from polis.quotes.tests.factories import demo_product
from polis.quotes.tests.test_quotes import ARCHITECT

pytestmark = pytest.mark.django_db


def test_the_quote_email_replies_to_the_collaborator_who_sent_it(
    collaborator_a, django_capture_on_commit_callbacks, mailoutbox
):
    # given
    client = ClientFactory(created_by=collaborator_a)
    quote = services.create_quote(
        actor=collaborator_a,
        client=client,
        product=demo_product("RCP"),
        answers=ARCHITECT,
        effective_date=timezone.localdate(),
    )
    # when
    with django_capture_on_commit_callbacks(execute=True):
        services.send_quote_to_client(actor=collaborator_a, quote=quote)
    # then
    (sent,) = [m for m in mailoutbox if m.to == [client.email]]
    assert sent.reply_to == [collaborator_a.email]
    assert OutboundMessage.objects.get(recipient=client.email).reply_to == collaborator_a.email


def test_an_english_client_gets_the_quote_in_english(
    collaborator_a, django_capture_on_commit_callbacks, mailoutbox
):
    # given a client whose language on file is English
    client = ClientFactory(created_by=collaborator_a, language="en")
    quote = services.create_quote(
        actor=collaborator_a,
        client=client,
        product=demo_product("RCP"),
        answers=ARCHITECT,
        effective_date=timezone.localdate(),
    )
    # when
    with django_capture_on_commit_callbacks(execute=True):
        services.send_quote_to_client(actor=collaborator_a, quote=quote)
    # then
    (sent,) = [m for m in mailoutbox if m.to == [client.email]]
    assert sent.subject == f"Your {quote.product.name} quote ({quote.number})"
    assert "For questions or to go ahead, reply to your intermediary." in sent.body
