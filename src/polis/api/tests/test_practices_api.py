"""Practices over the API: create, read, list, issue (with the optimistic-lock version), the MGA's
review with an information request answered through the messages, documents."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from polis.clients.tests.factories import ClientFactory
from polis.practices import services
from polis.practices.models import Practice
from polis.quotes.tests.factories import demo_product
from polis.quotes.tests.test_quotes import ARCHITECT
from polis.signatures.tests.support import PNG

pytestmark = pytest.mark.django_db


def _create(api_client, client_id: int, **overrides):
    return api_client.post(
        "/api/practices",
        {
            "product": "RCP",
            "effective_date": str(timezone.localdate()),
            "answers": ARCHITECT,
            "client_id": client_id,
            **overrides,
        },
        content_type="application/json",
    )


def test_create_read_list_and_issue_a_practice(client_for, collaborator_a, collaborator_b):
    # given
    demo_product("RCP")
    customer = ClientFactory(created_by=collaborator_a, last_name="Ferri")
    api_client = client_for(collaborator_a)
    # when: a new practice, rated with the tariff valid on its effective date
    created = _create(api_client, customer.pk)
    # then
    assert created.status_code == 201
    practice = created.json()
    assert (practice["status"], Decimal(practice["gross"])) == ("draft", Decimal("843.34"))
    assert api_client.get(f"/api/practices/{practice['id']}").json() == practice
    assert [p["id"] for p in api_client.get("/api/practices?q=ferri").json()] == [practice["id"]]
    assert api_client.get("/api/practices?status=issued").json() == []
    assert client_for(collaborator_b).get(f"/api/practices/{practice['id']}").status_code == 404
    # when: issued with a stale version, then with the one read
    stale = api_client.post(
        f"/api/practices/{practice['id']}/issue?version={practice['version'] - 1}"
    )
    issued = api_client.post(f"/api/practices/{practice['id']}/issue?version={practice['version']}")
    twice = api_client.post(f"/api/practices/{practice['id']}/issue")
    # then
    assert stale.status_code == 422
    assert "modificata da un altro utente" in stale.json()["detail"]
    assert issued.status_code == 200
    assert issued.json()["status"] == "issued"
    assert issued.json()["policy_number"].startswith("RCP-")
    assert twice.status_code == 422


def test_bad_new_practices_say_why_and_save_nothing(client_for, collaborator_a, collaborator_b):
    demo_product("RCP")
    customer = ClientFactory(created_by=collaborator_a)
    past = _create(client_for(collaborator_a), customer.pk, effective_date="2020-01-01")
    assert (past.status_code, past.json()["field"]) == (422, "effective_date")
    outside = _create(client_for(collaborator_a), customer.pk, answers={**ARCHITECT, "limit": "3"})
    assert outside.status_code == 422
    assert _create(client_for(collaborator_b), customer.pk).status_code == 404
    assert not Practice.objects.exists()


def test_the_mgas_request_is_read_and_answered_through_the_api(
    client_for, collaborator_a, operator
):
    # given: a practice over the automatic limit, sent to review, with a request from the MGA
    product = demo_product("RCP")
    product.auto_issue_max_gross = Decimal("500")
    product.save()
    api_client = client_for(collaborator_a)
    practice_id = _create(api_client, ClientFactory(created_by=collaborator_a).pk).json()["id"]
    assert api_client.post(f"/api/practices/{practice_id}/issue").json()["status"] == "in_review"
    services.request_practice_information(
        actor=operator,
        practice=Practice.objects.get(pk=practice_id),
        text="Serve il documento d'identità",
    )
    # when
    [request] = api_client.get(f"/api/practices/{practice_id}/messages").json()
    uploaded = api_client.post(
        f"/api/practices/{practice_id}/documents",
        {"kind": "altro", "files": SimpleUploadedFile("carta.png", PNG)},
    )
    answered = api_client.post(
        f"/api/practices/{practice_id}/messages",
        {"text": "Caricato il documento"},
        content_type="application/json",
    )
    # then
    assert (request["is_request"], request["answered"], request["from_mga"]) == (True, False, True)
    assert uploaded.status_code == 201
    documents = api_client.get(f"/api/practices/{practice_id}/documents").json()
    assert [d["name"] for d in documents] == ["carta.png"]
    assert (answered.status_code, answered.json()["status"]) == (201, "in_review")
    messages = api_client.get(f"/api/practices/{practice_id}/messages").json()
    assert [(m["body"], m["answered"]) for m in messages] == [
        ("Serve il documento d'identità", True),
        ("Caricato il documento", False),
    ]
