"""The claim list shows each claim's cells as the detail page does: its link, dates, status, SLA."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from polis.claims.models import Claim
from polis.claims.selectors import sla_of
from polis.claims.tests.test_list_queries import claims_on, in_force
from polis.practices.models import Practice
from polis.practices.tests.factories import PracticeFactory

pytestmark = pytest.mark.django_db


def _row(html: str, number: str) -> str:
    start = html.index(number)
    return html[start : html.index("</tr>", start)]


def test_each_row_links_its_claim_and_says_where_its_sla_stands(
    client_for, collaborator_a, adjuster
):
    # given claims in every stage (see claims_on: no SLA, SLA two working days late, some left)
    claims_on(in_force(collaborator_a, 5), adjuster)
    # when the collaborator opens the list
    html = client_for(collaborator_a).get(reverse("claims:list")).content.decode()
    # then each row links the claim's page and shows its event date and status
    for claim in Claim.objects.all():
        row = _row(html, claim.number)
        assert f'href="{reverse("claims:detail", args=[claim.pk])}"' in html
        assert claim.event_date.strftime("%d/%m/%Y") in row
        assert claim.get_status_display() in row
        if claim.sla_due is None:
            assert "documenti da completare" in row
            continue
        sla = sla_of(claim)
        if not sla.running:
            expected = "nei tempi"
        elif sla.overdue:
            expected = f"in ritardo di {sla.days_late} giorn"
        else:
            expected = f"{sla.days_left} giorn"
        assert expected in row, row
        if sla.running:
            assert f"scadenza {claim.sla_due:%d/%m/%Y}" in row


def test_the_practice_list_formats_amounts_dates_links_and_badges(
    client_for, collaborator_a, operator
):
    # given a practice to be issued and one completed, starting later
    today = timezone.localdate()
    draft = PracticeFactory(
        created_by=collaborator_a,
        status=Practice.Status.DRAFT,
        policy_number=None,
        gross=Decimal("1234.5"),
    )
    later = PracticeFactory(
        created_by=collaborator_a,
        status=Practice.Status.COMPLETED,
        policy_number="RCP-2026-000042",
        effective_date=today + timedelta(days=3),
        end_date=today + timedelta(days=368),
    )
    # when the collaborator and the MGA open the list
    mine = client_for(collaborator_a).get(reverse("practices:list")).content.decode()
    mga = client_for(operator).get(reverse("practices:list")).content.decode()
    # then the amounts are Italian, the dates dd/mm/yyyy, each row links its practice
    assert "€ 1.234,50" in mine
    assert f'href="{reverse("practices:detail", args=[draft.pk])}">da emettere</a>' in mine
    row = _row(mine, "RCP-2026-000042")
    assert f"{later.effective_date:%d/%m/%Y}" in row
    assert f"{later.end_date:%d/%m/%Y}" in row
    assert "Perfezionata</span> <span" in row
    assert f"decorre dal {later.effective_date:%d/%m}" in row
    # and only the MGA sees the firm of each practice
    assert collaborator_a.firm.name in _row(mga, "RCP-2026-000042")
    assert collaborator_a.firm.name not in _row(mine, "RCP-2026-000042")
