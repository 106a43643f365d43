"""Every free text has a length limit, on the pages and in the API alike (checked by the
services): a note or a message of 200,000 characters is refused with a message, nothing stored."""

import pytest

from polis.claims.models import ClaimEvent
from polis.messaging.models import Message

pytestmark = pytest.mark.django_db
HUGE = "x" * 200_000


def test_a_huge_note_is_refused_on_the_page(client_for, collaborator_a, claim):
    # when
    response = client_for(collaborator_a).post(
        f"/sinistri/{claim.pk}/note/", {"text": HUGE}, follow=True
    )
    # then
    assert "troppo lungo" in response.content.decode()
    assert not ClaimEvent.objects.filter(kind="note").exists()


def test_a_huge_note_is_refused_by_the_api(client_for, collaborator_a, claim):
    # when
    response = client_for(collaborator_a).post(
        f"/api/claims/{claim.pk}/notes", {"text": HUGE}, content_type="application/json"
    )
    # then
    assert response.status_code == 422
    assert not ClaimEvent.objects.filter(kind="note").exists()


def test_a_note_within_the_limit_is_kept(client_for, collaborator_a, claim):
    # when
    response = client_for(collaborator_a).post(
        f"/api/claims/{claim.pk}/notes", {"text": "y" * 5_000}, content_type="application/json"
    )
    # then
    assert response.status_code == 201
    assert len(ClaimEvent.objects.get(kind="note").text) == 5_000


def test_a_huge_message_about_a_claim_is_refused(client_for, collaborator_a, claim):
    # when
    response = client_for(collaborator_a).post(
        f"/sinistri/{claim.pk}/message/", {"body": HUGE}, follow=True
    )
    # then
    assert "troppo lungo" in response.content.decode()
    assert not Message.objects.exists()


@pytest.mark.parametrize(
    ("field", "limit"), [("place", 200), ("description", 5_000), ("third_parties", 2_000)]
)
def test_the_api_refuses_a_claim_whose_texts_are_too_long(
    client_for, collaborator_a, policy, field, limit
):
    # given
    payload = {
        "practice_id": policy.pk,
        "claim_type": policy.product.claim_types[0]["code"],
        "event_date": str(policy.effective_date),
        "reported_on": str(policy.effective_date),
        "place": "Milano",
        "description": "Danno",
        field: "z" * (limit + 1),
    }
    # when
    response = client_for(collaborator_a).post(
        "/api/claims", payload, content_type="application/json"
    )
    # then
    assert response.status_code == 422
    assert not ClaimEvent.objects.exists()
