from django.db.models import Q
from django.shortcuts import get_object_or_404

from polis.accounts.models import Firm
from polis.web.models import ContactRequest, FaqEntry


def faq_entries(*, query: str = ""):
    entries = FaqEntry.objects.filter(published=True)
    for word in query.split()[:8]:
        entries = entries.filter(Q(question__icontains=word) | Q(answer__icontains=word))
    return entries


def contact_requests(*, open_only: bool):
    requests = ContactRequest.objects.select_related("handled_by")
    return requests.filter(handled_at__isnull=True) if open_only else requests


def get_contact_request(pk: int) -> ContactRequest:
    return get_object_or_404(ContactRequest, pk=pk)


def operator_overview() -> dict:
    return {
        "pending_firms": Firm.objects.filter(status=Firm.Status.PENDING).count(),
        "open_contacts": ContactRequest.objects.filter(handled_at__isnull=True).count(),
    }
