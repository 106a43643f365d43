from django.db.models import Q
from django.shortcuts import get_object_or_404

from polis.core.access import MGA_STAFF, can
from polis.practices.models import Practice
from polis.signatures.selectors import requests_for_subject


def practices_visible_to(user):
    practices = Practice.objects.select_related("client", "product")
    if user.role in MGA_STAFF:
        return practices.select_related("firm")
    return (
        practices.filter(firm_id=user.firm_id)
        if can(user, "work_portfolio")
        else (practices.none())
    )


def search_practices(user, *, query: str = "", status: str = ""):
    practices = practices_visible_to(user)
    if status in Practice.Status.values:
        practices = practices.filter(status=status)
    for word in query.split()[:5]:
        practices = practices.filter(
            Q(policy_number__icontains=word)
            | Q(client__last_name__icontains=word)
            | Q(client__company_name__icontains=word)
            | Q(client__codice_fiscale__iexact=word)
        )
    return practices.order_by("-created_at", "-pk")


def get_practice_for(user, pk: int) -> Practice:
    """404 both for a missing practice and another firm's."""
    return get_object_or_404(practices_visible_to(user), pk=pk)


def review_queue():
    """Practices waiting for the MGA, oldest first."""
    return (
        Practice.objects.filter(status=Practice.Status.IN_REVIEW)
        .select_related("firm", "client", "product")
        .order_by("created_at", "pk")
    )


def signature_requests_of(user, practice: Practice):
    """The practice's signature requests, newest first, for people who may manage them."""
    if not can(user, "manage_signatures"):
        return []
    return list(requests_for_subject(user, "practice", practice.pk).order_by("-created_at"))
