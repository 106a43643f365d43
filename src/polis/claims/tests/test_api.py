"""The claims API: open, list with filters and SLA, read, add documents and notes."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from polis.claims import selectors
from polis.claims.models import Claim
from polis.ledger.models import LedgerEntry
from polis.signatures.tests.support import PNG

pytestmark = pytest.mark.django_db


def _claim_payload(policy, **overrides) -> dict:
    return {
        "practice_id": policy.pk,
        "claim_type": "richiesta_danni",
        "event_date": str(timezone.localdate() - timedelta(days=3)),
        "reported_on": str(timezone.localdate()),
        "place": "Torino",
        "description": "Contestazione del committente sul progetto.",
        "estimated_amount": "5000",
    } | overrides


def test_open_a_claim_then_complete_its_documents(client_for, collaborator_a, policy):
    api = client_for(collaborator_a)
    response = api.post("/api/claims", _claim_payload(policy), content_type="application/json")
    assert response.status_code == 201
    body = response.json()
    assert body["number"].startswith(f"SIN-{timezone.localdate().year}-")
    assert (body["status"], body["status_label"]) == ("opened", "Aperto")
    # no documents yet: the SLA has not started
    assert body["missing_documents"] == [
        "Modulo di denuncia (chi, cosa, quando, importo)",
        "Lettera del terzo danneggiato",
    ]
    assert (body["sla_due"], body["sla_working_days_left"], body["overdue"]) == (None, None, False)
    claim = Claim.objects.get(number=body["number"])
    assert LedgerEntry.objects.filter(type="claim.opened", ref=str(claim.uuid)).exists()
    response = api.post(
        f"/api/claims/{claim.pk}/documents",
        {"kind": "modulo", "files": [SimpleUploadedFile("modulo.png", PNG, "image/png")]},
    )
    assert response.status_code == 201
    assert [d["label"] for d in response.json()] == [
        "Modulo di denuncia (chi, cosa, quando, importo)"
    ]
    assert api.get(f"/api/claims/{claim.pk}").json()["missing_documents"] == [
        "Lettera del terzo danneggiato"
    ]


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"event_date": str(timezone.localdate() + timedelta(days=1))}, "event_date", "futura"),
        ({"claim_type": "furto"}, "claim_type", "tipo di sinistro"),
        ({"estimated_amount": "0"}, "estimated_amount", "maggiore di zero"),
    ],
)
def test_bad_input_gets_the_field_and_an_italian_message(
    client_for, collaborator_a, policy, overrides, field, message
):
    response = client_for(collaborator_a).post(
        "/api/claims", _claim_payload(policy, **overrides), content_type="application/json"
    )
    assert response.status_code == 422
    assert response.json()["field"] == field
    assert message in response.json()["detail"]
    assert not Claim.objects.exists()


def test_another_firm_neither_opens_nor_sees(client_for, collaborator_b, claim, policy):
    api = client_for(collaborator_b)
    response = api.post("/api/claims", _claim_payload(policy), content_type="application/json")
    assert response.status_code == 404
    assert api.get("/api/claims").json() == []
    assert api.get(f"/api/claims/{claim.pk}").status_code == 404
    response = api.post(f"/api/claims/{claim.pk}/notes", {"text": "x"}, "application/json")
    assert response.status_code == 404


def test_list_filters_and_shows_the_sla(client_for, collaborator_a, operator, claim):
    late = Claim.objects.get(pk=claim.pk)
    api = client_for(operator)
    [row] = api.get("/api/claims").json()
    assert row["sla_working_days_left"] == 20
    assert row["overdue"] is False
    Claim.objects.filter(pk=late.pk).update(sla_due=timezone.localdate() - timedelta(days=7))
    [row] = api.get("/api/claims", {"overdue": "true"}).json()
    assert row["overdue"] is True
    assert row["sla_working_days_left"] < 0
    assert api.get("/api/claims", {"status": "paid"}).json() == []
    assert len(api.get("/api/claims", {"q": claim.practice.policy_number}).json()) == 1
    assert api.get("/api/claims", {"q": "nessuno"}).json() == []


def test_internal_notes_by_api_stay_inside_the_mga(client_for, collaborator_a, operator, claim):
    response = client_for(operator).post(
        f"/api/claims/{claim.pk}/notes",
        {"text": "Riserva da rivedere", "shared": False},
        content_type="application/json",
    )
    assert response.status_code == 201
    assert "Riserva da rivedere" not in [
        e.text for e in selectors.timeline_of(collaborator_a, claim)
    ]
    assert "Riserva da rivedere" in [e.text for e in selectors.timeline_of(operator, claim)]
