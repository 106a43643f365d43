"""Issue 24 §4 (done when): the insurer's claims system drives a claim from its number to a
paid quietanza with a key scoped to its own insurer's claims, and hears the insured's answer by
a signed webhook, retried and in order per claim."""

import base64
import hashlib
import hmac
import json
from decimal import Decimal

import pytest
from django.utils import timezone

from polis.audit.models import AuditEvent
from polis.claims import services as claims
from polis.claims.models import Claim
from polis.claims.tests.support import open_claim_on, policy_in_force
from polis.devdata.signing import link_token, sign_as_client
from polis.integrations import delivery
from polis.integrations.models import WebhookDelivery
from polis.integrations.services import webhooks
from polis.integrations.tests.conftest import make_key

pytestmark = pytest.mark.django_db

EVENTS = [
    "claim.insurer_number",
    "quietanza.posted",
    "quietanza.accepted",
    "quietanza.contested",
    "claim.paid",
]


def verify(secret: str, request: dict) -> bool:
    """The receiver's check, written from the Standard Webhooks spec, not from our code."""
    headers = request["headers"]
    key = base64.b64decode(secret.split("_", 1)[1])
    content = f"{headers['webhook-id']}.{headers['webhook-timestamp']}.".encode() + request["body"]
    expected = base64.b64encode(hmac.new(key, content, hashlib.sha256).digest()).decode()
    return any(
        hmac.compare_digest(sig.split(",", 1)[1], expected)
        for sig in headers["webhook-signature"].split()
    )


def _types(receiver) -> list[str]:
    return [json.loads(r["body"])["type"] for r in receiver.received]


@pytest.fixture
def world(collaborator_a, operator, adjuster, receiver):
    policy = policy_in_force(collaborator_a)
    insurer = policy.product.insurer
    claim = open_claim_on(collaborator_a, policy)
    claims.assign_adjuster(actor=operator, claim=claim, adjuster=adjuster)
    _key, token = make_key(
        operator, adjuster, ["claims:read", "claims:write"], insurer=insurer, name="Sinistri AX"
    )
    subscription = webhooks.create_subscription(
        actor=operator,
        user=adjuster,
        name="Sistema sinistri AX",
        url=receiver.url,
        events=EVENTS,
        insurer=insurer,
    )
    return {"claim": claim, "token": token, "subscription": subscription, "policy": policy}


def test_the_insurer_drives_a_claim_to_a_paid_quietanza(
    client, client_for, bearer, world, receiver, operator, collaborator_a
):
    claim, auth = world["claim"], bearer(world["token"])
    # the key sees its insurer's claim, as the adjuster's session would
    listed = client.get("/api/claims", **auth)
    assert [c["number"] for c in listed.json()] == [claim.number]
    # it records the insurer's claim number
    numbered = client.post(
        f"/api/claims/{claim.pk}/insurer-number",
        {"number": "AX-2026-77"},
        content_type="application/json",
        **auth,
    )
    assert numbered.status_code == 200, numbered.content
    assert numbered.json()["status"] == "investigation"
    # the receiver is down: the first event fails, the next one about the claim waits for it
    receiver.status = 503
    posted = client.post(
        f"/api/claims/{claim.pk}/quietanza",
        {
            "amount": "7345.60",
            "kind": "saldo",
            "conditions": "A saldo di ogni pretesa.",
            "pdf": _pdf(),
        },
        **auth,
    )
    assert posted.status_code == 201, posted.content
    assert posted.json()["claim"]["status"] == "offer_received"
    delivery.deliver_due_webhooks()
    assert _types(receiver) == ["claim.insurer_number"]
    # it reads the claim's documents, its own PDF among them
    documents = client.get(f"/api/claims/{claim.pk}/documents", **auth).json()
    assert "quietanza_compagnia" in {d["kind"] for d in documents}
    pdf = next(d for d in documents if d["kind"] == "quietanza_compagnia")
    download = client.get(f"/api/claims/{claim.pk}/documents/{pdf['id']}", **auth)
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF")

    # the receiver is back: the retry, then the next event, in order
    receiver.status = 200
    delivery.deliver_due_webhooks()
    assert _types(receiver) == ["claim.insurer_number", "claim.insurer_number", "quietanza.posted"]
    first, retry = receiver.received[0], receiver.received[1]
    assert first["headers"]["webhook-id"] == retry["headers"]["webhook-id"]

    # the insured accepts with the FEA (the key cannot): the insurer hears it by webhook
    client_of = claim.practice.client
    sign_as_client(link_token(client_of.email), client_of.mobile)
    delivery.deliver_due_webhooks()
    assert _types(receiver)[-1] == "quietanza.accepted"
    # the MGA pays
    claims.record_claim_payment(
        actor=operator,
        claim=Claim.objects.get(pk=claim.pk),
        amount=Decimal("7345.60"),
        paid_on=timezone.localdate(),
        iban="IT60X0542811101000000123456",
    )
    delivery.deliver_due_webhooks()
    assert _types(receiver)[-1] == "claim.paid"
    paid = json.loads(receiver.received[-1]["body"])["data"]
    assert paid["number"] == claim.number
    assert paid["status"] == "paid"
    assert paid["quietanza"]["status"] == "accepted"
    assert "description" not in paid
    # every delivery is signed; each event is delivered once (the retry aside)
    assert all(verify(world["subscription"].secret, r) for r in receiver.received)
    assert len({r["headers"]["webhook-id"] for r in receiver.received}) == 4
    assert not WebhookDelivery.objects.exclude(status="delivered").exists()
    # the key's calls are audited with its name
    numbered_event = AuditEvent.objects.get(action="claim.insurer_number")
    assert numbered_event.data["api_key"] == "Sinistri AX"
    history = client_for(operator).get(f"/back-office/attivita/claims.claim/{claim.pk}/")
    assert "chiave API «Sinistri AX»" in history.content.decode()


def _pdf():
    from django.core.files.uploadedfile import SimpleUploadedFile

    from polis.practices.tests.factories import small_pdf

    return SimpleUploadedFile("quietanza-ax.pdf", small_pdf(), content_type="application/pdf")


def test_the_key_cannot_see_another_insurers_claims(
    client, bearer, world, collaborator_a, operator, adjuster
):
    _key, token = make_key(
        operator, adjuster, ["claims:read"], insurer=_another_insurer(), name="Altra"
    )
    answer = client.get(f"/api/claims/{world['claim'].pk}", **bearer(token))
    assert answer.status_code == 404
    assert client.get("/api/claims", **bearer(token)).json() == []


def _another_insurer():
    from polis.catalog.models import Insurer

    return Insurer.objects.create(name="Altra Compagnia", ivass_code="Z9999")


def test_a_read_only_key_cannot_post_a_quietanza(client, bearer, world, operator, adjuster):
    _key, token = make_key(operator, adjuster, ["claims:read"], name="Sola lettura")
    answer = client.post(
        f"/api/claims/{world['claim'].pk}/insurer-number",
        {"number": "AX-1"},
        content_type="application/json",
        **bearer(token),
    )
    assert answer.status_code == 403
    assert answer.json()["code"] == "api_key_scope"
    assert Claim.objects.get(pk=world["claim"].pk).insurer_claim_number == ""


def test_the_adjusters_session_reads_the_claims_api(client_for, adjuster, world):
    answer = client_for(adjuster).get("/api/claims")
    assert answer.status_code == 200
    assert [c["id"] for c in answer.json()] == [world["claim"].pk]


def test_a_subscriber_of_another_firm_hears_nothing(receiver, collaborator_a, collaborator_b):
    webhooks.create_subscription(
        actor=collaborator_b,
        user=collaborator_b,
        name="Gestionale B",
        url=receiver.url,
        events=["claim.opened"],
    )
    open_claim_on(collaborator_a, policy_in_force(collaborator_a))
    delivery.deliver_due_webhooks()
    assert receiver.received == []
