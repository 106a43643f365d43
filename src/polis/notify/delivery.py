"""Delivery of outbox messages: one attempt per call, under a lease, with exponential backoff."""

import logging
import smtplib
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import InterfaceError, OperationalError, connection, transaction
from django.utils import timezone

from polis.notify.models import OutboundMessage
from polis.notify.sms import SmsDeliveryError, get_sms_backend

logger = logging.getLogger(__name__)

REDACTED = "[testo rimosso dopo l'invio]"


def _send(message: OutboundMessage) -> str:
    if message.channel == OutboundMessage.Channel.SMS:
        return get_sms_backend().send(
            to=message.recipient, text=message.body_text, reference=str(message.uuid)
        )
    email = EmailMultiAlternatives(
        subject=message.subject,
        body=message.body_text,
        to=[message.recipient],
        reply_to=[message.reply_to] if message.reply_to else None,
        headers={
            "Message-ID": f"<{message.uuid}@polis>",
            # RFC 2369 and RFC 8058: the mail client's own unsubscribe button, one click
            "List-Unsubscribe": f"<{message.unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    if message.body_html:
        email.attach_alternative(message.body_html, "text/html")
    for stored in message.attachments.all():
        with stored.file.open("rb") as content:
            email.attach(stored.name, content.read(), stored.content_type)
    email.send()
    return ""


def _claim(message_id: int) -> OutboundMessage | bool:
    """Take a lease on a due message (a short transaction); else True if it is already sent."""
    with transaction.atomic():
        message = (
            OutboundMessage.objects.select_for_update(skip_locked=True)
            .filter(pk=message_id)
            .first()
        )
        if message is None or message.status != OutboundMessage.Status.PENDING:
            return message is not None and message.status == OutboundMessage.Status.SENT
        now = timezone.now()
        if message.next_attempt_at > now:
            return False
        message.attempts += 1
        message.next_attempt_at = now + timedelta(seconds=settings.OUTBOX_LEASE_SECONDS)
        message.save(update_fields=["attempts", "next_attempt_at"])
        return message


def _record_sent(message: OutboundMessage, provider_id: str) -> None:
    fields = {
        "status": OutboundMessage.Status.SENT,
        "sent_at": timezone.now(),
        "last_error": "",
        "provider_id": provider_id[:100],
    }
    if (
        message.sensitive
        and message.channel == OutboundMessage.Channel.SMS
        and settings.SMS_BACKEND != "outbox"
    ):
        fields["body_text"] = REDACTED
    # Whichever attempt got through: a late failure of an older one never undoes it.
    OutboundMessage.objects.filter(pk=message.pk, status=OutboundMessage.Status.PENDING).update(
        **fields
    )


def _record_failure(message: OutboundMessage, error: Exception) -> None:
    delay = settings.OUTBOX_BACKOFF_SECONDS * 2 ** (message.attempts - 1)
    failed = message.attempts >= settings.OUTBOX_MAX_ATTEMPTS
    # Only while the lease is still ours: a newer attempt owns the row otherwise.
    OutboundMessage.objects.filter(
        pk=message.pk, status=OutboundMessage.Status.PENDING, attempts=message.attempts
    ).update(
        last_error=f"{type(error).__name__}: {error}"[:500],
        status=OutboundMessage.Status.FAILED if failed else OutboundMessage.Status.PENDING,
        next_attempt_at=timezone.now() + timedelta(seconds=delay),
    )
    logger.warning("outbox message %s not delivered (attempt %s)", message.pk, message.attempts)


def _record(record, *args) -> None:
    """Record a result; a connection the database dropped while the provider was on the line
    (a restart, an idle connection terminated) is reopened once."""
    try:
        record(*args)
    except (OperationalError, InterfaceError):
        if connection.in_atomic_block:
            raise
        connection.close()
        record(*args)


def deliver_message(message_id: int) -> bool:
    """Try to deliver one due message; True if it is (now or already) sent.

    No transaction or row lock is open while the provider is on the line: a short transaction
    claims the message with a lease (it is not due again for OUTBOX_LEASE_SECONDS, so a second
    worker leaves it alone), the provider is called, and one UPDATE records the result. A worker
    that dies between the provider's acceptance and that UPDATE leaves the lease to expire, and
    the message is sent again with the same Message-ID / Idempotency-Key: at-least-once.
    A failure schedules the next attempt with exponential backoff.
    """
    message = _claim(message_id)
    if not isinstance(message, OutboundMessage):
        return message
    try:
        provider_id = _send(message)
    except (smtplib.SMTPException, OSError, SmsDeliveryError) as exc:
        _record(_record_failure, message, exc)
        return False
    _record(_record_sent, message, provider_id)
    return True


def deliver_due_messages(limit: int = 200) -> int:
    """Deliver the pending messages whose next attempt is due; returns how many were sent."""
    due = (
        OutboundMessage.objects.filter(
            status=OutboundMessage.Status.PENDING, next_attempt_at__lte=timezone.now()
        )
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )
    return sum(deliver_message(pk) for pk in list(due))
