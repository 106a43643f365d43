"""Portfolio search on both backends: parts of names, of a codice fiscale, of a policy or claim
number (trigram indexes on PostgreSQL, scans on SQLite)."""

import pytest
from django.urls import reverse

from polis.claims import selectors as claim_selectors
from polis.claims.tests.support import open_claim_on, policy_in_force
from polis.clients.models import Client
from polis.clients.selectors import search_clients
from polis.clients.tests.factories import ClientFactory
from polis.core.pagination import CappedPaginator
from polis.practices.models import Practice
from polis.practices.tests.factories import PracticeFactory

pytestmark = pytest.mark.django_db
CF = "BNCNNA80A41F205Y"


@pytest.fixture
def portfolio(collaborator_a, collaborator_b):
    bianchi = ClientFactory(
        created_by=collaborator_a, last_name="Bianchi", first_name="Anna", codice_fiscale=CF
    )
    studio = ClientFactory(
        created_by=collaborator_a,
        kind=Client.Kind.COMPANY,
        first_name="",
        last_name="",
        company_name="Studio Tecnico Galli",
        codice_fiscale="",
        partita_iva="44444440018",
    )
    return {
        "bianchi": PracticeFactory(
            created_by=collaborator_a,
            client=bianchi,
            status=Practice.Status.ISSUED,
            policy_number="RCP-2026-000123",
        ),
        "studio": PracticeFactory(
            created_by=collaborator_a,
            client=studio,
            status=Practice.Status.ISSUED,
            policy_number="CAU-2025-004567",
        ),
        "other_firm": PracticeFactory(
            created_by=collaborator_b,
            client=ClientFactory(created_by=collaborator_b, last_name="Bianchi"),
            status=Practice.Status.ISSUED,
            policy_number="RCP-2026-000124",
        ),
    }


def numbers(client, **params):
    response = client.get(reverse("practices:list"), params)
    return sorted(p.policy_number for p in response.context["page"])


@pytest.mark.parametrize(
    ("typed", "found"),
    [
        ("ianch", ["RCP-2026-000123"]),  # part of the surname, any case
        ("anna bianchi", ["RCP-2026-000123"]),  # every word must match
        ("tecnico", ["CAU-2025-004567"]),  # part of a company name
        ("bncnna80", ["RCP-2026-000123"]),  # the start of a codice fiscale
        ("80a41", ["RCP-2026-000123"]),  # its middle
        (CF.lower(), ["RCP-2026-000123"]),  # a whole codice fiscale
        ("44444440018", ["CAU-2025-004567"]),  # a partita IVA
        ("000123", ["RCP-2026-000123"]),  # the end of a policy number
        ("2026-0001", ["RCP-2026-000123"]),  # its middle
        ("rcp-2026-000123", ["RCP-2026-000123"]),  # a whole policy number
        ("RCP-2026-000124", []),  # another firm's
        ("verdi", []),
    ],
)
def test_the_practice_list_finds_parts_of_names_tax_codes_and_numbers(
    client_for, collaborator_a, portfolio, typed, found
):
    assert numbers(client_for(collaborator_a), q=typed) == found


def test_the_mga_searches_every_firm(client_for, operator, portfolio):
    assert numbers(client_for(operator), q="rcp-2026-00012") == [
        "RCP-2026-000123",
        "RCP-2026-000124",
    ]
    assert numbers(client_for(operator), q="bianchi") == ["RCP-2026-000123", "RCP-2026-000124"]


def test_the_client_list_finds_parts_of_names_and_tax_codes(collaborator_a, portfolio):
    def found(typed):
        return [c.display_name for c in search_clients(collaborator_a, typed)]

    assert found("bianc") == ["Bianchi Anna"]
    assert found("NNA80A") == ["Bianchi Anna"]
    assert found("galli") == ["Studio Tecnico Galli"]
    assert found("44444440018") == ["Studio Tecnico Galli"]
    assert found("rossi") == []


def test_claims_are_found_by_their_number_the_policy_and_the_client(collaborator_a):
    # given
    claim = open_claim_on(collaborator_a, policy_in_force(collaborator_a))
    policy = claim.practice

    def found(typed):
        return list(claim_selectors.search_claims(collaborator_a, query=typed))

    # then
    assert found(claim.number) == [claim]
    assert found(claim.number[-6:]) == [claim]
    assert found(policy.policy_number) == [claim]
    assert found(policy.policy_number[4:12]) == [claim]
    assert found(policy.client.last_name[1:].lower()) == [claim]
    assert found(policy.client.codice_fiscale[:8]) == [claim]
    assert found("nessuno") == []
    assert list(claim_selectors.eligible_policies(collaborator_a, query="2026-")) == [policy]


def test_a_part_of_a_number_finds_the_claims_its_searcher_may_see(
    collaborator_a, collaborator_b, operator
):
    # given: a claim of each firm, on policies numbered alike
    mine = open_claim_on(collaborator_a, policy_in_force(collaborator_a))
    theirs = open_claim_on(collaborator_b, policy_in_force(collaborator_b))
    typed = mine.practice.policy_number[4:9]  # "2026-": both policies

    def found(user):
        return list(claim_selectors.search_claims(user, query=typed))

    # then: each firm its own, the MGA both, newest first
    assert found(collaborator_a) == [mine]
    assert found(collaborator_b) == [theirs]
    assert found(operator) == [theirs, mine]


def test_the_count_stops_at_the_cap(collaborator_a, portfolio):
    # given
    rows = Practice.objects.order_by("pk")
    # when
    capped = CappedPaginator(rows, 1, cap=2)
    exact = CappedPaginator(rows, 1, cap=3)
    # then
    assert (capped.count, capped.capped, capped.num_pages) == (3, True, 2)
    assert (exact.count, exact.capped, exact.num_pages) == (3, False, 3)
    assert [p.pk for p in capped.page(2)] == [portfolio["studio"].pk]
