from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from polis.core.access import MGA_STAFF, can
from polis.privacy.models import DataSubjectRequest

if TYPE_CHECKING:
    from polis.accounts.models import User


def requests_visible_to(user: User) -> QuerySet[DataSubjectRequest]:
    """Every request for the MGA's staff; a firm's administrator sees his firm's clients'."""
    if not can(user, "handle_privacy_requests"):
        return DataSubjectRequest.objects.none()
    requests = DataSubjectRequest.objects.select_related("client", "firm")
    if user.role in MGA_STAFF:
        return requests
    return requests.filter(firm_id=user.firm_id)


def get_request_for(user: User, pk: int) -> DataSubjectRequest:
    """404 both for a missing request and for another firm's."""
    return get_object_or_404(requests_visible_to(user), pk=pk)


def request_list(user: User, *, open_only: bool = False) -> QuerySet[DataSubjectRequest]:
    """The register, open requests first by deadline."""
    requests = requests_visible_to(user)
    if open_only:
        requests = requests.filter(status__in=DataSubjectRequest.OPEN)
    return requests.order_by("answered_on", "due_on", "-pk")


def overdue_requests(user: User) -> QuerySet[DataSubjectRequest]:
    """Open requests past their deadline (the dashboard's alert)."""
    return requests_visible_to(user).filter(
        status__in=DataSubjectRequest.OPEN, due_on__lt=timezone.localdate()
    )
