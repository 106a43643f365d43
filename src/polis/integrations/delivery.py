"""The delivery of webhooks: one attempt per call, under a lease, signed as Standard Webhooks
does, with exponential backoff for WEBHOOK_RETRY_HOURS and in order per subject."""

from __future__ import annotations

import base64
import hashlib
import hmac
import ipaddress
import json
import logging
import socket
import time
from datetime import timedelta
from urllib.parse import urlsplit

import requests
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from polis.audit.services import record_audit
from polis.core.errors import DomainError
from polis.integrations.audit import IntegrationAudit
from polis.integrations.models import WebhookAttempt, WebhookDelivery, WebhookSubscription
from polis.notify.services import queue_email

logger = logging.getLogger(__name__)


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
    subscription.disabled_at = timezone.now()
    subscription.save(update_fields=["disabled_at"])
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
            subscription__disabled_at=None,
        )
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )
    return sum(deliver_webhook(pk) for pk in list(due))
