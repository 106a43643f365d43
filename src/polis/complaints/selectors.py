from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from polis.complaints.models import Category, Complaint
from polis.core.access import MGA_STAFF, can

if TYPE_CHECKING:
    from polis.accounts.models import User


def complaints_visible_to(user: User) -> QuerySet[Complaint]:
    """Every complaint for the MGA's staff; a firm's administrator sees those about his firm
    (he supplies the information the MGA answers with, brief §6), not those about the MGA, the
    insurers or other firms."""
    if not can(user, "view_complaints"):
        return Complaint.objects.none()
    complaints = Complaint.objects.select_related("category", "firm", "insurer", "assigned_to")
    if user.role in MGA_STAFF:
        return complaints
    return complaints.filter(against=Complaint.Against.COLLABORATOR, firm_id=user.firm_id)


def get_complaint_for(user: User, pk: int) -> Complaint:
    """404 both for a missing complaint and for one the user may not see."""
    return get_object_or_404(complaints_visible_to(user), pk=pk)


def complaint_list(user: User, *, open_only: bool = False, search: str = "") -> QuerySet[Complaint]:
    """The register, newest first; open ones by deadline."""
    complaints = complaints_visible_to(user)
    if open_only:
        complaints = complaints.filter(status__in=Complaint.OPEN).order_by("due_on", "pk")
    else:
        complaints = complaints.order_by("-received_on", "-pk")
    if search:
        complaints = complaints.filter(
            Q(number__icontains=search) | Q(complainant_name__icontains=search)
        )
    return complaints


def due_complaints(
    today: datetime.date | None = None, complaints: QuerySet[Complaint] | None = None
) -> QuerySet[Complaint]:
    """Open complaints (of `complaints`, by default all) past their deadline or in its last 15
    days, soonest first."""
    today = today or timezone.localdate()
    horizon = today + datetime.timedelta(days=Complaint.ANSWER_DAYS - Complaint.WARN_DAYS)
    base = Complaint.objects.all() if complaints is None else complaints
    return base.filter(status__in=Complaint.OPEN, due_on__lte=horizon).order_by("due_on", "pk")


def complaints_due(user: User, today: datetime.date | None = None) -> QuerySet[Complaint]:
    """The due complaints the user sees (the dashboard's alert)."""
    return due_complaints(today, complaints_visible_to(user))


def register_rows(user: User, start: datetime.date, end: datetime.date) -> QuerySet[Complaint]:
    """The register for a period (received between `start` and `end`, both included)."""
    return (
        complaints_visible_to(user)
        .filter(received_on__range=(start, end))
        .order_by("received_on", "number")
    )


def quarter_of(day: datetime.date) -> tuple[datetime.date, datetime.date]:
    first = datetime.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    last_month = first.month + 2
    following = (
        datetime.date(first.year + 1, 1, 1)
        if last_month == 12
        else datetime.date(first.year, last_month + 1, 1)
    )
    return first, following - datetime.timedelta(days=1)


def quarterly_summary(user: User, start: datetime.date, end: datetime.date) -> list[dict]:
    """Per category: complaints received in the quarter, and of them answered (by outcome),
    forwarded to an insurer and still open, with the average days to answer."""
    rows = register_rows(user, start, end)
    counts = {
        row["category"]: row
        for row in rows.values("category").annotate(
            received=Count("pk"),
            accepted=Count("pk", filter=Q(outcome__in=["accepted", "partly", "settled"])),
            rejected=Count("pk", filter=Q(outcome="rejected")),
            forwarded=Count("pk", filter=Q(status=Complaint.Status.FORWARDED)),
            open=Count("pk", filter=Q(status__in=Complaint.OPEN)),
            against_mga=Count("pk", filter=Q(against=Complaint.Against.MGA)),
            against_collaborators=Count("pk", filter=Q(against=Complaint.Against.COLLABORATOR)),
        )
    }
    answered: dict[int, list[int]] = {}
    for category_id, received_on, answered_on in rows.filter(answered_on__isnull=False).values_list(
        "category_id", "received_on", "answered_on"
    ):
        answered.setdefault(category_id, []).append((answered_on - received_on).days)
    summary = []
    for category in Category.objects.all():
        row = counts.get(category.pk)
        if row is None and not category.active:
            continue
        days = answered.get(category.pk, [])
        summary.append(
            {
                "category": category,
                "received": row["received"] if row else 0,
                "accepted": row["accepted"] if row else 0,
                "rejected": row["rejected"] if row else 0,
                "forwarded": row["forwarded"] if row else 0,
                "open": row["open"] if row else 0,
                "against_mga": row["against_mga"] if row else 0,
                "against_collaborators": row["against_collaborators"] if row else 0,
                "average_days": round(sum(days) / len(days), 1) if days else None,
            }
        )
    return summary
