"""Comunicazioni: threads between a firm and the MGA, with requests that wait for an answer."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from polis.accounts.selectors import firm_emails, role_emails
from polis.audit.services import record_audit
from polis.core.access import MGA_STAFF, OPERATOR, require
from polis.core.cache import touch
from polis.core.errors import DomainError, PermissionDenied
from polis.core.text import MESSAGE_TEXT, SHORT_TEXT, bounded_text
from polis.documents.services import store_upload
from polis.messaging.models import Message, ReadMarker, Thread
from polis.messaging.registry import follower_of
from polis.messaging.selectors import reader_stamp, side_stamp, subject_thread
from polis.notify.services import queue_email

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile

    from polis.accounts.models import Firm, User


def _check_side(actor: User, firm: Firm) -> bool:
    """True when the actor writes for the MGA; refuses users outside the firm."""
    require(actor, "use_messages")
    if actor.role in MGA_STAFF:
        return True
    if actor.firm_id != firm.pk:
        raise PermissionDenied(_("Non hai i permessi per questa conversazione."))
    return False


def _notify_other_side(message: Message, base_url: str) -> None:
    thread = message.thread
    recipients = firm_emails(thread.firm_id) if message.from_mga else role_emails(OPERATOR)
    link = f"{base_url}/comunicazioni/{thread.pk}/"
    for email in recipients:
        queue_email(
            to=email,
            template="message_posted",
            context={"thread": thread, "message": message, "link": link},
        )


def post_message(
    *,
    actor: User,
    thread: Thread,
    body: str,
    is_request: bool = False,
    files: Iterable[UploadedFile] = (),
    base_url: str = "",
) -> Message:
    """Add a message (with validated attachments) and e-mail the other side.

    A message from the firm answers the MGA's open requests in the thread; only the MGA can
    ask for something ("richiesta"). The domain following the thread's subject sees the message
    in the same transaction (registry.py).
    """
    from_mga = _check_side(actor, thread.firm)
    body = bounded_text(body, limit=MESSAGE_TEXT, field="body")
    if not body:
        raise DomainError(_("Scrivi il testo del messaggio."), field="body")
    if is_request and not from_mga:
        raise PermissionDenied(_("Solo gli operatori possono inviare richieste."))
    with transaction.atomic():
        thread = Thread.objects.select_for_update().get(pk=thread.pk)
        stored = [store_upload(actor=actor, name=f.name, data=f.read()) for f in files]
        now = timezone.now()
        message = Message.objects.create(
            thread=thread,
            author=actor,
            from_mga=from_mga,
            body=body,
            is_request=is_request,
            created_at=now,
        )
        message.attachments.set(stored)
        if from_mga:
            thread.open_requests = F("open_requests") + int(is_request)
        else:
            thread.messages.filter(is_request=True, answered_at__isnull=True).update(
                answered_at=now
            )
            thread.open_requests = 0
        thread.last_message_at = now
        thread.save(update_fields=["open_requests", "last_message_at"])
        ReadMarker.objects.update_or_create(thread=thread, user=actor, defaults={"read_at": now})
        touch(side_stamp(mga=not from_mga, firm_id=thread.firm_id), reader_stamp(actor))
        record_audit(
            actor=actor, action="message.posted", target=thread, data={"request": is_request}
        )
        follower = follower_of(thread.subject_type)
        if follower is not None:
            follower(message)
        _notify_other_side(message, base_url)
        return message


def open_thread(
    *,
    actor: User,
    firm: Firm,
    title: str,
    body: str,
    subject_type: str = "general",
    subject_id: str = "",
    is_request: bool = False,
    files: Iterable[UploadedFile] = (),
    base_url: str = "",
) -> Thread:
    """Start a conversation between `firm` and the MGA with its first message."""
    _check_side(actor, firm)
    title = bounded_text(title, limit=SHORT_TEXT, field="title")
    if not title:
        raise DomainError(_("Indica l'oggetto della comunicazione."), field="title")
    with transaction.atomic():
        thread = Thread.objects.create(
            firm=firm, title=title, subject_type=subject_type, subject_id=subject_id
        )
        record_audit(actor=actor, action="thread.opened", target=thread)
        post_message(
            actor=actor,
            thread=thread,
            body=body,
            is_request=is_request,
            files=files,
            base_url=base_url,
        )
        thread.refresh_from_db()
        return thread


def withdraw_requests(*, actor: User, thread: Thread) -> int:
    """The MGA closes its open requests in the thread without an answer, when their subject no
    longer needs one (e.g. a declined practice): they leave the firm's to-dos. Returns how many."""
    if not _check_side(actor, thread.firm):
        raise PermissionDenied(_("Solo gli operatori possono ritirare le richieste."))
    with transaction.atomic():
        thread = Thread.objects.select_for_update().get(pk=thread.pk)
        withdrawn = thread.messages.filter(is_request=True, answered_at__isnull=True).update(
            answered_at=timezone.now(), withdrawn=True
        )
        if withdrawn:
            thread.open_requests = 0
            thread.save(update_fields=["open_requests"])
            record_audit(
                actor=actor,
                action="thread.requests_withdrawn",
                target=thread,
                data={"requests": withdrawn},
            )
        return withdrawn


def mark_thread_read(*, actor: User, thread: Thread) -> None:
    """Remember that the actor has read the thread up to now (unread counters)."""
    _check_side(actor, thread.firm)
    ReadMarker.objects.update_or_create(
        thread=thread, user=actor, defaults={"read_at": timezone.now()}
    )
    touch(reader_stamp(actor))


def write_about(
    *,
    actor: User,
    firm: Firm,
    subject_type: str,
    subject_id: str,
    title: str,
    body: str,
    is_request: bool = False,
    files: Iterable[UploadedFile] = (),
    base_url: str = "",
) -> Thread:
    """A message in the one thread about a subject (a practice, a claim), opened by the first."""
    thread = subject_thread(firm, subject_type, subject_id)
    if thread is None:
        return open_thread(
            actor=actor,
            firm=firm,
            title=title,
            body=body,
            subject_type=subject_type,
            subject_id=subject_id,
            is_request=is_request,
            files=files,
            base_url=base_url,
        )
    post_message(
        actor=actor, thread=thread, body=body, is_request=is_request, files=files, base_url=base_url
    )
    return thread
