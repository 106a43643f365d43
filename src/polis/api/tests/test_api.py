import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone

from polis.api.api import api
from polis.clients.tests.factories import ClientFactory
from polis.quotes.models import Quote
from polis.quotes.tests.factories import demo_product
from polis.quotes.tests.test_quotes import ARCHITECT

SCHEMA = Path(__file__).resolve().parents[4] / "docs" / "openapi.json"
pytestmark = pytest.mark.django_db


def test_the_committed_openapi_schema_is_current():
    # The contract is reviewed in diffs: regenerate with `make openapi` when the API changes.
    generated = api.get_openapi_schema(path_prefix="/api")
    assert json.loads(SCHEMA.read_text()) == json.loads(json.dumps(generated, default=str))


def test_price_without_saving_returns_the_breakdown(client_for, collaborator_a):
    # given
    demo_product("RCP")
    # when
    response = client_for(collaborator_a).post(
        "/api/price",
        {"product": "RCP", "effective_date": str(timezone.localdate()), "answers": ARCHITECT},
        content_type="application/json",
    )
    # then
    body = response.json()
    assert (response.status_code, Decimal(body["gross"]), body["tariff_version"]) == (
        200,
        Decimal("843.34"),
        "2026-01",
    )
    assert not Quote.objects.exists()


def test_outside_the_tariff_the_api_says_why(client_for, collaborator_a):
    # given
    demo_product("RCP")
    # when
    response = client_for(collaborator_a).post(
        "/api/price",
        {
            "product": "RCP",
            "effective_date": str(timezone.localdate()),
            "answers": {**ARCHITECT, "limit": "3000000"},
        },
        content_type="application/json",
    )
    # then
    assert response.status_code == 422
    assert "Massimale" in response.json()["detail"]


def test_create_then_read_a_quote(client_for, collaborator_a):
    # given
    demo_product("RCP")
    customer = ClientFactory(created_by=collaborator_a)
    api_client = client_for(collaborator_a)
    # when
    created = api_client.post(
        "/api/quotes",
        {
            "product": "RCP",
            "effective_date": str(timezone.localdate()),
            "answers": ARCHITECT,
            "client_id": customer.pk,
        },
        content_type="application/json",
    )
    listed = api_client.get("/api/quotes")
    # then
    assert created.status_code == 201
    number = created.json()["number"]
    assert [q["number"] for q in listed.json()] == [number]
    read = api_client.get(f"/api/quotes/{created.json()['id']}").json()
    assert (read["status"], Decimal(read["gross"])) == ("priced", Decimal("843.34"))


def test_a_past_effective_date_is_refused_with_the_field(client_for, collaborator_a):
    # given
    demo_product("RCP")
    customer = ClientFactory(created_by=collaborator_a)
    # when
    response = client_for(collaborator_a).post(
        "/api/quotes",
        {
            "product": "RCP",
            "effective_date": "2020-01-01",
            "answers": ARCHITECT,
            "client_id": customer.pk,
        },
        content_type="application/json",
    )
    # then
    assert (response.status_code, response.json()["field"]) == (422, "effective_date")
    assert not Quote.objects.exists()


@pytest.mark.parametrize("path", ["/api/quotes", "/api/claims", "/api/practices"])
def test_lists_answer_an_offset_past_any_list_with_an_empty_page(client_for, collaborator_a, path):
    # found by schemathesis: an offset beyond PostgreSQL's bigint was a server error
    response = client_for(collaborator_a).get(path, {"offset": 10**30, "limit": 10**6})
    assert (response.status_code, response.json()) == (200, [])
