"""The transactional outbox for e-mail and SMS."""

import logging
import smtplib
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from polis.audit.services import record_audit
from polis.core.access import require
from polis.notify.models import OutboundMessage
from polis.notify.sms import SmsDeliveryError, get_sms_backend

logger = logging.getLogger(__name__)

REDACTED = "[testo rimosso dopo l'invio]"


def _deliver_after_commit(message: OutboundMessage) -> None:
    from polis.notify.tasks import deliver_message

    transaction.on_commit(lambda: deliver_message.delay(message.pk))


def queue_email(*, to: str, template: str, context: dict) -> OutboundMessage:
    """Render `notify/email/<template>` (subject, text, html) and queue it for delivery.

    Call it inside the transaction of the change that causes the e-mail: if that rolls back,
    no e-mail is sent; once it commits, delivery is attempted until it succeeds or is marked
    failed for an administrator to see.
    """
    context = {"mga_name": settings.MGA_NAME, **context}
    subject = render_to_string(f"notify/email/{template}.subject.txt", context)
    message = OutboundMessage.objects.create(
        channel=OutboundMessage.Channel.EMAIL,
        recipient=to,
        subject=" ".join(subject.split())[:255],
        body_text=render_to_string(f"notify/email/{template}.txt", context),
        body_html=render_to_string(f"notify/email/{template}.html", context),
    )
    _deliver_after_commit(message)
    return message


def queue_sms(*, to: str, text: str, sensitive: bool = False) -> OutboundMessage:
    """Queue an SMS to an E.164 number; `sensitive` texts are blanked once a provider has them."""
    message = OutboundMessage.objects.create(
        channel=OutboundMessage.Channel.SMS, recipient=to, body_text=text, sensitive=sensitive
    )
    _deliver_after_commit(message)
    return message


def _send(message: OutboundMessage) -> str:
    if message.channel == OutboundMessage.Channel.SMS:
        return get_sms_backend().send(
            to=message.recipient, text=message.body_text, reference=str(message.uuid)
        )
    email = EmailMultiAlternatives(
        subject=message.subject,
        body=message.body_text,
        to=[message.recipient],
        headers={"Message-ID": f"<{message.uuid}@polis>"},
    )
    if message.body_html:
        email.attach_alternative(message.body_html, "text/html")
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


def retry_message(*, actor, message: OutboundMessage) -> None:
    """An administrator puts a failed message back in the queue."""
    require(actor, "manage_outbox")
    with transaction.atomic():
        message.status = OutboundMessage.Status.PENDING
        message.next_attempt_at = timezone.now()
        message.save(update_fields=["status", "next_attempt_at"])
        record_audit(actor=actor, action="outbox.retry", target=message)
        _deliver_after_commit(message)
