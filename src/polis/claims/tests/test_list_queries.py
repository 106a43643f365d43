"""The lists that grow with the portfolio run the same queries for a short page and a full one."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from polis.claims.models import Claim
from polis.clients.tests.factories import ClientFactory
from polis.practices.models import Practice
from polis.practices.tests.factories import PracticeFactory

pytestmark = pytest.mark.django_db
S = Claim.Status


def claims_on(practices, adjuster) -> None:
    """One claim per practice, in every stage, some with an SLA running (bulk: no documents)."""
    today = timezone.localdate()
    stages = [S.OPENED, S.DOCS_MISSING, S.ASSIGNED, S.INVESTIGATION, S.PAID]
    Claim.objects.bulk_create(
        Claim(
            number=f"SIN-2026-{9000 + n:06d}",
            firm=practice.firm,
            practice=practice,
            client=practice.client,
            claim_type="richiesta_danni",
            claim_type_label="Richiesta di risarcimento",
            event_date=today - timedelta(days=10),
            reported_on=today - timedelta(days=5),
            place="Milano",
            description="Contestazione.",
            status=stages[n % len(stages)],
            docs_complete_on=today - timedelta(days=4) if n % 5 else None,
            sla_due=today + timedelta(days=n % 7 - 3) if n % 5 else None,
            adjuster=adjuster if n % 5 else None,
            created_by=practice.created_by,
        )
        for n, practice in enumerate(practices)
    )


def in_force(collaborator, count: int) -> list[Practice]:
    today = timezone.localdate()
    return [
        PracticeFactory(
            created_by=collaborator,
            status=Practice.Status.IN_FORCE,
            effective_date=today - timedelta(days=300),
            end_date=today + timedelta(days=20 + n),
        )
        for n in range(count)
    ]


def queries(client, url: str, params=None) -> tuple[int, int]:
    cache.clear()  # the SLA overview is cached for a minute: count its queries each time
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(captured), len(response.context["page"])


@pytest.mark.parametrize(
    ("name", "params", "who"),
    [
        ("claims:list", {}, "collaborator"),
        ("claims:list", {"q": "Rossi"}, "collaborator"),
        ("claims:list", {}, "operator"),
        ("claims:list", {"scaduti": "1"}, "operator"),
        ("claims:list", {}, "adjuster"),
        ("claims:eligible_policies", {}, "collaborator"),
        ("practices:renewals", {}, "collaborator"),
        ("clients:list", {}, "collaborator"),
        ("clients:list", {}, "operator"),
    ],
)
def test_a_full_page_costs_the_queries_of_a_short_one(
    client_for, collaborator_a, operator, adjuster, name, params, who
):
    user = {"collaborator": collaborator_a, "operator": operator, "adjuster": adjuster}[who]
    page = client_for(user)
    url = reverse(name)
    # given a short page
    few = in_force(collaborator_a, 2)
    for practice in few:
        practice.client.last_name = "Rossi"
        practice.client.save()
    claims_on(few, adjuster)
    ClientFactory(created_by=collaborator_a, last_name="Rossi")
    short, short_rows = queries(page, url, params)
    # when the portfolio grows past a page
    more = in_force(collaborator_a, 33)
    for practice in more:
        practice.client.last_name = "Rossi"
        practice.client.save()
    Claim.objects.all().delete()
    claims_on(few + more, adjuster)
    full, full_rows = queries(page, url, params)
    # then the page is fuller and the queries are the same
    assert full_rows > short_rows > 0
    assert full == short
