"""Claims history and custom offers (issue 17 §6): a declared claim says at once that the MGA
will assess the risk; an offer's cover is structured per coverage and printed in the contract;
terms the MGA approved do not go back to review."""

import subprocess
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from polis.clients.tests.factories import ClientFactory
from polis.core.errors import DomainError
from polis.practices import services as practices
from polis.practices.models import Practice
from polis.quotes import services
from polis.quotes.models import QuoteRequest
from polis.quotes.tests.factories import demo_product
from polis.quotes.tests.test_quotes import ARCHITECT

pytestmark = pytest.mark.django_db
COVER = [
    {"coverage": "rc_professionale", "limit": "750000", "deductible": "3000", "scoperto": "10"},
    {"coverage": "retroattivita", "limit": "", "deductible": "", "scoperto": ""},
]


def test_a_declared_claim_says_at_once_that_the_mga_will_assess_it(client_for, collaborator_a):
    # given
    product = demo_product("RCP")
    customer = ClientFactory(created_by=collaborator_a)
    page = client_for(collaborator_a)
    # when
    page.post(
        reverse("quotes:create_for_product", args=[product.code]),
        {
            "client": customer.pk,
            "effective_date": timezone.localdate().isoformat(),
            **ARCHITECT,
            "claims_last_5_years": "on",
        },
    )
    quote = customer.quotes.get()
    html = page.get(reverse("quotes:detail", args=[quote.pk])).content.decode()
    # then
    assert "Soggetto a valutazione dell'MGA" in html
    assert "Sinistri o circostanze dichiarati negli ultimi 5 anni" in html
    route = f"{reverse('quotes:request_create')}?client={customer.pk}&amp;product={product.pk}"
    assert route in html


def test_a_quote_without_flags_says_nothing_about_assessment(client_for, collaborator_a):
    product = demo_product("RCP")
    quote = services.create_quote(
        actor=collaborator_a,
        client=ClientFactory(created_by=collaborator_a),
        product=product,
        answers=ARCHITECT,
        effective_date=timezone.localdate(),
    )
    html = client_for(collaborator_a).get(reverse("quotes:detail", args=[quote.pk])).content
    assert "Soggetto a valutazione" not in html.decode()


@pytest.fixture
def custom(collaborator_a):
    return services.request_custom_quote(
        actor=collaborator_a,
        client=ClientFactory(created_by=collaborator_a),
        need="RC professionale per uno studio con un sinistro nel 2024",
        product=demo_product("RCP"),
        claims_count=1,
        claims_years="2024",
        claims_text="Errore di progettazione, liquidato.",
    )


def _offer(operator, custom, cover, gross="6200"):
    return services.offer_custom_quote(
        actor=operator,
        request=custom,
        product=demo_product("RCP"),
        gross=gross,
        cover=cover,
        conditions="Esclusi i sinistri già noti.",
        valid_until=timezone.localdate() + timedelta(days=20),
    )


@pytest.mark.parametrize(
    ("cover", "message"),
    [
        ([], "Responsabilità civile professionale"),
        ([{**COVER[0], "limit": "abc"}], "Massimale"),
        ([{**COVER[0], "scoperto": "150"}], "Scoperto"),
        ([*COVER, {"coverage": "furto", "limit": "1000"}], "furto"),
    ],
)
def test_an_offer_needs_a_valid_cover_for_each_coverage(operator, custom, cover, message):
    with pytest.raises(DomainError, match=message):
        _offer(operator, custom, cover)
    custom.refresh_from_db()
    assert custom.status == QuoteRequest.Status.REQUESTED


@pytest.mark.real_pdf
def test_an_accepted_offer_becomes_a_practice_with_its_cover_printed_and_no_second_review(
    operator, custom, collaborator_a
):
    # given the MGA's offer, over the automatic issuing limit, for a client with claims
    _offer(operator, custom, COVER)
    quote = services.accept_custom_offer(actor=collaborator_a, request=custom)
    # when the firm turns it into a practice and issues it
    practice = practices.convert_quote(actor=collaborator_a, quote=quote)
    practice = practices.issue_practice(actor=collaborator_a, practice=practice)
    # then it is issued at once, on the terms the MGA approved
    assert practice.status == Practice.Status.ISSUED
    assert practice.gross == Decimal("6200.00")
    with practice.contract.file.open("rb") as pdf:
        contract = pdf.read()
    text = subprocess.run(
        ["pdftotext", "-layout", "-", "-"],
        input=contract,
        capture_output=True,
        check=True,
    ).stdout.decode()
    row = next(line for line in text.splitlines() if "Responsabilità civile" in line)
    assert "€ 750.000" in row
    assert "€ 3.000" in row
    assert "scoperto 10 %" in row


def test_the_operator_sets_the_cover_in_the_offer_form(client_for, operator, custom):
    # given
    page = client_for(operator)
    form = page.get(reverse("quotes:request_detail", args=[custom.pk])).content.decode()
    assert 'name="cover-RCP-rc_professionale-limit"' in form
    # when
    response = page.post(
        reverse("quotes:request_offer", args=[custom.pk]),
        {
            "product": custom.product_id,
            "gross": "1500",
            "conditions": "Esclusi i sinistri già noti.",
            "valid_until": (timezone.localdate() + timedelta(days=10)).isoformat(),
            "cover-RCP-rc_professionale-limit": "750000",
            "cover-RCP-rc_professionale-deductible": "3000",
            "cover-RCP-rc_professionale-scoperto": "10",
        },
    )
    # then
    custom.refresh_from_db()
    assert response.status_code == 302
    assert custom.offer_cover == [
        {"coverage": "rc_professionale", "limit": "750000", "deductible": "3000", "scoperto": "10"}
    ]
    html = page.get(reverse("quotes:request_detail", args=[custom.pk])).content.decode()
    assert "Responsabilità civile professionale: € 750.000 · € 3.000, scoperto 10 %" in html
