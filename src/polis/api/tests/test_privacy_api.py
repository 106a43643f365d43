"""Data-subject requests over the API: registered by a firm's administrator, exported and
answered with the optimistic-lock version, hidden from another firm."""

import datetime

import pytest
from django.utils import timezone

from polis.clients.tests.factories import ClientFactory
from polis.notify.models import OutboundMessage
from polis.privacy.models import add_months

pytestmark = pytest.mark.django_db


def test_register_export_and_answer_a_request(client_for, collaborator_a, collaborator_b):
    # given
    person = ClientFactory(created_by=collaborator_a, email="anna@example.it")
    api = client_for(collaborator_a)
    received = timezone.localdate() - datetime.timedelta(days=5)
    # when
    created = api.post(
        "/api/privacy-requests",
        {
            "client_id": person.pk,
            "kind": "access",
            "channel": "email",
            "received_on": str(received),
            "identity_check": "Documento allegato",
        },
        content_type="application/json",
    )
    # then
    assert created.status_code == 201
    dsr = created.json()
    assert (dsr["due_on"], dsr["overdue"], dsr["status"]) == (
        str(add_months(received, 1)),
        False,
        "received",
    )
    # an access request is answered once its export is sent
    assert dsr["allowed_actions"] == ["export", "extend"]
    assert client_for(collaborator_b).get(f"/api/privacy-requests/{dsr['id']}").status_code == 404
    assert client_for(collaborator_b).get("/api/privacy-requests").json() == []
    # when: exported with a stale version, then with the one read, then answered
    url = f"/api/privacy-requests/{dsr['id']}"
    stale = api.post(f"{url}/export", {"version": 0}, content_type="application/json")
    exported = api.post(
        f"{url}/export", {"version": dsr["version"]}, content_type="application/json"
    )
    answered = api.post(
        f"{url}/answer", {"answer": "Ti abbiamo inviato i dati."}, content_type="application/json"
    )
    # then
    assert stale.status_code == 422
    assert stale.json()["code"] == "stale_version"
    assert exported.status_code == 200
    assert len(exported.json()["export_json_sha256"]) == 64
    assert exported.json()["allowed_actions"] == ["answer", "export", "extend"]
    assert "anna@example.it" not in exported.content.decode()
    assert answered.json()["status"] == "answered"
    assert answered.json()["allowed_actions"] == []
    assert OutboundMessage.objects.filter(recipient="anna@example.it").count() == 2


def test_a_collaborator_who_is_not_the_firms_administrator_is_refused(client_for, firm_a):
    from polis.accounts.tests.factories import UserFactory

    # given
    plain = UserFactory(firm=firm_a, email="semplice@example.it")
    # when
    response = client_for(plain).get("/api/privacy-requests")
    # then
    assert response.status_code == 403
