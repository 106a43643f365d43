"""Health data is watched (issue 19, GDPR art. 9 and 32): every door to a claim's data writes an
access record — who, role, when, from where, what — also for reads that change nothing; the
operator reads them in the claim's activity log; only the roles that need it read the
description."""

import pytest
from django.urls import reverse

from polis.audit.models import AuditEvent
from polis.claims import services

pytestmark = pytest.mark.django_db


def _accesses(claim):
    return AuditEvent.objects.filter(
        action="claim.accessed", object_type="claims.claim", object_id=str(claim.pk)
    ).order_by("pk")


@pytest.fixture
def assigned(claim, operator, adjuster):
    services.assign_adjuster(actor=operator, claim=claim, adjuster=adjuster)
    return claim


def test_opening_the_claims_page_is_recorded(client_for, adjuster, assigned):
    # when the adjuster opens the page, from an address
    client_for(adjuster).get(f"/sinistri/{assigned.pk}/", REMOTE_ADDR="198.51.100.9")
    # then who, role, when, from where and what are recorded
    [access] = _accesses(assigned)
    assert access.actor == adjuster
    assert access.data == {"role": "Liquidatore", "what": "pagina del sinistro"}
    assert access.ip_address == "198.51.100.9"
    assert access.at is not None


def test_opening_a_claim_document_is_recorded_on_the_claim(client_for, collaborator_a, claim):
    document = claim.documents.first()
    client_for(collaborator_a).get(f"/sinistri/{claim.pk}/documenti/{document.pk}/")
    [access] = _accesses(claim)
    assert access.actor == collaborator_a
    assert access.data["what"] == f"documento «{document.label}»"


def test_opening_a_quietanza_is_recorded(client_for, operator, adjuster, assigned):
    services.record_insurer_claim_number(actor=operator, claim=assigned, number="AX-1")
    quietanza = services.post_quietanza(
        actor=adjuster, claim=assigned, amount="100", kind="saldo", conditions="A saldo."
    )
    client_for(operator).get(f"/sinistri/{assigned.pk}/quietanze/{quietanza.pk}/")
    [access] = _accesses(assigned)
    assert (access.actor, access.data["what"]) == (operator, "quietanza v1")
    assert access.data["role"] == "Operatore"


def test_api_reads_are_recorded(client_for, operator, claim):
    api = client_for(operator)
    api.get(f"/api/claims/{claim.pk}")
    api.get("/api/claims")
    assert [a.data["what"] for a in _accesses(claim)] == ["API: sinistro", "API: elenco"]


def test_a_refused_read_records_nothing(client_for, collaborator_b, claim):
    assert client_for(collaborator_b).get(f"/sinistri/{claim.pk}/").status_code == 404
    assert not _accesses(claim).exists()


def test_the_operator_reads_the_accesses_in_the_claims_activity_log(
    client_for, operator, adjuster, assigned
):
    client_for(adjuster).get(f"/sinistri/{assigned.pk}/")
    log = client_for(operator).get(
        reverse("audit:object_history", args=["claims.claim", assigned.pk])
    )
    page = log.content.decode()
    assert "Dati del sinistro consultati: pagina del sinistro" in page
    assert "Liquidatore" in page


@pytest.mark.parametrize(
    ("role", "reads"),
    [("collaborator_a", True), ("operator", True), ("adjuster", True), ("admin_user", False)],
)
def test_only_the_roles_that_handle_a_claim_read_its_description(
    request, client_for, assigned, role, reads
):
    page = client_for(request.getfixturevalue(role)).get(f"/sinistri/{assigned.pk}/")
    assert (assigned.description in page.content.decode()) is reads


def test_a_role_that_does_not_read_descriptions_cannot_search_them(operator, admin_user, claim):
    from polis.claims import selectors

    word = claim.description.split()[1]
    assert list(selectors.search_claims(operator, text=word)) == [claim]
    assert list(selectors.search_claims(admin_user, text=word)) == []
