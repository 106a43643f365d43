"""Issue 24 §3: https only and no private addresses, automatic disabling with an e-mail to the
owner, manual replay with the same id, events only about what the owner sees."""

import json
from datetime import timedelta

import pytest

from polis.audit.models import AuditEvent
from polis.claims.tests.support import open_claim_on, policy_in_force
from polis.core.errors import DomainError
from polis.integrations import delivery
from polis.integrations.models import WebhookDelivery
from polis.integrations.services import webhooks
from polis.notify.models import OutboundMessage
from polis.practices.services import renewals

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url",
    [
        "http://example.com/hook",
        "https://127.0.0.1/hook",
        "https://10.1.2.3/hook",
        "https://169.254.169.254/latest/meta-data",
        "https://[::1]/hook",
        "https://user:pw@example.com/hook",
    ],
)
def test_only_https_to_public_addresses_in_production(settings, url):
    settings.WEBHOOK_ALLOW_LOCAL = False
    with pytest.raises(DomainError) as refused:
        delivery.check_url(url)
    assert refused.value.code == "webhook_url"


def _subscribe(actor, receiver, events=("claim.opened",)):
    return webhooks.create_subscription(
        actor=actor, user=actor, name="Gestionale", url=receiver.url, events=list(events)
    )


def test_repeated_failures_disable_it_and_tell_its_owner(settings, receiver, collaborator_a):
    settings.WEBHOOK_DISABLE_AFTER = 3
    subscription = _subscribe(collaborator_a, receiver)
    receiver.status = 500
    policy = policy_in_force(collaborator_a)
    for _ in range(2):
        open_claim_on(collaborator_a, policy)
    for _ in range(3):
        delivery.deliver_due_webhooks()
    subscription.refresh_from_db()
    assert not subscription.active
    assert len(receiver.received) == 3
    assert OutboundMessage.objects.filter(
        recipient=collaborator_a.email, subject__contains="Webhook disattivato"
    ).exists()
    assert AuditEvent.objects.filter(action="webhook.disabled").exists()
    # nothing is lost: the deliveries wait, and go once it is enabled again
    receiver.status = 200
    delivery.deliver_due_webhooks()
    assert len(receiver.received) == 3
    webhooks.set_subscription_active(actor=collaborator_a, subscription=subscription, active=True)
    delivery.deliver_due_webhooks()
    assert WebhookDelivery.objects.filter(status="delivered").count() == 2


def test_a_replay_sends_the_same_event_again(receiver, collaborator_a):
    _subscribe(collaborator_a, receiver)
    open_claim_on(collaborator_a, policy_in_force(collaborator_a))
    delivery.deliver_due_webhooks()
    sent = WebhookDelivery.objects.get()
    webhooks.replay_delivery(actor=collaborator_a, delivery=sent)
    delivery.deliver_due_webhooks()
    ids = [r["headers"]["webhook-id"] for r in receiver.received]
    assert len(ids) == 2
    assert ids[0] == ids[1]
    assert sent.log.count() == 2
    assert AuditEvent.objects.filter(action="webhook.replayed").exists()


def test_a_delivered_event_is_not_sent_again_by_the_sweeper(receiver, collaborator_a):
    _subscribe(collaborator_a, receiver)
    open_claim_on(collaborator_a, policy_in_force(collaborator_a))
    delivery.deliver_due_webhooks()
    delivery.deliver_due_webhooks()
    assert len(receiver.received) == 1


def test_the_payload_has_no_description(receiver, collaborator_a):
    _subscribe(collaborator_a, receiver)
    claim = open_claim_on(collaborator_a, policy_in_force(collaborator_a))
    delivery.deliver_due_webhooks()
    body = receiver.received[0]["body"].decode()
    assert claim.number in body
    assert "strutturale" not in body


def test_a_policy_reaching_an_expiry_threshold_is_an_event(receiver, collaborator_a):
    # given: a policy in force ending in 30 days, and a subscription to policy.expiring
    _subscribe(collaborator_a, receiver, events=("policy.expiring",))
    policy = policy_in_force(collaborator_a)
    today = policy.end_date - timedelta(days=30)
    # when: the daily job reminds the agency (twice: the second run reminds nothing)
    renewals.send_expiry_reminders(today=today)
    renewals.send_expiry_reminders(today=today)
    delivery.deliver_due_webhooks()
    # then: one event, about that policy
    assert len(receiver.received) == 1
    body = json.loads(receiver.received[0]["body"])
    assert body["type"] == "policy.expiring"
    assert policy.policy_number in receiver.received[0]["body"].decode()
