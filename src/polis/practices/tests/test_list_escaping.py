"""The lists built in Python (core/rows.py) show what people typed as text: a client or firm
name with markup in it is escaped in every list, for the firm and for the MGA's staff."""

import pytest
from django.urls import reverse
from django.utils import timezone

from polis.accounts.models import Firm
from polis.claims.tests.test_list_queries import claims_on, in_force
from polis.clients.models import Client
from polis.devdata.catalog import ARCHITECT_EXAMPLE
from polis.quotes import services as quotes
from polis.quotes.tests.factories import demo_product

pytestmark = pytest.mark.django_db

NAME = '<img src=x onerror="alert(1)">Ro&ssi'
ESCAPED = "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;Ro&amp;ssi"
LISTS = ["practices:list", "practices:expiring", "practices:renewals", "claims:list"]
LISTS += ["quotes:list", "clients:list"]


@pytest.mark.parametrize("name", LISTS)
def test_a_name_with_markup_is_shown_as_text(client_for, collaborator_a, operator, adjuster, name):
    # given a practice in force ending soon, its claim and a quote, for a client and a firm
    # whose names hold markup
    practice = in_force(collaborator_a, 1)[0]
    Client.objects.filter(pk=practice.client_id).update(last_name=NAME, company_name=NAME)
    Firm.objects.filter(pk=collaborator_a.firm_id).update(name=NAME)
    claims_on([practice], adjuster)
    quotes.create_quote(
        actor=collaborator_a,
        client=Client.objects.get(pk=practice.client_id),
        product=demo_product("RCP"),
        answers=ARCHITECT_EXAMPLE,
        effective_date=timezone.localdate(),
    )
    viewers = [collaborator_a] if name == "practices:renewals" else [collaborator_a, operator]
    for user in viewers:
        # when each opens the list
        html = client_for(user).get(reverse(name), {"giorni": 90}).content.decode()
        # then the name is there as text, never as markup
        assert ESCAPED in html, (name, user)
        assert NAME not in html
