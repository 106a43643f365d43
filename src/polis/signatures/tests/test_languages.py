import pytest
from django.urls import reverse
from django.utils import timezone, translation

from polis.clients.tests.factories import ClientFactory
from polis.devdata.signing import sign_as_client
from polis.notify.models import OutboundMessage
from polis.practices import services as practices
from polis.quotes import services as quotes
from polis.quotes.tests.factories import demo_product
from polis.quotes.tests.test_quotes import ARCHITECT
from polis.signatures.tests.support import last_link_token, send

pytestmark = pytest.mark.django_db


@pytest.fixture
def english_sent(collaborator_a):
    """A practice of a client whose language on file is English, sent for signature:
    (practice, the link's token)."""
    quote = quotes.create_quote(
        actor=collaborator_a,
        client=ClientFactory(
            created_by=collaborator_a,
            language="en",
            email="john.smith@example.com",
            mobile="+393339876543",
        ),
        product=demo_product("RCP"),
        answers=ARCHITECT,
        effective_date=timezone.localdate(),
    )
    practice = practices.convert_quote(actor=collaborator_a, quote=quote)
    practice = practices.issue_practice(actor=collaborator_a, practice=practice)
    practice = send(collaborator_a, practice)
    return practice, last_link_token(practice.client.email)


def _last(recipient: str) -> OutboundMessage:
    return OutboundMessage.objects.filter(recipient=recipient).latest("pk")


def _ask_for_code(client, token: str):
    client.post(reverse("signatures:acknowledge", args=[token]), {"acknowledge": "1"})
    client.post(reverse("signatures:accept", args=[token]), {"accept": "1"})
    return client.post(reverse("signatures:send_code", args=[token]), follow=True)


def test_the_signing_page_speaks_english_when_the_client_chooses_it(client, sent):
    # given a client on his signing page, in Italian
    _, token = sent
    path = reverse("signatures:sign", args=[token])
    italian = client.get(path).content.decode()
    assert '<html lang="it">' in italian
    assert "Leggi il documento" in italian
    # when he presses "English" in the page's switch
    response = client.post(reverse("set_language"), {"language": "en", "next": path})
    # then he is back on the page, in English, which says so
    assert response.status_code == 302
    assert response["Location"] == path
    page = client.get(path)
    html = page.content.decode()
    assert '<html lang="en">' in html
    assert page["Content-Language"] == "en"
    assert "Read the document" in html
    assert "Leggi il documento" not in html
    assert '<button class="btn btn-link nav-link" name="language" value="it" lang="it">' in html


def test_an_english_client_is_written_to_in_english_and_his_page_opens_in_english(
    client, english_sent
):
    practice, token = english_sent
    # the e-mail with the link
    email = _last(practice.client.email)
    assert email.language == "en"
    assert email.subject.startswith("Document to sign: ")
    assert "Dear Rossi Mario," in email.body_text
    assert "Open the link, read the document and sign it" in email.body_text
    assert "Read and sign the document</a>" in email.body_html
    assert '<html lang="en">' in email.body_html
    assert "Gentile" not in email.body_text + email.body_html
    # the page, whatever his browser prefers
    page = client.get(reverse("signatures:sign", args=[token]), HTTP_ACCEPT_LANGUAGE="it")
    assert '<html lang="en">' in page.content.decode()
    assert "Read the document" in page.content.decode()
    # the SMS code, and the page's words about it
    page = _ask_for_code(client, token)
    assert "We have sent you the code by SMS." in page.content.decode()
    sms = _last(practice.client.mobile)
    assert sms.language == "en"
    assert sms.body_text.startswith("Signing code ")
    assert ", do not share it. Valid for 5 minutes." in sms.body_text


def test_an_italian_client_is_written_to_in_italian_whatever_his_browser(client, sent):
    practice, token = sent
    email = _last(practice.client.email)
    assert email.language == "it"
    assert email.subject.startswith("Documento da firmare: ")
    assert "Gentile Rossi Mario," in email.body_text
    assert '<html lang="it">' in email.body_html
    page = client.get(reverse("signatures:sign", args=[token]), HTTP_ACCEPT_LANGUAGE="en-GB,en")
    assert '<html lang="it">' in page.content.decode()
    assert "Accept-Language" in page["Vary"]
    _ask_for_code(client, token)
    sms = _last(practice.client.mobile)
    assert sms.language == "it"
    assert sms.body_text.startswith("Codice firma ")


def test_the_switch_wins_over_the_language_on_file(client, english_sent):
    # given an English client on his page
    _, token = english_sent
    path = reverse("signatures:sign", args=[token])
    assert '<html lang="en">' in client.get(path).content.decode()
    # when he switches to Italian
    client.post(reverse("set_language"), {"language": "it", "next": path})
    # then the page and its messages are Italian
    page = client.get(path).content.decode()
    assert '<html lang="it">' in page
    assert "Leggi il documento" in page
    assert "Ti abbiamo inviato il codice via SMS." in _ask_for_code(client, token).content.decode()


def test_the_intermediarys_emails_stay_italian_when_an_english_client_signs(english_sent):
    # given an English client's practice sent for signature
    practice, token = english_sent
    firm_email = practice.firm.users.filter(is_active=True).values_list("email", flat=True)[0]
    before = OutboundMessage.objects.filter(recipient=firm_email).count()
    # when he signs
    sign_as_client(token, practice.client.mobile)
    # then he gets his copy in English, the intermediary the news in Italian
    done = _last(practice.client.email)
    assert done.language == "en"
    assert done.subject.startswith("Document signed: ")
    assert "you signed" in done.body_text
    told = OutboundMessage.objects.filter(recipient=firm_email).order_by("pk")[before:]
    assert [message.language for message in told] == ["it"]
    assert told[0].subject.startswith("Firmato dal cliente: ")


def test_the_clients_english_ends_with_his_request(client, english_sent):
    _, token = english_sent
    client.get(reverse("signatures:sign", args=[token]))
    assert translation.get_language() == "it"
