"""POG at quote and at issue, through the services the pages and the API call: the negative
target market blocked, outside it the justification kept with the quote and the practice and
listed for the MGA, inside nothing asked."""

import pytest
from django.urls import reverse
from django.utils import timezone

from polis.clients.models import Client
from polis.clients.tests.factories import ClientFactory
from polis.core.errors import DomainError
from polis.devdata.catalog import ARCHITECT_EXAMPLE, NEEDS_QUESTIONNAIRES, TARGET_MARKETS
from polis.practices import services as practices
from polis.practices.models import Practice
from polis.practices.selectors import sales_outside_target_market
from polis.quotes import services
from polis.quotes.models import Quote
from polis.quotes.tests.factories import demo_product

pytestmark = pytest.mark.django_db
WHY = "Studio associato di due architetti che firmano i progetti in proprio."
NEEDS = {"need": "si", "registered": "si", "other_policy": "no"}


@pytest.fixture
def rcp():
    product = demo_product("RCP")
    product.target_market = TARGET_MARKETS["RCP"]
    product.needs_questionnaire = NEEDS_QUESTIONNAIRES["RCP"]
    product.save()
    return product


def _quote(actor, product, client, **extra):
    return services.create_quote(
        actor=actor,
        client=client,
        product=product,
        answers=dict(ARCHITECT_EXAMPLE),
        effective_date=timezone.localdate(),
        **extra,
    )


def _company(actor):
    return ClientFactory(
        created_by=actor,
        kind=Client.Kind.COMPANY,
        company_name="Studio Galli",
        codice_fiscale="",
        partita_iva="44444440018",
    )


def _issue(actor, quote, needs=NEEDS, **extra):
    practice = practices.convert_quote(actor=actor, quote=quote)
    practices.record_demands_and_needs(
        actor=actor, practice=practice, answers=needs, medium="email", durable_consent=True
    )
    practice.refresh_from_db()
    return practices.issue_practice(actor=actor, practice=practice, **extra)


def test_inside_the_target_market_nothing_is_asked(collaborator_a, rcp):
    quote = _quote(collaborator_a, rcp, ClientFactory(created_by=collaborator_a))
    assert quote.target_market is None
    assert _issue(collaborator_a, quote).status == Practice.Status.ISSUED


def test_outside_the_quote_asks_a_justification_and_keeps_it(collaborator_a, rcp):
    company = _company(collaborator_a)
    with pytest.raises(DomainError) as refused:
        _quote(collaborator_a, rcp, company)
    assert refused.value.code == "target_market_justification_required"
    assert not Quote.objects.exists()
    # when
    quote = _quote(collaborator_a, rcp, company, target_market_justification=WHY)
    # then
    assert quote.target_market["justification"] == WHY
    assert quote.target_market["by"] == collaborator_a.get_full_name()
    # the same reasons at issue: the quote's justification holds, kept with the practice
    practice = _issue(collaborator_a, quote)
    assert practice.status == Practice.Status.ISSUED
    assert practice.target_market["justification"] == WHY


def _any_need_consistent(product):
    """Demands and needs that never stop the issue: only the target market is checked."""
    product.needs_questionnaire = {
        **NEEDS_QUESTIONNAIRES["RCP"],
        "questions": [
            {**q, "consistent": ["si", "no"]} for q in NEEDS_QUESTIONNAIRES["RCP"]["questions"]
        ],
    }
    product.save()


def test_a_new_reason_at_issue_asks_a_new_justification(collaborator_a, rcp):
    _any_need_consistent(rcp)
    quote = _quote(collaborator_a, rcp, _company(collaborator_a), target_market_justification=WHY)
    not_registered = {**NEEDS, "registered": "no"}
    with pytest.raises(DomainError) as refused:
        _issue(collaborator_a, quote, needs=not_registered)
    assert refused.value.code == "target_market_justification_required"
    assert "È iscritto a un albo" in refused.value.message
    practice = Practice.objects.get()
    issued = practices.issue_practice(
        actor=collaborator_a,
        practice=practice,
        target_market_justification="Iscrizione all'albo in corso, esercita già da dipendente.",
    )
    assert issued.status == Practice.Status.ISSUED
    assert issued.target_market["justification"].startswith("Iscrizione")


def test_the_negative_target_market_blocks_the_issue(collaborator_a, rcp):
    rcp.target_market = {**TARGET_MARKETS["RCP"], "negative": {"needs": {"other_policy": ["si"]}}}
    _any_need_consistent(rcp)
    quote = _quote(collaborator_a, rcp, ClientFactory(created_by=collaborator_a))
    with pytest.raises(DomainError) as refused:
        _issue(
            collaborator_a,
            quote,
            needs={**NEEDS, "other_policy": "si"},
            target_market_justification=WHY,
        )
    assert refused.value.code == "target_market_negative"
    assert Practice.objects.get().status == Practice.Status.DRAFT


def test_the_negative_target_market_blocks_the_quote(collaborator_a):
    product = demo_product("INF")
    product.target_market = TARGET_MARKETS["INF"]
    product.save()
    minor = ClientFactory(
        created_by=collaborator_a, birth_date=timezone.localdate().replace(year=2015)
    )
    answers = {
        "occupation_class": "1",
        "death_capital": "100000",
        "disability_capital": "100000",
        "daily_allowance": "0",
        "disability_deductible": "3",
        "scope": "24h",
        "sports": "nessuno",
        "instalments": "1",
    }
    with pytest.raises(DomainError) as refused:
        services.create_quote(
            actor=collaborator_a,
            client=minor,
            product=product,
            answers=answers,
            effective_date=timezone.localdate(),
            target_market_justification=WHY,
        )
    assert refused.value.code == "target_market_negative"
    assert "target market negativo" in refused.value.message


def test_the_mga_lists_the_sales_outside_the_target_market(
    collaborator_a, collaborator_b, operator, rcp
):
    _issue(collaborator_a, _quote(collaborator_a, rcp, ClientFactory(created_by=collaborator_a)))
    sold = _issue(
        collaborator_a,
        _quote(collaborator_a, rcp, _company(collaborator_a), target_market_justification=WHY),
    )
    assert list(sales_outside_target_market(operator)) == [sold]
    assert not sales_outside_target_market(collaborator_a).exists()


def test_the_api_asks_the_same_justification(client_for, collaborator_a, rcp):
    company = _company(collaborator_a)
    payload = {
        "product": "RCP",
        "client_id": company.pk,
        "answers": dict(ARCHITECT_EXAMPLE),
        "effective_date": str(timezone.localdate()),
    }
    api = client_for(collaborator_a)
    refused = api.post("/api/quotes", payload, content_type="application/json")
    assert refused.status_code == 422
    assert refused.json()["code"] == "target_market_justification_required"
    created = api.post(
        "/api/quotes",
        {**payload, "target_market_justification": WHY},
        content_type="application/json",
    )
    assert created.status_code == 201
    assert created.json()["target_market"]["justification"] == WHY


def test_the_practice_page_asks_the_justification_before_issuing(client_for, collaborator_a, rcp):
    practice = practices.create_practice(
        actor=collaborator_a,
        client=_company(collaborator_a),
        product=rcp,
        answers=dict(ARCHITECT_EXAMPLE),
        effective_date=timezone.localdate(),
    )
    practices.record_demands_and_needs(
        actor=collaborator_a, practice=practice, answers=NEEDS, medium="email", durable_consent=True
    )
    web = client_for(collaborator_a)
    url = reverse("practices:detail", args=[practice.pk])
    page = web.get(url).content.decode()
    assert "Cliente fuori dal target market del prodotto" in page
    assert 'name="target_market_justification"' in page
    web.post(reverse("practices:issue", args=[practice.pk]), {"target_market_justification": WHY})
    practice.refresh_from_db()
    assert practice.status == Practice.Status.ISSUED
    assert "Venduta fuori target market" in web.get(url).content.decode()


def test_the_report_page_and_its_csv(client_for, collaborator_a, operator, rcp):
    _issue(
        collaborator_a,
        _quote(collaborator_a, rcp, _company(collaborator_a), target_market_justification=WHY),
    )
    web = client_for(operator)
    url = reverse("practices:target_market_report")
    page = web.get(url)
    assert page.context["totals"][0]["sales"] == 1
    assert WHY in page.content.decode()
    csv = b"".join(web.get(url, {"formato": "csv"}).streaming_content).decode()
    assert "Tipo di cliente: Persona giuridica" in csv
    assert WHY in csv
