"""A refusal of the domain reaches the API with its stable code beside the Italian message, and
the status code it always had: 403 for permission_denied, 422 for the others."""

import pytest
from django.utils import timezone

from polis.clients.tests.factories import ClientFactory
from polis.lifecycle import StaleVersion
from polis.practices import services
from polis.practices.models import Practice
from polis.practices.tests.factories import PracticeFactory
from polis.quotes.tests.factories import demo_product
from polis.quotes.tests.test_quotes import ARCHITECT

pytestmark = pytest.mark.django_db


def test_invalid_input(client_for, collaborator_a):
    # given
    demo_product("RCP")
    customer = ClientFactory(created_by=collaborator_a)
    # when: a practice starting in the past
    response = client_for(collaborator_a).post(
        "/api/practices",
        {
            "product": "RCP",
            "effective_date": "2020-01-01",
            "answers": ARCHITECT,
            "client_id": customer.pk,
        },
        content_type="application/json",
    )
    # then
    assert response.status_code == 422
    assert (response.json()["code"], response.json()["field"]) == ("invalid", "effective_date")
    assert not Practice.objects.exists()


def test_permission_denied(client_for, collaborator_a, operator):
    # given: a draft the operator may read, not issue
    practice = PracticeFactory(created_by=collaborator_a, status=Practice.Status.DRAFT)
    # when
    response = client_for(operator).post(f"/api/practices/{practice.pk}/issue")
    # then
    assert (response.status_code, response.json()["code"]) == (403, "permission_denied")
    assert response.json()["detail"] == "Non hai i permessi per questa operazione."
    practice.refresh_from_db()
    assert practice.status == Practice.Status.DRAFT


def test_invalid_transition(client_for, collaborator_a):
    # given: a practice already issued
    practice = PracticeFactory(created_by=collaborator_a, status=Practice.Status.ISSUED)
    # when
    response = client_for(collaborator_a).post(f"/api/practices/{practice.pk}/issue")
    # then
    assert (response.status_code, response.json()["code"]) == (422, "invalid_transition")
    assert "non si può emettere" in response.json()["detail"]


def test_stale_version(client_for, collaborator_a, monkeypatch):
    # given: someone else changed the practice since it was read
    practice = PracticeFactory(created_by=collaborator_a, status=Practice.Status.DRAFT)
    stale = StaleVersion(str(Practice.lifecycle.stale))

    def changed_meanwhile(**kwargs):
        raise stale

    monkeypatch.setattr(services, "issue_practice", changed_meanwhile)
    # when
    response = client_for(collaborator_a).post(
        f"/api/practices/{practice.pk}/issue?version={practice.version}"
    )
    # then
    assert (response.status_code, response.json()) == (
        422,
        {
            "detail": "La pratica è stata modificata da un altro utente: ricarica la pagina.",
            "field": None,
            "code": "stale_version",
        },
    )


def test_allowed_actions_in_the_details(client_for, collaborator_a, operator):
    # given: a practice in the MGA's review
    practice = PracticeFactory(
        created_by=collaborator_a,
        status=Practice.Status.IN_REVIEW,
        effective_date=timezone.localdate(),
    )
    # when
    by_firm = client_for(collaborator_a).get(f"/api/practices/{practice.pk}").json()
    by_mga = client_for(operator).get(f"/api/practices/{practice.pk}").json()
    # then
    assert by_firm["allowed_actions"] == ["add_documents", "cancel"]
    assert by_mga["allowed_actions"] == [
        "add_documents",
        "approve",
        "cancel",
        "decline",
        "request_information",
    ]
