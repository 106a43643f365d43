from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.shortcuts import get_object_or_404

from polis.core.access import MGA_STAFF, can
from polis.core.cache import cached
from polis.messaging.models import Message, ReadMarker, Thread

if TYPE_CHECKING:
    from polis.accounts.models import Firm, User
    from polis.documents.models import StoredFile


def threads_visible_to(user: User) -> QuerySet[Thread]:
    if not can(user, "use_messages"):
        return Thread.objects.none()
    threads = Thread.objects.select_related("firm")
    return threads if user.role in MGA_STAFF else threads.filter(firm_id=user.firm_id)


def with_unread(threads: QuerySet[Thread], user: User) -> QuerySet[Thread]:
    """Annotate `unread`: a message from the other side after the user's last read."""
    marker = ReadMarker.objects.filter(thread=OuterRef("thread"), user=user)
    unread = Message.objects.filter(
        Q(from_mga=user.role not in MGA_STAFF),
        Q(created_at__gt=Subquery(marker.values("read_at")[:1])) | ~Exists(marker),
        thread=OuterRef("pk"),
    )
    return threads.annotate(unread=Exists(unread))


def side_stamp(*, mga: bool, firm_id: int | None) -> str:
    """Touched when a message reaches a side: the MGA's staff, or the people of one firm."""
    return "messaging:mga" if mga else f"messaging:firm:{firm_id}"


def reader_stamp(user: User) -> str:
    """Touched when the user reads or writes (their read markers move)."""
    return f"messaging:reader:{user.pk}"


def unread_count(user: User) -> int:
    """Threads with messages the user has not read; shown on every page, so kept in the shared
    cache until a message reaches the user's side or the user reads."""
    return cached(
        f"messaging:unread:{user.pk}",
        # `unread` is with_unread's annotation, which the Django plugin does not see
        lambda: with_unread(threads_visible_to(user), user).filter(unread=True).count(),  # type: ignore[misc]
        stamps=[
            side_stamp(mga=user.role in MGA_STAFF, firm_id=user.firm_id),
            reader_stamp(user),
        ],
    )


def get_thread_for(user: User, pk: int) -> Thread:
    """404 both for a missing thread and for one of another firm."""
    return get_object_or_404(threads_visible_to(user), pk=pk)


def messages_of(thread: Thread) -> QuerySet[Message]:
    return thread.messages.select_related("author").prefetch_related("attachments")


def get_attachment_for(user: User, thread_pk: int, file_pk: int) -> StoredFile:
    thread = get_thread_for(user, thread_pk)
    message = get_object_or_404(Message, thread=thread, attachments__pk=file_pk)
    return message.attachments.get(pk=file_pk)


def subject_thread(firm: Firm | int, subject_type: str, subject_id: str) -> Thread | None:
    """The one thread about a subject (a practice, a claim) of the firm, if written."""
    return Thread.objects.filter(
        firm=firm, subject_type=subject_type, subject_id=subject_id
    ).first()
