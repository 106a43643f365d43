"""Marketing consent (separate from the contract, off by default, withdrawable from any e-mail)
and the restriction of processing (GDPR art. 18, 21(3)): what a client and his agency notice."""

import pytest
from django.urls import reverse
from django.utils import timezone

from polis.audit.models import AuditEvent
from polis.clients import services as clients
from polis.clients.forms import ClientForm
from polis.clients.tests.factories import ClientFactory
from polis.core.errors import DomainError
from polis.notify.models import OutboundMessage
from polis.notify.services import queue_email
from polis.notify.unsubscribe import unsubscribe_url
from polis.privacy import services
from polis.privacy.models import DataSubjectRequest
from polis.quotes import services as quotes
from polis.quotes.tests.factories import demo_product
from polis.quotes.tests.test_quotes import ARCHITECT

pytestmark = pytest.mark.django_db


def test_the_marketing_consent_is_off_by_default_and_apart_from_the_contract_consent():
    form = ClientForm()
    assert form.fields["marketing_consent"].required is False
    assert not form.fields["marketing_consent"].initial
    assert "privacy" in form.fields  # the contract's processing has its own box


def test_a_consent_is_recorded_with_its_time_source_and_text_version(collaborator_a, settings):
    settings.MARKETING_CONSENT_VERSION = "2026-12"
    data = clients.ClientData(
        kind="person", email="anna@example.it", address="Via Po 1", postal_code="10121",
        city="Torino", province="TO", first_name="Anna", last_name="Verdi",
        codice_fiscale="VRDNNA80A41L219J", marketing_consent=True,
    )  # fmt: skip
    client = clients.create_client(actor=collaborator_a, data=data)
    assert client.marketing_consent_at is not None
    assert (client.marketing_consent_source, client.marketing_consent_version) == (
        "agency_form",
        "2026-12",
    )


def test_nothing_promotional_is_sent_without_the_consent(collaborator_a):
    client = ClientFactory(created_by=collaborator_a)
    with pytest.raises(DomainError) as refused:
        clients.send_promotional_email(client=client, template="privacy_extended", context={})
    assert refused.value.code == "no_marketing_consent"
    assert not OutboundMessage.objects.filter(recipient=client.email).exists()


def test_a_consenting_client_gets_the_promotional_email(collaborator_a):
    client = ClientFactory(created_by=collaborator_a, marketing_consent_at=timezone.now())
    clients.send_promotional_email(
        client=client, template="privacy_extended", context={"request": None}
    )
    assert OutboundMessage.objects.filter(recipient=client.email).count() == 1


def test_every_email_carries_a_signed_unsubscribe_link_and_the_list_unsubscribe_header(
    django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        message = queue_email(to="anna@example.it", template="privacy_extended", context={})
    link = unsubscribe_url(message)
    assert link in message.body_text
    assert link in message.body_html
    (sent,) = mailoutbox
    assert sent.extra_headers["List-Unsubscribe"] == f"<{link}>"
    assert sent.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_one_click_and_a_confirmation_withdraw_the_consent_without_login(client, collaborator_a):
    # given a consenting client and an e-mail sent to him
    person = ClientFactory(created_by=collaborator_a, marketing_consent_at=timezone.now())
    message = queue_email(to=person.email, template="privacy_extended", context={})
    path = unsubscribe_url(message).removeprefix("http://127.0.0.1:8000")
    path = path[path.index("/privacy/") :]
    # when he opens the link, nothing changes yet: the page asks to confirm
    page = client.get(path)
    person.refresh_from_db()
    assert "Conferma la disiscrizione" in page.content.decode()
    assert person.marketing_consent_at is not None
    # when he confirms
    done = client.post(path)
    # then
    person.refresh_from_db()
    assert "Disiscrizione confermata" in done.content.decode()
    assert person.marketing_consent_at is None
    event = AuditEvent.objects.get(action="client.marketing_withdrawn", object_id=str(person.pk))
    assert event.data == {"source": "email_link"}
    with pytest.raises(DomainError):
        clients.send_promotional_email(client=person, template="privacy_extended", context={})


def test_a_forged_unsubscribe_link_is_not_found(client):
    assert client.get(reverse("privacy:unsubscribe", args=["nope:forged"])).status_code == 404


def test_the_unsubscribe_page_speaks_the_clients_english(client, collaborator_a):
    message = queue_email(
        to="john@example.com", template="privacy_extended", context={}, language="en"
    )
    path = unsubscribe_url(message)[len("http://127.0.0.1:8000") :]
    page = client.get(path).content.decode()
    assert "unsubscribe" in page.lower()


def test_a_restriction_recorded_by_a_request_stops_new_quotes(client_for, operator, collaborator_a):
    # given a client who asked for restriction, with nothing kept by law
    person = ClientFactory(created_by=collaborator_a, marketing_consent_at=timezone.now())
    request = services.register_request(
        actor=operator,
        client=person,
        kind=DataSubjectRequest.Kind.RESTRICTION,
        channel=DataSubjectRequest.Channel.EMAIL,
        received_on=timezone.localdate(),
        identity_check="Documento allegato",
    )
    services.answer_request(actor=operator, request=request, answer="")
    person.refresh_from_db()
    # when his agency tries a new quote, or the MGA a promotional e-mail
    with pytest.raises(DomainError) as refused:
        quotes.create_quote(
            actor=collaborator_a,
            client=person,
            product=demo_product("RCP"),
            answers=ARCHITECT,
            effective_date=timezone.localdate(),
        )
    with pytest.raises(DomainError) as no_marketing:
        clients.send_promotional_email(client=person, template="privacy_extended", context={})
    # then both are refused, and his page says why
    assert refused.value.code == "processing_restricted"
    assert no_marketing.value.code == "processing_restricted"
    page = client_for(collaborator_a).get(reverse("clients:detail", args=[person.pk]))
    assert "non si possono fare nuovi preventivi" in page.content.decode()
