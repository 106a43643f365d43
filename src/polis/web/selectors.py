import hashlib

from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db import connection
from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.utils.translation import get_language

from polis.accounts.models import Firm
from polis.core.cache import cached, table_stamp
from polis.core.search import TEXT_SEARCH_CONFIG
from polis.web.models import ContactRequest, FaqEntry


def faq_entries(*, query: str = "") -> QuerySet[FaqEntry]:
    """Published FAQ entries with every word of `query` in the question or the answer, as typed
    (a word being typed is a prefix); on PostgreSQL also by Italian stemming («rinnovare» finds
    «rinnovo»). In the FAQ's own order, which groups them by section."""
    entries = FaqEntry.objects.filter(published=True)
    words = query.split()[:8]
    if not words:
        return entries
    typed = Q()
    for word in words:
        typed &= Q(question__icontains=word) | Q(answer__icontains=word)
    if connection.vendor != "postgresql":
        return entries.filter(typed)
    document = SearchVector("question", weight="A", config=TEXT_SEARCH_CONFIG) + SearchVector(
        "answer", weight="B", config=TEXT_SEARCH_CONFIG
    )
    wanted = SearchQuery(" ".join(words), config=TEXT_SEARCH_CONFIG, search_type="websearch")
    return entries.annotate(document=document).filter(Q(document=wanted) | typed)


# Touched by every write to the FAQ's table, whoever makes it (core/pagecache.watch).
FAQ_STAMP = table_stamp(FaqEntry._meta.db_table)


def faq_entries_html(*, query: str = "") -> str:
    """The FAQ entries matching `query`, rendered: the same for every visitor who searches
    alike, so kept in the shared cache until an entry changes."""

    def render() -> str:
        context = {"entries": faq_entries(query=query), "query": query}
        return render_to_string("web/faq.html#entries", context)

    key = f"faq:{get_language()}:{hashlib.sha256(query.encode()).hexdigest()}"
    return cached(key, render, stamps=[FAQ_STAMP])


def contact_requests(*, open_only: bool) -> QuerySet[ContactRequest]:
    requests = ContactRequest.objects.select_related("handled_by")
    return requests.filter(handled_at__isnull=True) if open_only else requests


def get_contact_request(pk: int) -> ContactRequest:
    return get_object_or_404(ContactRequest, pk=pk)


def operator_overview() -> dict:
    return {
        "pending_firms": Firm.objects.filter(status=Firm.Status.PENDING).count(),
        "open_contacts": ContactRequest.objects.filter(handled_at__isnull=True).count(),
    }
