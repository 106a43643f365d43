import subprocess
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from polis.clients.tests.factories import ClientFactory
from polis.devdata.catalog import ARCHITECT_EXAMPLE
from polis.quotes.models import Quote
from polis.quotes.tests.factories import demo_product

pytestmark = pytest.mark.django_db
ARCHITECT = ARCHITECT_EXAMPLE


@pytest.fixture
def setup(collaborator_a):
    return demo_product("RCP"), ClientFactory(created_by=collaborator_a)


def post_quote(client, product, customer, **answers):
    data = {
        "client": customer.pk,
        "effective_date": timezone.localdate().isoformat(),
        **ARCHITECT,
        **answers,
    }
    return client.post(reverse("quotes:create_for_product", args=[product.code]), data)


@pytest.mark.real_pdf
def test_fai_preventivo_prices_and_keeps_the_quote_with_its_pdf(client_for, collaborator_a, setup):
    # given
    product, customer = setup
    page = client_for(collaborator_a)
    # when
    response = post_quote(page, product, customer)
    # then
    quote = Quote.objects.get()
    assert response["Location"] == reverse("quotes:detail", args=[quote.pk])
    assert quote.number == f"PRV-{timezone.localdate().year}-000001"
    assert (quote.net, quote.tax, quote.gross) == (
        Decimal("689.85"),
        Decimal("153.49"),
        Decimal("843.34"),
    )
    assert quote.valid_until == timezone.localdate() + timedelta(days=30)
    assert quote.tariff.in_use
    detail = page.get(reverse("quotes:detail", args=[quote.pk])).content.decode()
    assert "€ 843,34" in detail
    pdf = page.get(reverse("quotes:pdf", args=[quote.pk]))
    text = subprocess.run(
        ["pdftotext", "-", "-"],
        input=b"".join(pdf.streaming_content),
        capture_output=True,
        check=True,
    ).stdout.decode()
    assert "Preventivo n. PRV-" in text
    assert "843,34" in text


def test_outside_the_tariff_nothing_is_saved_and_a_custom_quote_is_suggested(
    client_for, collaborator_a, setup
):
    # given
    product, customer = setup
    # when
    response = post_quote(
        client_for(collaborator_a),
        product,
        customer,
        professional_class="MED-A",
        turnover_band="F5",
        retroactivity="10",
        run_off_years="10",
    )
    # then
    assert "chiedi un preventivo personalizzato" in response.content.decode()
    assert not Quote.objects.exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [({"limit": "9999"}, "limit"), ({"effective_date": "2020-01-01"}, "effective_date")],
)
def test_bad_answers_are_refused_next_to_the_field(
    client_for, collaborator_a, setup, change, field
):
    # given
    product, customer = setup
    # when
    response = post_quote(client_for(collaborator_a), product, customer, **change)
    # then
    forms = (response.context["start"], response.context["questions"])
    assert any(field in form.errors for form in forms)
    assert not Quote.objects.exists()


def test_another_firms_client_cannot_be_quoted(client_for, collaborator_b, setup):
    # given
    product, customer = setup
    # when
    response = post_quote(client_for(collaborator_b), product, customer)
    # then
    assert "client" in response.context["start"].errors
    assert not Quote.objects.exists()


def test_an_expired_quote_shows_scaduto_and_is_found_by_the_filter(
    client_for, collaborator_a, setup
):
    # given
    product, customer = setup
    page = client_for(collaborator_a)
    post_quote(page, product, customer)
    Quote.objects.update(valid_until=timezone.localdate() - timedelta(days=1))
    # when
    expired = page.get(reverse("quotes:list"), {"stato": "scaduti"})
    valid = page.get(reverse("quotes:list"), {"stato": "validi"})
    # then
    assert len(expired.context["page"]) == 1
    assert "scaduto" in expired.content.decode()
    assert len(valid.context["page"]) == 0


def test_the_quote_list_row_links_the_quote_with_its_amount_dates_and_status(
    client_for, collaborator_a, setup
):
    # given a priced quote
    product, customer = setup
    page = client_for(collaborator_a)
    post_quote(page, product, customer)
    quote = Quote.objects.get()
    # when
    html = page.get(reverse("quotes:list")).content.decode()
    # then
    amount = f"{quote.gross:,.2f}".replace(",", "X").replace(".", ",").replace("X", ".")
    assert f'<a href="{reverse("quotes:detail", args=[quote.pk])}">{quote.number}</a>' in html
    assert f"€ {amount}" in html
    assert f"{quote.effective_date:%d/%m/%Y}</td><td>{quote.valid_until:%d/%m/%Y}" in html
    assert '<span class="badge text-bg-primary">Calcolato</span>' in html


def test_quote_list_queries_do_not_grow_with_the_page(
    client_for, collaborator_a, setup, django_assert_max_num_queries
):
    # given
    product, customer = setup
    page = client_for(collaborator_a)
    post_quote(page, product, customer)
    with django_assert_max_num_queries(9):
        page.get(reverse("quotes:list"))
    for _ in range(4):
        post_quote(page, product, customer)
    # then
    with django_assert_max_num_queries(9):
        page.get(reverse("quotes:list"))


def test_the_pdf_is_rendered_once_when_first_needed(client_for, collaborator_a, setup):
    from polis.documents.models import StoredFile

    product, customer = setup
    page = client_for(collaborator_a)
    post_quote(page, product, customer)
    quote = Quote.objects.get()
    # pricing stores no file; the first download renders and keeps it, the next reuses it
    assert quote.pdf is None
    files = StoredFile.objects.count()
    first = b"".join(page.get(reverse("quotes:pdf", args=[quote.pk])).streaming_content)
    second = b"".join(page.get(reverse("quotes:pdf", args=[quote.pk])).streaming_content)
    assert first == second
    assert first.startswith(b"%PDF")
    assert StoredFile.objects.count() == files + 1


def test_the_questionnaire_offers_only_what_the_product_allows_as_the_user_picks(
    client_for, collaborator_a, setup
):
    # given a lawyer with a turnover of € 30.000-70.000 being picked in FAI PREVENTIVO
    product, customer = setup
    url = reverse("quotes:create_for_product", args=[product.code])
    data = {
        "client": customer.pk,
        "effective_date": timezone.localdate().isoformat(),
        "professional_class": "LEG",
        "turnover_band": "F2",
        "retroactivity": "5",
    }
    # when the questionnaire comes back (htmx)
    response = client_for(collaborator_a).post(
        f"{url}?aggiorna=1", data, headers={"HX-Request": "true"}
    )
    # then only unlimited retroactivity, 10 years of ultrattività and limits from € 500.000
    html = response.content.decode()
    retroactivity = html[
        html.index('name="retroactivity"') : html.index(
            "</select>", html.index('name="retroactivity"')
        )
    ]
    assert 'value="illimitata" selected' in retroactivity
    assert 'value="5"' not in retroactivity
    limits = html[html.index('name="limit"') : html.index("</select>", html.index('name="limit"'))]
    assert 'value="250000"' not in limits
    assert 'value="500000"' in limits
    assert "<form" not in html  # the fragment only
    assert not Quote.objects.exists()


def test_a_lawyer_below_the_band_minimum_is_refused_with_the_reason_by_the_service(
    collaborator_a, setup
):
    from polis.core.errors import DomainError
    from polis.quotes import services

    product, customer = setup
    lawyer = {**ARCHITECT, "professional_class": "LEG", "turnover_band": "F3"}
    with pytest.raises(DomainError, match=r"massimale minimo di legge è € 1\.000\.000"):
        services.create_quote(
            actor=collaborator_a,
            client=customer,
            product=product,
            answers={**lawyer, "retroactivity": "illimitata", "run_off_years": "10"},
            effective_date=timezone.localdate(),
        )
    assert not Quote.objects.exists()
