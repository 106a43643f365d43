from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from polis.claims.tests.support import open_claim_on, policy_in_force
from polis.clients.tests.factories import ClientFactory
from polis.practices import services as practices
from polis.practices.models import Practice
from polis.practices.tests.factories import PracticeFactory
from polis.quotes import services as quotes
from polis.quotes.tests.factories import demo_product
from polis.quotes.tests.test_quotes import ARCHITECT
from polis.web.figures import CHART_MONTHS, _month_start, operator_figures, portfolio_figures

pytestmark = pytest.mark.django_db
S = Practice.Status


def _practice(user, status, *, gross="0", issued_at=None, ends_in=None, **fields):
    today = timezone.localdate()
    end = today + timedelta(days=ends_in if ends_in is not None else 200)
    return PracticeFactory(
        created_by=user,
        status=status,
        gross=Decimal(gross),
        issued_at=issued_at,
        effective_date=end - timedelta(days=365),
        end_date=end,
        **fields,
    )


def _quote(user):
    return quotes.create_quote(
        actor=user,
        client=ClientFactory(created_by=user),
        product=demo_product("RCP"),
        answers=ARCHITECT,
        effective_date=timezone.localdate(),
    )


@pytest.fixture
def known_portfolio(collaborator_a, collaborator_b):
    """Firm A: 1,500 € written this month in two practices, one cancelled and one from over a
    year ago; two quotes, one converted. Firm B: 9,999 € this month, expiring in 10 days."""
    month = _month_start(timezone.localdate())
    _practice(collaborator_a, S.IN_FORCE, gross="1000.00", issued_at=month, ends_in=20)
    _practice(collaborator_a, S.SIGNED, gross="500.00", issued_at=month)
    _practice(collaborator_a, S.CANCELLED, gross="300.00", issued_at=month)
    old = month - timedelta(days=400)
    _practice(collaborator_a, S.IN_FORCE, gross="200.00", issued_at=old, ends_in=45)
    _practice(collaborator_b, S.IN_FORCE, gross="9999.00", issued_at=month, ends_in=10)
    _quote(collaborator_a)
    practices.convert_quote(actor=collaborator_a, quote=_quote(collaborator_a))  # a draft


def test_a_collaborator_sees_the_figures_of_his_firm_only(
    known_portfolio, collaborator_a, django_assert_num_queries
):
    # when
    with django_assert_num_queries(5):
        figures = portfolio_figures(collaborator_a)
    # then
    assert figures["premiums_month"] == Decimal("1500.00")
    assert figures["practices_month"] == 2
    assert figures["premiums_year"] == Decimal("1500.00")
    assert figures["to_complete"] == 2  # the signed one and the draft from the quote
    assert (figures["expiring_30"], figures["expiring_60"]) == (1, 2)
    assert (figures["quotes_year"], figures["quotes_converted"]) == (2, 1)
    assert figures["claims_open"] == 0
    months = figures["premiums_by_month"]
    assert len(months) == CHART_MONTHS
    assert months[-1]["month"] == _month_start(timezone.localdate()).date()
    assert [row["premiums"] for row in months] == [Decimal(0)] * 11 + [Decimal("1500.00")]
    assert figures["premiums_chart"]["values"] == [0.0] * 11 + [1500.0]


def test_another_firm_sees_only_its_own(known_portfolio, collaborator_b):
    # given a quote and a claim opened by firm B on a policy issued today
    _quote(collaborator_b)
    claim_policy = policy_in_force(collaborator_b)
    Practice.objects.filter(pk=claim_policy.pk).update(issued_at=timezone.now())
    open_claim_on(collaborator_b, claim_policy)
    # when
    figures = portfolio_figures(collaborator_b)
    # then its 9,999 € and the policy in force for the claim, nothing of firm A
    assert figures["premiums_month"] == Decimal("9999.00") + claim_policy.gross
    assert (figures["expiring_30"], figures["quotes_year"], figures["claims_open"]) == (1, 1, 1)


def test_the_operator_sees_the_review_queue_age_and_the_volumes_per_product(
    known_portfolio, collaborator_a, operator
):
    # given a practice sent to review three days ago
    _practice(collaborator_a, S.IN_REVIEW, submitted_at=timezone.now() - timedelta(days=3))
    # when
    figures = operator_figures(operator)
    # then
    assert (figures["review_count"], figures["review_oldest_days"]) == (1, 3)
    assert [
        (row["product"], row["practices"], row["premiums"]) for row in figures["volumes_by_product"]
    ] == [("Prodotto RCP", 3, Decimal("11499.00"))]


def test_the_dashboard_shows_each_figure_linked_to_its_list_and_the_chart_as_a_table(
    known_portfolio, client_for, collaborator_a
):
    # when
    html = client_for(collaborator_a).get(reverse("web:dashboard")).content.decode()
    # then
    assert "€\u00a01.500,00" in html
    assert f'href="{reverse("practices:expiring")}?giorni=30"' in html
    assert f'href="{reverse("quotes:list")}"' in html
    assert "<caption>Premi emessi negli ultimi 12 mesi</caption>" in html
    assert "9.999" not in html


def test_the_operator_dashboard_lists_the_volumes_with_links(known_portfolio, client_for, operator):
    html = client_for(operator).get(reverse("web:dashboard")).content.decode()
    product = demo_product("RCP")
    assert f'href="{reverse("practices:list")}?prodotto={product.pk}">Prodotto RCP</a>' in html
    assert "€\u00a011.499,00" in html
