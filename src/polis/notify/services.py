"""The transactional outbox for e-mail and SMS."""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from polis.audit.services import record_audit
from polis.core.access import require
from polis.notify.audit import OutboxAudit
from polis.notify.models import OutboundMessage
from polis.notify.tasks import enqueue_delivery
from polis.notify.unsubscribe import unsubscribe_url

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from polis.accounts.models import User
    from polis.documents.models import StoredFile


def _deliver_after_commit(*messages: OutboundMessage) -> None:
    transaction.on_commit(partial(enqueue_delivery, *(message.pk for message in messages)))


def _rendered_email(
    *, to: str, template: str, context: dict, language: str = settings.LANGUAGE_CODE
) -> OutboundMessage:
    """The e-mail `notify/email/<template>` (subject, text, html) for `to`, written in
    `language`, not saved yet; its footer links to the unsubscribe page."""
    message = OutboundMessage(
        channel=OutboundMessage.Channel.EMAIL, recipient=to, language=language
    )
    message.unsubscribe_url = url = unsubscribe_url(message)
    context = {"mga_name": settings.MGA_NAME, "unsubscribe_url": url, **context}
    with translation.override(language):
        subject = render_to_string(f"notify/email/{template}.subject.txt", context)
        message.subject = " ".join(subject.split())[:255]
        message.body_text = render_to_string(f"notify/email/{template}.txt", context) + (
            "\n\n-- \n" + _("Non vuoi ricevere comunicazioni commerciali? %(url)s") % {"url": url}
        )
        message.body_html = render_to_string(f"notify/email/{template}.html", context)
    return message


def queue_email(
    *,
    to: str,
    template: str,
    context: dict,
    attachments: Iterable[StoredFile] = (),
    reply_to: str = "",
    language: str = settings.LANGUAGE_CODE,
) -> OutboundMessage:
    """Render `notify/email/<template>` (subject, text, html) in `language` (a client's on
    file; Italian for everyone else) and queue it for delivery, with stored files
    (`documents.StoredFile`) attached and answers going to `reply_to` if given. It is rendered
    once, here: a retry sends the same words.

    Call it inside the transaction of the change that causes the e-mail: if that rolls back,
    no e-mail is sent; once it commits, delivery is attempted until it succeeds or is marked
    failed for an administrator to see.
    """
    message = _rendered_email(to=to, template=template, context=context, language=language)
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


def queue_sms(
    *, to: str, text: str, sensitive: bool = False, language: str = settings.LANGUAGE_CODE
) -> OutboundMessage:
    """Queue an SMS to an E.164 number, its `text` written in `language` by the caller (under
    `translation.override`); `sensitive` texts are blanked once a provider has them."""
    message = OutboundMessage.objects.create(
        channel=OutboundMessage.Channel.SMS,
        recipient=to,
        body_text=text,
        sensitive=sensitive,
        language=language,
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
        record_audit(actor=actor, action=OutboxAudit.RETRY, target=message)
        _deliver_after_commit(message)


def forget_message_texts(messages: QuerySet[OutboundMessage]) -> int:
    """The retention job (`polis.notify.retention`): forget the words and attachments of sent
    messages; who they went to, when and how stay."""
    OutboundMessage.attachments.through.objects.filter(outboundmessage__in=messages).delete()
    return messages.update(subject="", body_text="", body_html="")
