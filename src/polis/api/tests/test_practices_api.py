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
    # the detail adds what the user may do now: issue it, record the needs, add documents
    assert api_client.get(f"/api/practices/{practice['id']}").json() == {
        **practice,
        "allowed_actions": ["add_documents", "cancel", "issue", "needs"],
    }
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


def test_demands_and_needs_are_recorded_through_the_api_before_issuing(
    client_for, collaborator_a, collaborator_b
):
    from polis.devdata.catalog import NEEDS_QUESTIONNAIRES

    # given a product with its demands-and-needs questionnaire, published with the products
    product = demo_product("RCP")
    product.needs_questionnaire = NEEDS_QUESTIONNAIRES["RCP"]
    product.save()
    api_client = client_for(collaborator_a)
    listed = {p["code"]: p for p in api_client.get("/api/products").json()}
    questions = [q["name"] for q in listed["RCP"]["needs_questionnaire"]]
    assert questions == ["need", "registered", "other_policy"]
    practice = _create(api_client, ClientFactory(created_by=collaborator_a).pk).json()
    assert (practice["needs_recorded"], practice["needs_consistent"]) == (False, None)
    url = f"/api/practices/{practice['id']}"
    # when issuing without them, then recording them incomplete, by e-mail without consent,
    # from another firm, and at last as the client gave them
    early = api_client.post(f"{url}/issue")
    answers = {"need": "si", "registered": "si", "other_policy": "no"}
    incomplete = api_client.post(
        f"{url}/needs", {"answers": {"need": "si"}, "medium": "paper"}, "application/json"
    )
    no_consent = api_client.post(
        f"{url}/needs", {"answers": answers, "medium": "email"}, "application/json"
    )
    foreign = client_for(collaborator_b).post(
        f"{url}/needs", {"answers": answers, "medium": "paper"}, "application/json"
    )
    recorded = api_client.post(
        f"{url}/needs",
        {"answers": answers, "medium": "email", "durable_consent": True},
        "application/json",
    )
    issued = api_client.post(f"{url}/issue")
    # then issuing waits for the needs, each bad answer says why, and then the policy is issued
    assert early.status_code == 422
    assert (incomplete.status_code, incomplete.json()["field"]) == (422, "registered")
    assert (no_consent.status_code, no_consent.json()["field"]) == (422, "durable_consent")
    assert foreign.status_code == 404
    assert recorded.status_code == 200
    assert (recorded.json()["needs_recorded"], recorded.json()["needs_consistent"]) == (True, True)
    assert issued.status_code == 200
    assert issued.json()["policy_number"].startswith("RCP-")
    needs = Practice.objects.get(pk=practice["id"]).needs
    assert (needs["medium"], needs["durable_consent"], needs["answers"]) == ("email", True, answers)


def test_an_inconsistent_answer_is_recorded_and_stops_the_issuing(client_for, collaborator_a):
    from polis.devdata.catalog import NEEDS_QUESTIONNAIRES

    product = demo_product("RCP")
    product.needs_questionnaire = NEEDS_QUESTIONNAIRES["RCP"]
    product.save()
    api_client = client_for(collaborator_a)
    practice = _create(api_client, ClientFactory(created_by=collaborator_a).pk).json()
    url = f"/api/practices/{practice['id']}"
    answers = {"need": "si", "registered": "si", "other_policy": "si"}
    recorded = api_client.post(
        f"{url}/needs", {"answers": answers, "medium": "paper"}, "application/json"
    )
    assert recorded.json()["needs_consistent"] is False
    assert "Ha già una polizza" in recorded.json()["needs_reason"]
    refused = api_client.post(f"{url}/issue")
    assert refused.status_code == 422
    assert Practice.objects.get(pk=practice["id"]).status == Practice.Status.DRAFT
