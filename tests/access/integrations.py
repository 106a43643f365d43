from datetime import timedelta

from django.utils import timezone

from polis.integrations.models import WebhookDelivery, WebhookEvent, WebhookSubscription
from polis.integrations.services.keys import create_api_key
from tests.access import ADMIN, COLLAB_A, COLLAB_B, OPERATOR, Rule, only

# The MGA's staff for anyone, a firm's administrator for his own firm's users (the plain
# collaborator is refused: test_access.FIRM_ADMIN_ONLY); firm B gets 404 on firm A's.
MANAGERS = only(COLLAB_A, COLLAB_B, OPERATOR, ADMIN)
FIRM_A = only(COLLAB_A, OPERATOR, ADMIN) | {COLLAB_B: 404}


def arrange(world: dict) -> None:
    a = world["users"][COLLAB_A]
    world["key_a"], _token = create_api_key(
        actor=a,
        user=a,
        name="Gestionale A",
        scopes=["quotes:read"],
        expires_at=timezone.now() + timedelta(days=30),
    )
    # made directly: the service would resolve the address (no network in the tests)
    world["hook_a"] = WebhookSubscription.objects.create(
        name="Gestionale A",
        url="https://gestionale.example.it/hook",
        events=["claim.opened"],
        secret="whsec_c2VncmV0bw==",
        user=a,
        created_by=a,
    )
    event = WebhookEvent.objects.create(type="claim.opened", subject="claims.claim:1", payload={})
    world["delivery_a"] = WebhookDelivery.objects.create(
        event=event, subscription=world["hook_a"], status=WebhookDelivery.Status.DELIVERED
    )


def _key(world) -> dict:
    return {"pk": world["key_a"].pk}


def _hook(world) -> dict:
    return {"pk": world["hook_a"].pk}


RULES = [
    Rule("integrations:keys", MANAGERS),
    Rule("integrations:key_create", MANAGERS),
    # the secret page for whoever may make a key for A; firm B's form refuses A as the owner
    Rule(
        "integrations:key_create",
        MANAGERS,
        method="post",
        data=lambda w: {
            "name": "Comparatore",
            "user": w["users"][COLLAB_A].pk,
            "scopes": ["quotes:read"],
            "expires_on": (timezone.localdate() + timedelta(days=60)).isoformat(),
        },
    ),
    Rule("integrations:key_detail", FIRM_A, kwargs=_key),
    # A rotates it (its new secret shown); the others find it already rotated (back to it)
    Rule(
        "integrations:key_rotate",
        FIRM_A | {OPERATOR: 302, ADMIN: 302},
        method="post",
        kwargs=_key,
    ),
    Rule(
        "integrations:key_revoke",
        only(COLLAB_A, OPERATOR, ADMIN, ok=302) | {COLLAB_B: 404},
        method="post",
        kwargs=_key,
    ),
    Rule("integrations:webhooks", MANAGERS),
    Rule("integrations:webhook_create", MANAGERS),
    Rule("integrations:webhook_detail", FIRM_A, kwargs=_hook),
    Rule(
        "integrations:webhook_toggle",
        only(COLLAB_A, OPERATOR, ADMIN, ok=302) | {COLLAB_B: 404},
        method="post",
        kwargs=_hook,
    ),
    Rule(
        "integrations:replay",
        only(COLLAB_A, OPERATOR, ADMIN, ok=302) | {COLLAB_B: 404},
        method="post",
        kwargs=lambda w: {"pk": w["delivery_a"].pk},
    ),
]
