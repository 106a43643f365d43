import re

import pytest
from django.urls import reverse

from polis.clients.tests.factories import ClientFactory

pytestmark = pytest.mark.django_db


def highlighted(html: str) -> list[tuple[str, str]]:
    """The sidebar's highlighted items: (aria-current, label)."""
    nav = html.split('aria-label="Menu"')[1].split("</nav>")[0]
    return re.findall(r'class="nav-link active"[^>]*aria-current="(\w+)">([^<]+)<', nav)


def test_a_detail_page_highlights_the_list_it_belongs_to(client_for, collaborator_a):
    # given a client of the agency
    person = ClientFactory(firm=collaborator_a.firm)
    page = client_for(collaborator_a)
    # when its page and the list are opened
    detail = page.get(reverse("clients:detail", args=[person.pk])).content.decode()
    listing = page.get(reverse("clients:list")).content.decode()
    # then Clienti is highlighted on both: the list is the page, the detail is inside it
    assert highlighted(detail) == [("location", "Clienti")]
    assert highlighted(listing) == [("page", "Clienti")]


def test_the_longest_matching_item_wins(client_for, collaborator_a):
    # /sinistri/apri/ belongs to APRI SINISTRO, not to Sinistri (/sinistri/)
    html = client_for(collaborator_a).get(reverse("claims:eligible_policies")).content.decode()
    assert highlighted(html) == [("page", "APRI SINISTRO")]
