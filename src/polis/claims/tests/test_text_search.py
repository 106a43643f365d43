"""Searching the description of the event: Italian full-text search on PostgreSQL, words as
substrings on SQLite."""

import pytest
from django.db import connection
from django.urls import reverse

from polis.claims.tests.support import open_claim_on

pytestmark = pytest.mark.django_db


def test_claims_are_found_by_words_of_their_description(
    client_for, collaborator_a, collaborator_b, policy
):
    water = open_claim_on(
        collaborator_a, policy, description="Infiltrazione d'acqua dal piano superiore."
    )
    open_claim_on(collaborator_a, policy, description="Furto di attrezzatura in cantiere.")
    page = client_for(collaborator_a)
    # when the firm searches a word of the description
    found = page.get(reverse("claims:list"), {"testo": "infiltrazione acqua"})
    # then only that claim is listed
    assert [row["number"] for row in found.context["rows"]] == [water.number]
    # and another firm never sees it
    other = client_for(collaborator_b).get(reverse("claims:list"), {"testo": "infiltrazione"})
    assert other.context["rows"] == []
    if connection.vendor == "postgresql":
        # Italian stemming: the plural finds the singular
        plural = page.get(reverse("claims:list"), {"testo": "infiltrazioni"})
        assert [row["number"] for row in plural.context["rows"]] == [water.number]


def test_the_api_searches_descriptions_too(client_for, collaborator_a, policy):
    water = open_claim_on(collaborator_a, policy, description="Infiltrazione d'acqua.")
    open_claim_on(collaborator_a, policy, description="Furto in cantiere.")
    found = client_for(collaborator_a).get("/api/claims", {"text": "infiltrazione"}).json()
    assert [c["id"] for c in found] == [water.pk]
