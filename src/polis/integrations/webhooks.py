"""Webhooks: the events (mapped once from the audit actions the services already record),
subscriptions, and the outbox of deliveries signed as Standard Webhooks does.

An audited action listed in EVENTS becomes one `WebhookEvent` and one `WebhookDelivery` per
active subscription whose owner may see the object, in the business transaction itself
(`polis.audit.services.register_audit_observer`): committed with the change or not at all.
The delivery runs after commit, outside any transaction, under a lease (as the e-mail outbox).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import ipaddress
import json
import logging
import secrets
import socket
import time
from collections.abc import Callable
from datetime import timedelta
from urllib.parse import urlsplit

import requests
from django.conf import settings
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
from polis.integrations.keys import _check_owner
from polis.integrations.models import (
    WebhookAttempt,
    WebhookDelivery,
    WebhookEvent,
    WebhookSubscription,
)
from polis.integrations.selectors import insurer_of
from polis.notify.services import queue_email
from polis.practices.models import Practice
from polis.practices.selectors import practices_visible_to
from polis.quotes.models import Quote
from polis.quotes.selectors import quotes_visible_to

logger = logging.getLogger(__name__)

# audit action -> (event name, its Italian label)
EVENTS: dict[str, tuple[str, str]] = {
    "quote.priced": ("quote.created", gettext_lazy("Preventivo creato")),
    "practice.issued": ("policy.issued", gettext_lazy("Polizza emessa")),
    "practice.signed": ("policy.signed", gettext_lazy("Contratto firmato")),
    "practice.in_force": ("policy.in_force", gettext_lazy("Polizza in vigore")),
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


def _receives(subscription: WebhookSubscription, target: models.Model, label: str) -> bool:
    if subscription.insurer_id and subscription.insurer_id != insurer_of(target):
        return False
    visible = SUBJECTS[label][1]
    return visible(subscription.user).filter(pk=target.pk).exists()


def emit_for_audit(action: str, target: models.Model) -> None:
    """Audit observer: an action listed in EVENTS becomes an event for the subscriptions that
    want it and whose owner sees `target` (in the caller's transaction)."""
    if action not in EVENTS:
        return
    name = EVENTS[action][0]
    label = object_label(target)
    subscriptions = [
        s
        for s in WebhookSubscription.objects.select_related("user").filter(active=True)
        if name in s.events and _receives(s, target, label)
    ]
    if not subscriptions:
        return
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
    from polis.integrations.tasks import enqueue_webhooks

    ids = [d.pk for d in deliveries]
    transaction.on_commit(lambda: enqueue_webhooks(ids))


# --- Subscriptions -------------------------------------------------------------------------


def _resolved_addresses(host: str) -> list[ipaddress.IPv4Address | ipaddress.IPv6Address]:
    try:
        infos = socket.getaddrinfo(host, 443, proto=socket.IPPROTO_TCP)
    except OSError:
        return []
    return [ipaddress.ip_address(info[4][0]) for info in infos]


def check_url(url: str) -> str:
    """An https URL whose host resolves only to public addresses (no loopback, private,
    link-local or reserved ones: no request into the MGA's own network). WEBHOOK_ALLOW_LOCAL
    (tests, development) lets http and this machine's receivers through."""
    url = url.strip()
    parts = urlsplit(url)
    local = settings.WEBHOOK_ALLOW_LOCAL
    if parts.scheme != "https" and not (local and parts.scheme == "http"):
        raise DomainError(
            _("L'indirizzo deve iniziare con https://."), field="url", code="webhook_url"
        )
    if not parts.hostname or parts.username or parts.password:
        raise DomainError(_("Indirizzo non valido."), field="url", code="webhook_url")
    addresses = _resolved_addresses(parts.hostname)
    if not addresses:
        raise DomainError(
            _("Il nome dell'indirizzo non si risolve."), field="url", code="webhook_url"
        )
    if not local and any(not a.is_global or a.is_multicast for a in addresses):
        raise DomainError(
            _("L'indirizzo porta a una rete privata o locale: non è ammesso."),
            field="url",
            code="webhook_url",
        )
    return url


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
    _check_owner(actor, user)
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
    _check_owner(actor, subscription.user)
    with transaction.atomic():
        subscription = WebhookSubscription.objects.select_for_update().get(pk=subscription.pk)
        if subscription.active == active:
            return subscription
        subscription.active = active
        subscription.consecutive_failures = 0
        subscription.disabled_at = None if active else timezone.now()
        subscription.save(update_fields=["active", "consecutive_failures", "disabled_at"])
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
    _check_owner(actor, delivery.subscription.user)
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


# --- Delivery ------------------------------------------------------------------------------


def sign(secret: str, msg_id: str, timestamp: int, body: bytes) -> str:
    """The `webhook-signature` header of Standard Webhooks: `v1,` and the base64 HMAC-SHA256,
    under the secret's bytes, of `id.timestamp.body`."""
    key = base64.b64decode(secret.removeprefix("whsec_"))
    signed = f"{msg_id}.{timestamp}.".encode() + body
    return "v1," + base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()


def _claim(delivery_id: int) -> WebhookDelivery | None:
    """Lease a due delivery (a short transaction): None if it is not due, its subscription is
    disabled, or an earlier event about the same subject still waits for this subscription."""
    with transaction.atomic():
        delivery = (
            WebhookDelivery.objects.select_for_update(skip_locked=True)
            .select_related("event", "subscription")
            .filter(pk=delivery_id, status=WebhookDelivery.Status.PENDING)
            .first()
        )
        now = timezone.now()
        if delivery is None or delivery.next_attempt_at > now or not delivery.subscription.active:
            return None
        earlier = WebhookDelivery.objects.filter(
            subscription_id=delivery.subscription_id,
            event__subject=delivery.event.subject,
            status=WebhookDelivery.Status.PENDING,
            pk__lt=delivery.pk,
        )
        if earlier.exists():
            return None
        delivery.attempts += 1
        delivery.next_attempt_at = now + timedelta(seconds=settings.OUTBOX_LEASE_SECONDS)
        delivery.save(update_fields=["attempts", "next_attempt_at"])
        return delivery


def _post(delivery: WebhookDelivery) -> WebhookAttempt:
    subscription, event = delivery.subscription, delivery.event
    body = json.dumps(event.payload, separators=(",", ":")).encode()
    timestamp = int(time.time())
    msg_id = f"msg_{event.uuid.hex}"
    attempt = WebhookAttempt(delivery=delivery)
    started = time.monotonic()
    try:
        check_url(subscription.url)  # the name may resolve elsewhere since it was registered
        response = requests.post(
            subscription.url,
            data=body,
            headers={
                "content-type": "application/json",
                "user-agent": "polis-webhooks/1",
                "webhook-id": msg_id,
                "webhook-timestamp": str(timestamp),
                "webhook-signature": sign(subscription.secret, msg_id, timestamp, body),
            },
            timeout=settings.WEBHOOK_TIMEOUT_SECONDS,
            allow_redirects=False,
        )
        attempt.response_status = response.status_code
        attempt.response_excerpt = response.text[:500]
    except (requests.RequestException, DomainError) as error:
        attempt.error = f"{type(error).__name__}: {error}"[:300]
    attempt.duration_ms = int((time.monotonic() - started) * 1000)
    return attempt


def _record(delivery: WebhookDelivery, attempt: WebhookAttempt) -> bool:
    """Log the attempt and its outcome; after a failure the next try waits twice as long, until
    WEBHOOK_RETRY_HOURS are over; too many failures in a row disable the subscription."""
    now = timezone.now()
    with transaction.atomic():
        attempt.save()
        subscription = WebhookSubscription.objects.select_for_update().get(
            pk=delivery.subscription_id
        )
        # only while the lease is still ours: a newer attempt owns the row otherwise
        lease = {"pk": delivery.pk, "status": "pending", "attempts": delivery.attempts}
        if attempt.succeeded:
            WebhookDelivery.objects.filter(**lease).update(
                status=WebhookDelivery.Status.DELIVERED, delivered_at=now
            )
            subscription.consecutive_failures = 0
            subscription.save(update_fields=["consecutive_failures"])
            return True
        delay = min(3600, settings.WEBHOOK_BACKOFF_SECONDS * 2 ** (delivery.attempts - 1))
        retry_at = now + timedelta(seconds=delay)
        over = retry_at > delivery.created_at + timedelta(hours=settings.WEBHOOK_RETRY_HOURS)
        WebhookDelivery.objects.filter(**lease).update(
            status=WebhookDelivery.Status.FAILED if over else WebhookDelivery.Status.PENDING,
            next_attempt_at=retry_at,
        )
        subscription.consecutive_failures += 1
        subscription.save(update_fields=["consecutive_failures"])
        if subscription.active and (
            subscription.consecutive_failures >= settings.WEBHOOK_DISABLE_AFTER
        ):
            _disable_failing(subscription)
    logger.warning("webhook delivery %s failed (attempt %s)", delivery.pk, delivery.attempts)
    return False


def _disable_failing(subscription: WebhookSubscription) -> None:
    subscription.active = False
    subscription.disabled_at = timezone.now()
    subscription.save(update_fields=["active", "disabled_at"])
    record_audit(
        actor=None,
        action=IntegrationAudit.WEBHOOK_DISABLED,
        target=subscription,
        data={"name": subscription.name, "failures": subscription.consecutive_failures},
    )
    queue_email(
        to=subscription.user.email,
        template="webhook_disabled",
        context={"subscription": subscription, "failures": subscription.consecutive_failures},
    )


def deliver_webhook(delivery_id: int) -> bool:
    """One attempt at a due delivery; True if it is delivered now. No transaction is open while
    the receiver is on the line; a worker dying mid-call leaves the lease to expire and the
    same event is sent again with the same webhook-id (at least once; the receiver dedupes).
    A delivered event lets the next one about the same subject go at once."""
    delivery = _claim(delivery_id)
    if delivery is None:
        return False
    delivered = _record(delivery, _post(delivery))
    if delivered:
        following = (
            WebhookDelivery.objects.filter(
                subscription_id=delivery.subscription_id,
                event__subject=delivery.event.subject,
                status=WebhookDelivery.Status.PENDING,
                pk__gt=delivery.pk,
            )
            .order_by("pk")
            .values_list("pk", flat=True)
            .first()
        )
        if following is not None:
            deliver_webhook(following)
    return delivered


def deliver_due_webhooks(limit: int = 200) -> int:
    """The sweeper: the due deliveries, oldest first (each waits for its subject's earlier
    ones); returns how many were delivered."""
    due = (
        WebhookDelivery.objects.filter(
            status=WebhookDelivery.Status.PENDING,
            next_attempt_at__lte=timezone.now(),
            subscription__active=True,
        )
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )
    return sum(deliver_webhook(pk) for pk in list(due))
