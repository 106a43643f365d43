""" "Aggiungilo": a client added from a quote or practice form goes back to it, chosen."""

import re

import pytest

from polis.clients.models import Client
from polis.clients.tests.factories import ClientFactory
from polis.clients.tests.test_clients import PERSON, valid_cf
from polis.quotes.tests.factories import demo_product

pytestmark = pytest.mark.django_db


def selected_client(html: str) -> str | None:
    select = re.search(r'<select name="client".*?</select>', html, re.S).group(0)
    chosen = re.search(r'<option value="(\d+)" selected>', select)
    return chosen.group(1) if chosen else None


@pytest.mark.parametrize("form_url", ["/preventivi/nuovo/RCP/", "/pratiche/nuova/RCP/"])
def test_a_client_added_from_the_form_comes_back_chosen(client_for, collaborator_a, form_url):
    # given the quote (or practice) form, with clients enough that the new one is not listed
    demo_product("RCP")
    ClientFactory.create_batch(3, created_by=collaborator_a)
    browser = client_for(collaborator_a)
    form = browser.get(form_url).content.decode()
    link = re.search(r'href="(/clienti/nuovo/\?next=[^"]+)"', form).group(1)
    # when the collaborator follows "Aggiungilo" and saves the client
    response = browser.post(link, {**PERSON, "codice_fiscale": valid_cf()})
    # then the form comes back with the new client chosen
    client = Client.objects.get(codice_fiscale=valid_cf())
    assert response["Location"] == f"{form_url}?cliente={client.pk}"
    assert selected_client(browser.get(response["Location"]).content.decode()) == str(client.pk)


def test_a_duplicate_offers_the_existing_client_for_the_form(client_for, collaborator_a):
    # given
    existing = ClientFactory(created_by=collaborator_a, codice_fiscale=valid_cf())
    # when
    page = (
        client_for(collaborator_a)
        .post(
            "/clienti/nuovo/?next=/preventivi/nuovo/RCP/", {**PERSON, "codice_fiscale": valid_cf()}
        )
        .content.decode()
    )
    # then
    assert f'href="/preventivi/nuovo/RCP/?cliente={existing.pk}"' in page


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "preventivi/"])
def test_only_a_page_of_this_site_is_returned_to(client_for, collaborator_a, target):
    # when
    response = client_for(collaborator_a).post(
        f"/clienti/nuovo/?next={target}", {**PERSON, "codice_fiscale": valid_cf()}
    )
    # then
    client = Client.objects.get()
    assert response["Location"] == f"/clienti/{client.pk}/"


def test_a_client_the_user_may_not_see_is_not_chosen(client_for, collaborator_a, collaborator_b):
    # given
    demo_product("RCP")
    other = ClientFactory(created_by=collaborator_b)
    # when
    page = client_for(collaborator_a).get(f"/preventivi/nuovo/RCP/?cliente={other.pk}")
    # then
    assert other.display_name not in page.content.decode()
    assert selected_client(page.content.decode()) is None
