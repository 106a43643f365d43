"""The transactional outbox for e-mail and SMS."""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from polis.audit.services import record_audit
from polis.core.access import require
from polis.notify.models import OutboundMessage
from polis.notify.tasks import enqueue_delivery

if TYPE_CHECKING:
    from polis.accounts.models import User
    from polis.documents.models import StoredFile


def _deliver_after_commit(*messages: OutboundMessage) -> None:
    transaction.on_commit(partial(enqueue_delivery, *(message.pk for message in messages)))


def _rendered_email(*, to: str, template: str, context: dict) -> OutboundMessage:
    """The e-mail `notify/email/<template>` (subject, text, html) for `to`, not saved yet."""
    context = {"mga_name": settings.MGA_NAME, **context}
    subject = render_to_string(f"notify/email/{template}.subject.txt", context)
    return OutboundMessage(
        channel=OutboundMessage.Channel.EMAIL,
        recipient=to,
        subject=" ".join(subject.split())[:255],
        body_text=render_to_string(f"notify/email/{template}.txt", context),
        body_html=render_to_string(f"notify/email/{template}.html", context),
    )


def queue_email(
    *,
    to: str,
    template: str,
    context: dict,
    attachments: Iterable[StoredFile] = (),
    reply_to: str = "",
) -> OutboundMessage:
    """Render `notify/email/<template>` (subject, text, html) and queue it for delivery,
    with stored files (`documents.StoredFile`) attached and answers going to `reply_to` if given.

    Call it inside the transaction of the change that causes the e-mail: if that rolls back,
    no e-mail is sent; once it commits, delivery is attempted until it succeeds or is marked
    failed for an administrator to see.
    """
    message = _rendered_email(to=to, template=template, context=context)
    message.reply_to = reply_to
    message.save()
    if attachments:
        message.attachments.set(attachments)
    _deliver_after_commit(message)
    return message


def queue_emails(emails: list[dict]) -> list[OutboundMessage]:
    """`queue_email` for many at once (each a dict of its `to`, `template` and `context`, no
    attachments): one INSERT, and one delivery task for them all once the transaction commits.
    For a job's thousands of e-mails (the expiry digests)."""
    messages = OutboundMessage.objects.bulk_create([_rendered_email(**email) for email in emails])
    if messages:
        _deliver_after_commit(*messages)
    return messages


def queue_sms(*, to: str, text: str, sensitive: bool = False) -> OutboundMessage:
    """Queue an SMS to an E.164 number; `sensitive` texts are blanked once a provider has them."""
    message = OutboundMessage.objects.create(
        channel=OutboundMessage.Channel.SMS, recipient=to, body_text=text, sensitive=sensitive
    )
    _deliver_after_commit(message)
    return message


def retry_message(*, actor: User, message: OutboundMessage) -> None:
    """An administrator puts a failed message back in the queue."""
    require(actor, "manage_outbox")
    with transaction.atomic():
        message.status = OutboundMessage.Status.PENDING
        message.next_attempt_at = timezone.now()
        message.save(update_fields=["status", "next_attempt_at"])
        record_audit(actor=actor, action="outbox.retry", target=message)
        _deliver_after_commit(message)
