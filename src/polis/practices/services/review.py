"""The MGA's review: approve, decline, ask the agency for information, and its answers."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext as _

from polis.core.access import require
from polis.core.errors import DomainError, InvalidTransition
from polis.core.text import bounded_text
from polis.lifecycle import lock, transition
from polis.messaging.services import withdraw_requests, write_about
from polis.notify.services import queue_email
from polis.practices.models import Practice, PracticeDocument
from polis.practices.selectors import thread_of
from polis.practices.services._common import S, _own
from polis.practices.services.documents import OTHER_DOCUMENT
from polis.practices.services.issuing import _issue

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile

    from polis.accounts.models import User
    from polis.messaging.models import Message, Thread


def approve_practice(*, actor: User, practice: Practice, version: int | None = None) -> Practice:
    """An operator approves a practice in review: it is issued."""
    require(actor, "review_practices")
    with transaction.atomic():
        practice = lock(practice, version)
        if practice.status != S.IN_REVIEW:
            raise InvalidTransition(_("La pratica non è in revisione."))
        return _issue(actor=actor, practice=practice)


def decline_practice(
    *, actor: User, practice: Practice, reason: str, version: int | None = None
) -> Practice:
    """An operator declines a practice in review, with the reason e-mailed to the firm; the
    MGA's open requests about it leave the firm's to-dos."""
    require(actor, "review_practices")
    reason = bounded_text(reason, limit=300, field="reason")
    if not reason:
        raise DomainError(_("Indica il motivo del rifiuto."), field="reason")
    with transaction.atomic():
        thread = thread_of(practice)
        if thread is not None:  # the thread before the practice: the lock order of messages
            withdraw_requests(actor=actor, thread=thread)
        practice = lock(practice, version)
        practice.review_reason = reason
        transition(
            practice, S.DECLINED, actor=actor, fields=("review_reason",), data={"reason": reason}
        )
        for email in practice.firm.users.filter(is_active=True).values_list("email", flat=True):
            queue_email(to=email, template="practice_declined", context={"practice": practice})
        return practice


def _practice_thread(
    actor: User,
    practice: Practice,
    body: str,
    *,
    is_request: bool = False,
    files: Iterable[UploadedFile] = (),
    base_url: str = "",
) -> Thread:
    return write_about(
        actor=actor,
        firm=practice.firm,
        subject_type="practice",
        subject_id=str(practice.pk),
        title=_("Pratica %(product)s — %(client)s")
        % {"product": practice.product.name, "client": practice.client.display_name},
        body=body,
        is_request=is_request,
        files=files,
        base_url=base_url,
    )


def write_about_practice(
    *, actor: User, practice: Practice, text: str, base_url: str = ""
) -> Thread:
    """A message between the firm and the MGA in the practice's Comunicazioni thread; from the
    firm, it answers the MGA's request for information (record_practice_message)."""
    require(actor, "use_messages")
    _own(actor, practice)
    return _practice_thread(actor, practice, text, base_url=base_url)


def request_practice_information(
    *, actor: User, practice: Practice, text: str, version: int | None = None, base_url: str = ""
) -> Practice:
    """An operator asks the firm for information on a practice in review: it waits in
    `info_requested`; the request is a to-do in the practice's Comunicazioni thread."""
    require(actor, "review_practices")
    if not text.strip():
        raise DomainError(_("Scrivi che cosa serve."), field="text")
    with transaction.atomic():
        # The thread first, then the practice: the order every message in the thread locks
        # them (record_practice_message); a refusal below drops the request too.
        _practice_thread(actor, practice, text.strip(), is_request=True, base_url=base_url)
        practice = lock(practice, version)
        transition(practice, S.INFO_REQUESTED, actor=actor)
        return practice


def answer_practice_information(
    *,
    actor: User,
    practice: Practice,
    text: str,
    files: Iterable[UploadedFile] = (),
    base_url: str = "",
) -> Practice:
    """The firm answers the MGA's request with a message and/or documents (which join the
    practice's documents): the practice goes back to review."""
    require(actor, "work_portfolio")
    _own(actor, practice)
    if not text.strip() and not files:
        raise DomainError(_("Scrivi la risposta o allega i documenti richiesti."), field="text")
    _waiting_for_answer(Practice.objects.get(pk=practice.pk))
    body = text.strip() or _("Documenti inviati: %(names)s.") % {
        "names": ", ".join(f.name for f in files)
    }
    with transaction.atomic():
        _practice_thread(actor, practice, body, files=files, base_url=base_url)
        # record_practice_message has locked the practice and put it back in review, unless it
        # stopped waiting meanwhile (e.g. declined): then nothing is sent.
        practice = Practice.objects.get(pk=practice.pk)
        if practice.status != S.IN_REVIEW:
            _waiting_for_answer(practice)
        return practice


def _waiting_for_answer(practice: Practice) -> None:
    if practice.status != S.INFO_REQUESTED:
        raise InvalidTransition(
            _("La pratica è «%(current)s»: l'MGA non sta aspettando informazioni.")
            % {"current": practice.get_status_display()}
        )


def record_practice_message(message: Message) -> None:
    """Comunicazioni follower: a message in a practice's thread (inside its transaction).
    Its attachments join the practice's documents; any message from the firm answers the
    MGA's request, and the practice goes back to review."""
    practice = Practice.objects.select_for_update().get(pk=int(message.thread.subject_id))
    PracticeDocument.objects.bulk_create(
        PracticeDocument(
            practice=practice,
            kind=OTHER_DOCUMENT,
            label=_("Allegato alle comunicazioni"),
            file=attachment,
            uploaded_by=message.author,
            uploaded_at=message.created_at,
        )
        for attachment in message.attachments.all()
    )
    if not message.from_mga and practice.status == S.INFO_REQUESTED:
        transition(practice, S.IN_REVIEW, actor=message.author, action="practice.info_answered")
