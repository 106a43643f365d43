"""Delivery of outbox messages: one attempt per call, row-locked, with exponential backoff."""

import logging
import smtplib
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
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
        headers={"Message-ID": f"<{message.uuid}@polis>"},
    )
    if message.body_html:
        email.attach_alternative(message.body_html, "text/html")
    for stored in message.attachments.all():
        with stored.file.open("rb") as content:
            email.attach(stored.name, content.read(), stored.content_type)
    email.send()
    return ""


def deliver_message(message_id: int) -> bool:
    """Try to deliver one due message; True if it is (now or already) sent.

    The row stays locked while it is being sent, so two workers never send it twice; a failure
    schedules the next attempt with exponential backoff.
    """
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
        try:
            message.provider_id = _send(message)[:100]
        except (smtplib.SMTPException, OSError, SmsDeliveryError) as exc:
            message.last_error = f"{type(exc).__name__}: {exc}"[:500]
            if message.attempts >= settings.OUTBOX_MAX_ATTEMPTS:
                message.status = OutboundMessage.Status.FAILED
            delay = settings.OUTBOX_BACKOFF_SECONDS * 2 ** (message.attempts - 1)
            message.next_attempt_at = now + timedelta(seconds=delay)
            message.save(update_fields=["attempts", "last_error", "status", "next_attempt_at"])
            logger.warning(
                "outbox message %s not delivered (attempt %s)", message.pk, message.attempts
            )
            return False
        message.status = OutboundMessage.Status.SENT
        message.sent_at = now
        message.last_error = ""
        if (
            message.sensitive
            and message.channel == OutboundMessage.Channel.SMS
            and (settings.SMS_BACKEND != "outbox")
        ):
            message.body_text = REDACTED
        message.save(
            update_fields=[
                "attempts",
                "status",
                "sent_at",
                "last_error",
                "provider_id",
                "body_text",
            ]
        )
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
