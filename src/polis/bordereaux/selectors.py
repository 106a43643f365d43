"""Reads of the bordereaux, for the MGA's staff only."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from polis.bordereaux.models import Bordereau
from polis.bordereaux.standards import STANDARDS
from polis.catalog.models import Insurer
from polis.core.access import can

if TYPE_CHECKING:
    from polis.accounts.models import User


def bordereaux_visible_to(user: User) -> QuerySet[Bordereau]:
    if not can(user, "report_to_insurers"):
        return Bordereau.objects.none()
    return Bordereau.objects.select_related("insurer")


def get_bordereau_for(user: User, pk: int) -> Bordereau:
    return get_object_or_404(bordereaux_visible_to(user), pk=pk)


def bordereau_list(
    user: User,
    *,
    insurer_id: int | None = None,
    kind: str = "",
    status: str = "",
    month: datetime.date | None = None,
) -> QuerySet[Bordereau]:
    """Newest month first, filtered by insurer, kind, status and month."""
    found = bordereaux_visible_to(user)
    if insurer_id:
        found = found.filter(insurer_id=insurer_id)
    if kind:
        found = found.filter(kind=kind)
    if status:
        found = found.filter(status=status)
    if month:
        found = found.filter(month=month.replace(day=1))
    return found.order_by("-month", "insurer__name", "kind", "pk")


def insurers() -> QuerySet[Insurer]:
    return Insurer.objects.order_by("name")


def missing_columns(bordereau: Bordereau) -> list[tuple[str, str, int]]:
    """(code, header, rows missing it) for each mandatory column with empty cells, in the
    standard's order."""
    counts = bordereau.missing_by_column
    return [
        (column.code, column.header, counts[column.code])
        for column in STANDARDS[bordereau.kind]
        if column.code in counts
    ]
