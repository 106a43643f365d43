import pytest
from django.urls import reverse
from django.utils import translation

pytestmark = pytest.mark.django_db


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


def test_the_signing_page_follows_the_browser_until_the_client_chooses(client, sent):
    _, token = sent
    page = client.get(reverse("signatures:sign", args=[token]), HTTP_ACCEPT_LANGUAGE="en-GB,en")
    assert '<html lang="en">' in page.content.decode()
    assert "Accept-Language" in page["Vary"]


def test_the_clients_english_ends_with_his_request(client, sent):
    _, token = sent
    client.get(reverse("signatures:sign", args=[token]), HTTP_ACCEPT_LANGUAGE="en")
    assert translation.get_language() == "it"
