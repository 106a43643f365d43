"""Every API door validates a product's answers the same way (issue 17 §4, issue 16 §4): a 422
with a message per question, no price, nothing saved, never a 500."""

import jsonschema_rs
import pytest
from django.utils import timezone

from polis.clients.tests.factories import ClientFactory
from polis.practices.models import Practice
from polis.quotes.models import Quote
from polis.quotes.tests.factories import demo_product
from polis.quotes.tests.test_quotes import ARCHITECT

pytestmark = pytest.mark.django_db
BOND = {
    "bond_type": "definitiva_lavori",
    "credit_class": "B",
    "sum_guaranteed": "112000",
    "months": "18",
}
ACCIDENT = {
    "occupation_class": "1",
    "death_capital": "100000",
    "disability_capital": "100000",
    "daily_allowance": "50",
    "disability_deductible": "3",
    "scope": "24h",
    "sports": "nessuno",
    "instalments": "1",
}


def _post(api_client, path: str, product: str, answers: dict, **extra):
    body = {"product": product, "effective_date": str(timezone.localdate()), "answers": answers}
    return api_client.post(path, {**body, **extra}, content_type="application/json")


@pytest.mark.parametrize(
    ("product", "answers", "field"),
    [
        ("CAU", {**BOND, "sum_guaranteed": "-50000"}, "sum_guaranteed"),
        ("CAU", {**BOND, "sum_guaranteed": "abc"}, "sum_guaranteed"),
        ("CAU", {**BOND, "sum_guaranteed": "99999999"}, "sum_guaranteed"),
        ("CAU", {**BOND, "months": "0"}, "months"),
        ("CAU", {**BOND, "months": "500"}, "months"),
        ("INF", {**ACCIDENT, "death_capital": "-100000"}, "death_capital"),
        ("RCP", {**ARCHITECT, "colour": "blu"}, "colour"),
        ("RCP", {**ARCHITECT, "professional_class": "LEG", "run_off_years": "10"}, "retroactivity"),
    ],
)
@pytest.mark.parametrize("path", ["/api/price", "/api/quotes", "/api/practices"])
def test_bad_answers_get_a_422_per_field_and_nothing_is_saved(
    client_for, collaborator_a, product, answers, field, path
):
    # given
    demo_product(product)
    customer = ClientFactory(created_by=collaborator_a)
    # when
    response = _post(client_for(collaborator_a), path, product, answers, client_id=customer.pk)
    # then
    body = response.json()
    assert (response.status_code, list(body["errors"]), body["field"]) == (422, [field], field)
    assert body["errors"][field]
    assert "gross" not in body
    assert not Quote.objects.exists()
    assert not Practice.objects.exists()


def test_ten_thousand_extra_keys_are_refused_not_stored(client_for, collaborator_a):
    # given
    demo_product("RCP")
    customer = ClientFactory(created_by=collaborator_a)
    answers = {**ARCHITECT, **{f"k{i}": "x" * 100 for i in range(10_000)}}
    # when
    response = _post(
        client_for(collaborator_a), "/api/quotes", "RCP", answers, client_id=customer.pk
    )
    # then: refused with a short answer, not one line per key
    assert response.status_code == 422
    assert len(response.json()["errors"]) == 11
    assert response.json()["errors"]["answers"] == "E altre 9990 domande sconosciute."
    assert not Quote.objects.exists()


def test_the_api_stores_the_answers_as_validated(client_for, collaborator_a):
    # given
    demo_product("CAU")
    customer = ClientFactory(created_by=collaborator_a)
    # when
    response = _post(
        client_for(collaborator_a),
        "/api/quotes",
        "CAU",
        {**BOND, "sum_guaranteed": 112000.0, "months": 18},
        client_id=customer.pk,
    )
    # then
    assert response.status_code == 201
    assert Quote.objects.get().answers == BOND


def test_each_product_publishes_the_json_schema_of_its_answers(client_for, collaborator_a):
    # given
    demo_product("CAU")
    api_client = client_for(collaborator_a)
    # when
    schema = api_client.get("/api/products/CAU/answers-schema").json()
    products = api_client.get("/api/products").json()
    # then
    assert products[0]["answers_schema"] == "/api/products/CAU/answers-schema"
    assert schema["properties"]["months"] == {
        "title": "Durata (mesi)",
        "type": ["number", "string"],
        "minimum": 1,
        "maximum": 120,
        "multipleOf": 1,
        "pattern": "^-?[0-9]+(\\.[0-9]+)?$",
    }
    assert "provvisoria" in schema["properties"]["bond_type"]["enum"]
    assert set(schema["required"]) == {"bond_type", "credit_class", "sum_guaranteed", "months"}
    assert jsonschema_rs.is_valid(schema, {**BOND, "months": 18})
    assert not jsonschema_rs.is_valid(schema, {**BOND, "months": 500})
    assert not jsonschema_rs.is_valid(schema, {**BOND, "extra": "1"})
