"""Webhooks: the events (mapped once from the audit actions the services already record),
subscriptions, and the outbox of deliveries signed as Standard Webhooks does.

An audited action listed in EVENTS becomes one `WebhookEvent` and one `WebhookDelivery` per
active subscription whose owner may see the object, in the business transaction itself
(`polis.audit.services.register_audit_observer`): committed with the change or not at all.
The delivery (`delivery.py`) runs after commit, outside any transaction, under a lease, as the
e-mail outbox does.
"""

from __future__ import annotations

import base64
import json
import logging
import secrets
from collections import defaultdict
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from polis.accounts.models import User
from polis.audit.services import object_label, record_audit
from polis.catalog.models import Insurer
from polis.claims.models import Claim
from polis.claims.selectors import claims_visible_to
from polis.core.errors import DomainError
from polis.integrations.audit import IntegrationAudit
from polis.integrations.delivery import check_url
from polis.integrations.models import (
    WebhookDelivery,
    WebhookEvent,
    WebhookSubscription,
)
from polis.integrations.selectors import insurer_of
from polis.integrations.services.keys import check_owner
from polis.integrations.tasks import enqueue_webhooks
from polis.practices.models import Practice
from polis.practices.selectors import practices_visible_to
from polis.quotes.models import Quote
from polis.quotes.selectors import quotes_visible_to

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise

logger = logging.getLogger(__name__)

# audit action -> (event name, its Italian label)
EVENTS: dict[str, tuple[str, str | _StrPromise]] = {
    "quote.priced": ("quote.created", gettext_lazy("Preventivo creato")),
    "practice.issued": ("policy.issued", gettext_lazy("Polizza emessa")),
    "practice.signed": ("policy.signed", gettext_lazy("Contratto firmato")),
    "practice.in_force": ("policy.in_force", gettext_lazy("Polizza in vigore")),
    "practice.expiring": ("policy.expiring", gettext_lazy("Polizza in scadenza")),
    "practice.expired": ("policy.expired", gettext_lazy("Polizza scaduta")),
    "claim.opened": ("claim.opened", gettext_lazy("Sinistro aperto")),
    "claim.insurer_number": (
        "claim.insurer_number",
        gettext_lazy("Numero sinistro della compagnia registrato"),
    ),
    "claim.quietanza": ("quietanza.posted", gettext_lazy("Quietanza inviata all'assicurato")),
    "claim.accepted": ("quietanza.accepted", gettext_lazy("Quietanza accettata")),
    "claim.refused": ("quietanza.contested", gettext_lazy("Quietanza contestata")),
    "claim.paid": ("claim.paid", gettext_lazy("Indennizzo pagato")),
}
EVENT_CHOICES = [(name, label) for name, label in EVENTS.values()]


def _claim_data(claim: Claim) -> dict:
    quietanza = claim.quietanze.order_by("-version").first()
    return {
        "number": claim.number,
        "status": claim.status,
        "policy_number": claim.practice.policy_number,
        "insurer_claim_number": claim.insurer_claim_number,
        "quietanza": None
        if quietanza is None
        else {
            "version": quietanza.version,
            "amount": quietanza.amount,
            "kind": quietanza.kind,
            "status": quietanza.status,
        },
        "paid_amount": claim.paid_amount,
        "paid_on": claim.paid_on,
    }


def _practice_data(practice: Practice) -> dict:
    return {
        "status": practice.status,
        "policy_number": practice.policy_number,
        "product": practice.product.code,
        "effective_date": practice.effective_date,
        "end_date": practice.end_date,
    }


def _quote_data(quote: Quote) -> dict:
    return {"number": quote.number, "status": quote.status, "product": quote.product.code}


# What a payload carries of each kind of object (ids, numbers, statuses: never a claim's
# description or anything about health), and who may see it.
SUBJECTS: dict[str, tuple[Callable[[models.Model], dict], Callable[[User], QuerySet]]] = {
    "claims.claim": (_claim_data, claims_visible_to),  # type: ignore[dict-item]
    "practices.practice": (_practice_data, practices_visible_to),  # type: ignore[dict-item]
    "quotes.quote": (_quote_data, quotes_visible_to),  # type: ignore[dict-item]
}


def _seen_by(subscription: WebhookSubscription, label: str, targets: list) -> set[int]:
    """Which of `targets` (one kind) the subscription's owner sees, within its insurer if it has
    one: one query for the batch."""
    by_pk = {t.pk: t for t in targets}
    visible = SUBJECTS[label][1](subscription.user).filter(pk__in=by_pk)
    return {
        pk
        for pk in visible.values_list("pk", flat=True)
        if not subscription.insurer_id or subscription.insurer_id == insurer_of(by_pk[pk])
    }


def emit_for_audit(action: str, targets: Sequence[models.Model]) -> None:
    """Audit observer: an action listed in EVENTS becomes an event for each target, for the
    subscriptions that want it and whose owner sees the target (in the caller's transaction).
    One query for a batch nobody subscribed to, then one per subscription and kind."""
    if action not in EVENTS:
        return
    name = EVENTS[action][0]
    wanting = [
        s
        for s in WebhookSubscription.objects.select_related("user").filter(disabled_at=None)
        if name in s.events
    ]
    if not wanting:
        return
    by_label: dict[str, list[models.Model]] = defaultdict(list)
    for target in targets:
        by_label[object_label(target)].append(target)
    for label, group in by_label.items():
        seen = {s.pk: _seen_by(s, label, group) for s in wanting}
        for target in group:
            subscriptions = [s for s in wanting if target.pk in seen[s.pk]]
            if subscriptions:
                _emit(name, label, target, subscriptions)


def _emit(
    name: str, label: str, target: models.Model, subscriptions: list[WebhookSubscription]
) -> None:
    now = timezone.now()
    payload = {
        "type": name,
        "timestamp": now.isoformat(),
        "data": {"object": label.split(".")[1], "id": target.pk, **SUBJECTS[label][0](target)},
    }
    event = WebhookEvent.objects.create(
        type=name,
        subject=f"{label}:{target.pk}",
        payload=json.loads(json.dumps(payload, cls=DjangoJSONEncoder)),
        created_at=now,
    )
    deliveries = WebhookDelivery.objects.bulk_create(
        WebhookDelivery(event=event, subscription=s, created_at=now) for s in subscriptions
    )
    _deliver_after_commit(*deliveries)


def _deliver_after_commit(*deliveries: WebhookDelivery) -> None:
    ids = [d.pk for d in deliveries]
    transaction.on_commit(lambda: enqueue_webhooks(ids))


# --- Subscriptions -------------------------------------------------------------------------


def create_subscription(
    *,
    actor: User,
    user: User,
    name: str,
    url: str,
    events: list[str],
    insurer: Insurer | None = None,
) -> WebhookSubscription:
    """A subscription receiving `events` about what `user` may see; its signing secret is
    shown once to the actor, like a key's."""
    check_owner(actor, user)
    name = name.strip()
    if not name:
        raise DomainError(_("Dai un nome al webhook."), field="name", code="webhook_name")
    known = {event for event, _label in EVENT_CHOICES}
    events = sorted(set(events))
    if not events or not set(events) <= known:
        raise DomainError(_("Scegli almeno un evento."), field="events", code="webhook_events")
    with transaction.atomic():
        subscription = WebhookSubscription.objects.create(
            name=name[:80],
            url=check_url(url),
            events=events,
            secret="whsec_" + base64.b64encode(secrets.token_bytes(32)).decode(),
            user=user,
            insurer=insurer,
            created_by=actor,
        )
        record_audit(
            actor=actor,
            action=IntegrationAudit.WEBHOOK_CREATED,
            target=subscription,
            data={"name": subscription.name, "events": events},
        )
    return subscription


def set_subscription_active(
    *, actor: User, subscription: WebhookSubscription, active: bool
) -> WebhookSubscription:
    """Disable a subscription (its deliveries wait) or enable it again (they resume)."""
    check_owner(actor, subscription.user)
    with transaction.atomic():
        subscription = WebhookSubscription.objects.select_for_update().get(pk=subscription.pk)
        if subscription.active == active:
            return subscription
        subscription.consecutive_failures = 0
        subscription.disabled_at = None if active else timezone.now()
        subscription.save(update_fields=["consecutive_failures", "disabled_at"])
        record_audit(
            actor=actor,
            action=IntegrationAudit.WEBHOOK_ENABLED
            if active
            else IntegrationAudit.WEBHOOK_DISABLED,
            target=subscription,
            data={"name": subscription.name},
        )
        if active:
            due = subscription.deliveries.filter(status=WebhookDelivery.Status.PENDING)
            due.update(next_attempt_at=timezone.now())
            _deliver_after_commit(*due)
    return subscription


def replay_delivery(*, actor: User, delivery: WebhookDelivery) -> WebhookDelivery:
    """Send a delivery again, with the same webhook-id (the receiver recognises it)."""
    check_owner(actor, delivery.subscription.user)
    with transaction.atomic():
        delivery = WebhookDelivery.objects.select_for_update().get(pk=delivery.pk)
        if delivery.status == WebhookDelivery.Status.PENDING:
            raise DomainError(_("Questo invio è già in coda."), code="webhook_delivery_pending")
        WebhookDelivery.objects.filter(pk=delivery.pk).update(
            status=WebhookDelivery.Status.PENDING,
            next_attempt_at=timezone.now(),
            created_at=timezone.now(),  # a new day of retries
        )
        record_audit(
            actor=actor,
            action=IntegrationAudit.WEBHOOK_REPLAYED,
            target=delivery.subscription,
            data={"event": str(delivery.event.uuid), "type": delivery.event.type},
        )
        _deliver_after_commit(delivery)
    delivery.refresh_from_db()
    return delivery
