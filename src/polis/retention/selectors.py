"""Reads of the retention app: the legal holds, the runs and their reports."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from polis.clients.models import Client
from polis.core.access import require
from polis.retention.models import LegalHold, PurgeRun

if TYPE_CHECKING:
    from polis.accounts.models import User


def clients_on_hold() -> QuerySet[Client]:
    """The clients an operator's legal hold keeps (a hold source, see polis.core.retention)."""
    active = LegalHold.objects.filter(status=LegalHold.Status.ACTIVE)
    return Client.objects.filter(pk__in=active.values("client_id"))


def runs_visible_to(user: User) -> QuerySet[PurgeRun]:
    require(user, "manage_retention")
    return PurgeRun.objects.all()


def holds_visible_to(user: User) -> QuerySet[LegalHold]:
    require(user, "manage_retention")
    return LegalHold.objects.select_related("client", "placed_by", "released_by").order_by(
        "status", "-placed_at", "-pk"
    )
