"""Expiries and renewals: reminder digests, expired practices, renewals and their answers."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from datetime import date
from itertools import groupby
from operator import itemgetter
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from polis.audit.services import record_audit, record_audits
from polis.catalog.services import mark_tariff_used, price_or_refuse
from polis.core.access import require
from polis.core.errors import DomainError, InvalidTransition
from polis.lifecycle import lock, save_versioned, transition_many
from polis.notify.services import queue_emails
from polis.practices.audit import PracticeAudit
from polis.practices.models import ExpiryReminder, Practice
from polis.practices.selectors import (
    ABANDONED,
    current_answers,
    practices_to_remind,
    reminders_due,
    renewal_window,
)
from polis.practices.services._common import S, _firm_emails, _own
from polis.practices.services.issuing import _new_practice

if TYPE_CHECKING:
    from polis.accounts.models import User

# --- Expiries and renewals -------------------------------------------------------------------

# Rows listed in an expiry digest: mail clients clip longer messages (Gmail at 102 kB, about
# 180 rows); the rest are counted, and the link opens them all.
EXPIRY_DIGEST_ROWS = 150


def _collaborator_emails(practice: Practice) -> list[str]:
    author = practice.created_by
    return [author.email] if author.is_active else _firm_emails(practice)


def _record_reminders(due: list[tuple[int, int, int]], thresholds: list[int]) -> list[int]:
    """Record each due practice's reminder at its threshold and at the farther ones (skipped
    after missed days), once each: a concurrent or repeated run inserts nothing twice. Returns
    the practices whose reminder at their threshold is new."""
    now = timezone.now()
    threshold_of = {pk: threshold for pk, _firm, threshold in due}
    rows = [(pk, t) for pk, threshold in threshold_of.items() for t in thresholds if t >= threshold]
    table = connection.ops.quote_name(ExpiryReminder._meta.db_table)
    values = ", ".join(["(%s, %s, %s)"] * len(rows))
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (practice_id, days, sent_at) VALUES {values} "  # noqa: S608
            "ON CONFLICT (practice_id, days) DO NOTHING RETURNING practice_id, days",
            [value for pk, days in rows for value in (pk, days, now)],
        )
        return [pk for pk, days in cursor.fetchall() if days == threshold_of[pk]]


def _whole_firms(
    due: list[tuple[int, int, int]], size: int
) -> Iterator[list[tuple[int, int, int]]]:
    """`due` (ordered by firm) in batches of whole firms, each closed once it reaches `size`
    practices: a large firm makes a large batch."""
    batch: list[tuple[int, int, int]] = []
    for _firm, rows in groupby(due, key=itemgetter(1)):
        batch += rows
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _expiry_digest(*, to: str, practices: list[Practice], today: date) -> dict:
    """The e-mail "Pratiche in scadenza" to `to` (for `queue_emails`): the practices by end date,
    each linked by its id, and a link to the expiring list over a window that shows them all."""
    site = settings.SITE_URL.rstrip("/")
    practices = sorted(practices, key=lambda p: (p.end_date, p.policy_number, p.pk))
    rows = [
        {
            "practice": p,
            "days": (p.end_date - today).days,
            "link": site + reverse("practices:detail", args=[p.pk]),
        }
        for p in practices[:EXPIRY_DIGEST_ROWS]
    ]
    farthest = (practices[-1].end_date - today).days
    window = min(
        (w for w in settings.PRACTICE_EXPIRING_WINDOWS if w >= farthest),
        default=max(settings.PRACTICE_EXPIRING_WINDOWS),
    )
    return {
        "to": to,
        "template": "practices_expiring",
        "context": {
            "rows": rows,
            "count": len(practices),
            "more": len(practices) - len(rows),
            "list_link": f"{site}{reverse('practices:expiring')}?giorni={window}",
        },
    }


def send_expiry_reminders(*, today: date | None = None, chunk: int = 500) -> int:
    """Daily job: e-mail each collaborator one digest of their in-force practices without a
    renewal that came within 60, 30 or 7 days (PRACTICE_REMINDER_DAYS) of their end — each
    practice once per threshold, however often the job runs; after missed days only at the
    nearest threshold. Returns the practices reminded.

    A recipient's practices all belong to one firm (the author's, or the firm's users when the
    author is inactive), so the job works in batches of whole firms, each its own transaction:
    the reminders are recorded (`INSERT … ON CONFLICT DO NOTHING RETURNING`, `chunk` practices a
    statement) and each recipient's digest of the new ones queued beside them. A failure loses
    nothing and a rerun repeats nothing; a concurrent run waits on the rows being inserted and,
    once they are committed, finds them taken and e-mails nothing for them.
    """
    today = today or timezone.localdate()
    thresholds = sorted(settings.PRACTICE_REMINDER_DAYS)
    reminded = 0
    for batch in _whole_firms(reminders_due(today), chunk):
        with transaction.atomic():
            digests: dict[str, list[Practice]] = defaultdict(list)
            for first in range(0, len(batch), chunk):
                fresh = _record_reminders(batch[first : first + chunk], thresholds)
                reminding = list(practices_to_remind(fresh))
                for practice in reminding:
                    for email in _collaborator_emails(practice):
                        digests[email].append(practice)
                record_audits(actor=None, action=PracticeAudit.EXPIRING, targets=reminding)
                reminded += len(fresh)
            queue_emails(
                [
                    _expiry_digest(to=email, practices=practices, today=today)
                    for email, practices in digests.items()
                ]
            )
    return reminded


def expire_practices(*, today: date | None = None, chunk: int = 1000) -> int:
    """Daily job: practices in force past their end date (not renewed) become expired.

    In chunks, each one UPDATE (which bumps the version: a form still open on one of them is
    told it changed) and one audit INSERT in its own transaction: a rerun after a failure picks
    up what is left and expires nothing twice.
    """
    today = today or timezone.localdate()
    expired = 0
    ended = list(
        Practice.objects.filter(status=S.IN_FORCE, end_date__lt=today)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    for first in range(0, len(ended), chunk):
        with transaction.atomic():
            still_in_force = Practice.objects.filter(
                pk__in=ended[first : first + chunk], status=S.IN_FORCE
            )
            expired += transition_many(still_in_force, S.EXPIRED, actor=None)
    return expired


def renew_practice(*, actor: User, practice: Practice) -> Practice:
    """RINNOVA PRATICA: a new draft for the next period (effective on the old end date), with the
    same client, product and answers (as the last variazione left them), re-rated with the
    tariff valid then. It follows the normal flow; when it comes into force the old practice
    becomes renewed."""
    require(actor, "work_portfolio")
    _own(actor, practice)
    with transaction.atomic():
        old = lock(practice)
        if old.status not in (S.IN_FORCE, S.EXPIRED):
            raise InvalidTransition(
                _("La pratica è «%(current)s»: si rinnovano le pratiche in vigore o scadute.")
                % {"current": old.get_status_display()}
            )
        earliest, latest = renewal_window(timezone.localdate())
        if old.end_date > latest:
            raise DomainError(
                _("Il rinnovo si prepara negli ultimi %(days)s giorni prima della scadenza.")
                % {"days": max(settings.PRACTICE_EXPIRING_WINDOWS)}
            )
        if old.end_date < earliest:
            raise DomainError(_("La pratica è scaduta da troppo tempo: fai una nuova pratica."))
        if old.renewals.exclude(status__in=ABANDONED).exists():
            raise DomainError(_("Questa pratica ha già un rinnovo in corso."))
        version, breakdown, answers = price_or_refuse(
            product=old.product, on=old.end_date, answers=current_answers(old)
        )
        renewal = _new_practice(
            actor,
            client=old.client,
            product=old.product,
            tariff=version,
            answers=answers,
            effective_date=old.end_date,
            priced=breakdown,
            breakdown=breakdown.as_json(),
            renewal_of=old,
        )
        mark_tariff_used(version)
        record_audit(
            actor=actor,
            action=PracticeAudit.RENEWAL_CREATED,
            target=renewal,
            data={"renews": old.policy_number, "previous_gross": str(old.gross)},
        )
        return renewal


def change_renewal_answers(
    *, actor: User, practice: Practice, answers: dict, version: int | None = None
) -> Practice:
    """At renewal the client's situation may have changed (limit, deductible, turnover…): the
    renewal's answers are replaced and it is re-rated with the tariff valid on its start date;
    the page shows the new premium against the previous period's. Answers the tariff cannot
    price are refused and change nothing."""
    require(actor, "work_portfolio")
    _own(actor, practice)
    with transaction.atomic():
        practice = lock(practice, version)
        if practice.renewal_of_id is None or practice.status != S.DRAFT:
            raise InvalidTransition(
                _("Il questionario si modifica su un rinnovo non ancora emesso.")
            )
        tariff, breakdown, answers = price_or_refuse(
            product=practice.product, on=practice.effective_date, answers=answers
        )
        previous = practice.gross
        practice.answers, practice.tariff = answers, tariff
        practice.net, practice.tax, practice.gross = breakdown.net, breakdown.tax, breakdown.gross
        practice.commission, practice.breakdown = breakdown.commission, breakdown.as_json()
        save_versioned(
            practice, "answers", "tariff", "net", "tax", "gross", "commission", "breakdown"
        )
        mark_tariff_used(tariff)
        record_audit(
            actor=actor,
            action=PracticeAudit.RENEWAL_CHANGED,
            target=practice,
            data={"previous_gross": str(previous), "gross": str(practice.gross)},
        )
        return practice
