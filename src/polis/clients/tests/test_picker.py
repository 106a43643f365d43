"""The client picker of FAI PREVENTIVO and of the custom quote request: a firm with thousands of
clients gets a search box, not thousands of options."""

import re

import pytest
from django.urls import reverse

from polis.clients.forms import PICKER_SIZE
from polis.clients.tests.factories import ClientFactory
from polis.quotes.tests.factories import demo_product

pytestmark = pytest.mark.django_db


def options(html: str) -> list[str]:
    """The client ids offered by the client select (or by the picker's option list)."""
    select = re.search(r'<select name="client".*?</select>', html, re.S)
    return re.findall(r'<option value="(\d+)"', select.group(0) if select else html)


@pytest.fixture
def many_clients(collaborator_a):
    return [
        ClientFactory(created_by=collaborator_a, last_name=f"Cliente{n:03d}", first_name="Ugo")
        for n in range(PICKER_SIZE + 10)
    ]


def test_the_quote_form_lists_the_first_clients_and_the_chosen_one(
    client_for, collaborator_a, many_clients
):
    page = client_for(collaborator_a)
    url = reverse("quotes:create_for_product", args=[demo_product().code])
    # when the form is opened
    html = page.get(url).content.decode()
    # then only the first clients in alphabetical order are there, with a search box
    assert options(html) == [str(c.pk) for c in many_clients[:PICKER_SIZE]]
    assert "cerca per trovare gli altri" in html
    assert reverse("clients:picker") in html
    # and a client found by searching stays chosen when the form comes back with an error
    last = many_clients[-1]
    again = page.post(url, {"client": last.pk, "effective_date": ""}).content.decode()
    assert str(last.pk) in options(again)
    assert f'<option value="{last.pk}" selected>' in again


def test_the_picker_searches_only_the_users_clients(
    client_for, collaborator_a, collaborator_b, many_clients
):
    other = ClientFactory(created_by=collaborator_b, last_name="Cliente059", first_name="Ugo")
    # when collaborator A types part of a name
    response = client_for(collaborator_a).get(reverse("clients:picker"), {"q": "cliente05"})
    # then the firm's matching clients are the options, another firm's never
    assert options(response.content.decode()) == [str(c.pk) for c in many_clients[50:60]]
    assert str(other.pk) not in options(response.content.decode())
    assert "scegli tra 10 clienti" in response.content.decode()
    # and a single match is chosen at once, nothing found says so
    one = client_for(collaborator_a).get(reverse("clients:picker"), {"q": "cliente059"})
    assert f'<option value="{many_clients[59].pk}" selected>' in one.content.decode()
    empty = client_for(collaborator_a).get(reverse("clients:picker"), {"q": "zzz"})
    assert "nessun cliente trovato" in empty.content.decode()


def test_the_picker_is_for_logged_in_portfolio_users(client_for, adjuster):
    assert client_for(None).get(reverse("clients:picker")).status_code == 302
    assert client_for(adjuster).get(reverse("clients:picker"), {"q": "a"}).status_code == 403
