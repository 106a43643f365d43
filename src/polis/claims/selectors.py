"""Who sees which claims (the firm, MGA staff, the assigned adjuster), eligibility, the SLA."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

from django.core.cache import cache
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone
from django.utils.translation import ngettext

from polis.catalog.models import Product
from polis.catalog.selectors import CoverageLine, coverages_of
from polis.claims.cover import cover_period, shift_years
from polis.claims.models import Claim, ClaimDocument, ClaimEvent
from polis.clients.selectors import (
    WHOLE_NUMBER,
    clients_for_word,
    designated_clients,
    searchable_clients,
)
from polis.core.access import ADJUSTER, MGA_STAFF, can
from polis.core.search import matching_keys, text_search
from polis.core.workdays import working_days_between
from polis.messaging.selectors import subject_thread
from polis.practices.models import Practice
from polis.practices.selectors import PolicyVersion, matching, version_in_force
from polis.signatures.registry import SubjectKind
from polis.signatures.selectors import latest_requests_by_subject, latest_signed_request

if TYPE_CHECKING:
    from polis.accounts.models import User
    from polis.messaging.models import Thread
    from polis.signatures.models import SignatureRequest


def acts_on(user: User, claim: Claim) -> bool:
    """Whether `user` acts on this claim: the firm's collaborators on its own claims, the
    adjuster it is assigned to, the MGA. The services and the actions table both ask it."""
    if user.is_collaborator:
        return claim.firm_id == user.firm_id
    if user.is_adjuster:
        return claim.adjuster_id == user.pk
    return True


def documentation_to_confirm(claim: Claim) -> bool:
    """Whether confirming the documentation complete changes something: the claim waits for
    documents, or its SLA clock has not started yet."""
    return claim.status == Claim.Status.DOCS_MISSING or (
        claim.is_open and not claim.docs_complete_on
    )


def claims_visible_to(user: User) -> QuerySet[Claim]:
    """GDPR art. 9: only the firm, MGA staff and the assigned adjuster see a claim."""
    claims = Claim.objects.select_related(
        "practice__client", "practice__product__insurer", "firm", "adjuster"
    )
    if not can(user, "view_claims"):
        return claims.none()
    if user.role in MGA_STAFF:
        return claims
    if user.role == ADJUSTER:
        return claims.filter(adjuster=user)
    return claims.filter(firm_id=user.firm_id)


def get_claim_for(user: User, pk: int, *, key_only: bool = False) -> Claim:
    """The claim (404 if `user` may not see it); with `key_only`, its key alone: what logging
    its opening needs, before its page is read from the cache or computed."""
    claims = claims_visible_to(user)
    if key_only:
        claims = claims.select_related(None).only("pk")
    claim = claims.filter(pk=pk).first()
    if claim is None:
        raise Http404
    return claim


def search_claims(
    user: User, *, query: str = "", text: str = "", status: str = "", overdue: bool = False
) -> QuerySet[Claim]:
    """VISUALIZZA SINISTRI: `query` words are numbers or clients, `text` words are searched in
    the description of the event (Italian full-text search), for the roles that read it."""
    claims = claims_visible_to(user)
    if text.strip():
        # a search in the descriptions reveals them: nothing for roles that do not read them
        readable = can(user, "read_claim_details")
        claims = text_search(claims, "description", text) if readable else claims.none()
    if status in Claim.Status.values:
        claims = claims.filter(status=status)
    if overdue:
        claims = _overdue(claims, timezone.localdate())
    for word in query.split()[:5]:
        claims = claims.filter(claim_matches(word, user))
    return claims.order_by("-created_at", "-pk")


# What a row of VISUALIZZA SINISTRI and of the adjuster's dashboard shows, SLA included.
ROW_FIELDS = (
    "number",
    "claim_type_label",
    "event_date",
    "status",
    "sla_due",
    "insurer_number_on",
    "investigation_done_on",
    "practice__policy_number",
    "practice__client__kind",
    "practice__client__first_name",
    "practice__client__last_name",
    "practice__client__company_name",
    "practice__product__insurer__claims_closures",
)


def as_rows(claims: QuerySet[Claim]) -> QuerySet[Claim]:
    """The claims as list rows: only the joins and columns a row shows."""
    return (
        claims.select_related(None)
        .select_related("practice__client", "practice__product__insurer")
        .only(*ROW_FIELDS)
    )


def assigned_open_claims(user: User, limit: int = 20) -> list[tuple[Claim, Sla]]:
    """The adjuster's dashboard: open claims assigned to `user`, each with its SLA."""
    today = timezone.localdate()
    claims = as_rows(claims_visible_to(user)).filter(status__in=Claim.OPEN)[:limit]
    return [(claim, sla_of(claim, today)) for claim in claims]


def claim_matches(word: str, user: User) -> Q:
    """One typed word: part of the claim's number, the insurer's number or the policy number,
    or the client (name, codice fiscale, partita IVA) as the portfolio lists read it."""
    clients = clients_for_word(word, searchable_clients(user))
    if clients is None:
        upper = word.upper()
        policies = (
            Practice.objects.filter(firm_id=user.firm_id) if user.firm_id else Practice.objects
        )
        if WHOLE_NUMBER.fullmatch(upper):  # a claim or a policy number, each of a unique index
            return Q(number=upper) | matching_keys(
                "practice_id", policies.filter(policy_number=upper)
            )
        # The claims a part of a number designates, passed by key: the list then sorts them
        # instead of walking its sorting index for matches that may all sit at its far end (the
        # claims of old policies, for the MGA: the whole table read, 180 ms against 8).
        numbered = claims_visible_to(user).filter(
            Q(number__icontains=upper)
            | Q(insurer_claim_number__icontains=upper)
            | matching_keys("practice_id", policies.filter(policy_number__icontains=upper))
        )
        return matching_keys("pk", numbered)
    return designated_clients("client_id", clients, user)


ENDED = (Practice.Status.EXPIRED, Practice.Status.RENEWED)


def is_eligible(practice: Practice, today: date) -> bool:
    """In force, or ended within its reporting period (claims.cover)."""
    if practice.status == Practice.Status.IN_FORCE:
        return True
    return practice.status in ENDED and cover_period(practice).open_until_refusal(today) is None


def _still_reportable(today: date) -> Q:
    """Ended policies whose reporting period runs today: the product's reporting days after the
    end, or the years of ultrattività their answers bought (claims.cover, in SQL)."""
    reportable = Q(pk__in=[])
    products = Product.objects.only(
        "pk", "reporting_days", "cover_basis", "run_off_answer", "questionnaire"
    )
    for product in products:
        days = product.reporting_days
        reportable |= Q(product_id=product.pk, end_date__gte=today - timedelta(days=days))
        question = product.cover_basis == Product.CoverBasis.CLAIMS_MADE and next(
            (q for q in product.questionnaire if q["name"] == product.run_off_answer), None
        )
        for value, _label in question["choices"] if question else []:
            if str(value).isdigit() and int(value):
                reportable |= Q(
                    product_id=product.pk,
                    **{f"answers__{product.run_off_answer}": str(value)},
                    end_date__gte=shift_years(today, -int(value)),
                )
    return reportable


def eligible_policies(user: User, *, query: str = "") -> QuerySet[Practice]:
    """APRI SINISTRO: the firm's policies on which a claim can be opened."""
    if not can(user, "open_claims"):
        return Practice.objects.none()
    today = timezone.localdate()
    recently_ended = _still_reportable(today)
    practices = (
        Practice.objects.filter(firm_id=user.firm_id)
        .filter(Q(status=Practice.Status.IN_FORCE) | (Q(status__in=ENDED) & recently_ended))
        .select_related("client", "product")
        # Counted for the page's rows only, not grouped over every eligible policy.
        .annotate(claim_count=_claim_count())
        .order_by("-effective_date", "-pk")
    )
    return matching(practices, query, user)


def _claim_count() -> Coalesce:
    claims = Claim.objects.filter(practice=OuterRef("pk")).order_by().values("practice")
    return Coalesce(Subquery(claims.annotate(n=Count("pk")).values("n")), 0)


def get_eligible_policy_for(user: User, pk: int) -> Practice:
    practice = eligible_policies(user).filter(pk=pk).first()
    if practice is None:
        raise Http404
    return practice


def claim_type_of(product: Product, code: str) -> dict | None:
    return next((kind for kind in product.claim_types if kind["code"] == code), None)


def missing_document_kinds(claim: Claim) -> dict[str, str]:
    """The required documents of the claim's type not uploaded yet: label by code."""
    kind = claim_type_of(claim.practice.product, claim.claim_type) or {"documents": []}
    present = set(claim.documents.values_list("kind", flat=True))
    return {
        d["code"]: d["label"]
        for d in kind["documents"]
        if d["required"] and d["code"] not in present
    }


def missing_documents(claim: Claim) -> list[str]:
    """Labels of the required documents of the claim's type not uploaded yet."""
    return list(missing_document_kinds(claim).values())


def sla_closures(claim: Claim) -> list[date]:
    return [date.fromisoformat(day) for day in claim.practice.product.insurer.claims_closures]


@dataclass(frozen=True)
class Sla:
    due: date | None
    days_left: int | None  # working days; negative when overdue
    number_done: bool
    investigation_done: bool

    @property
    def running(self) -> bool:
        return self.due is not None and not (self.number_done and self.investigation_done)

    @property
    def days_late(self) -> int:
        return -self.days_left if self.days_left is not None and self.days_left < 0 else 0

    @property
    def overdue(self) -> bool:
        return self.running and self.days_left is not None and self.days_left < 0


def sla_of(claim: Claim, today: date | None = None) -> Sla:
    today = today or timezone.localdate()
    days_left = None
    if claim.sla_due is not None:
        days_left = working_days_between(today, claim.sla_due, sla_closures(claim))
    return Sla(
        due=claim.sla_due,
        days_left=days_left,
        number_done=bool(claim.insurer_number_on),
        investigation_done=bool(claim.investigation_done_on),
    )


def _overdue(claims: QuerySet[Claim], today: date) -> QuerySet[Claim]:
    return claims.filter(status__in=Claim.OPEN, sla_due__lt=today).filter(
        Q(insurer_number_on__isnull=True) | Q(investigation_done_on__isnull=True)
    )


def overdue_claims() -> QuerySet[Claim]:
    return _overdue(
        Claim.objects.select_related("practice__client"), timezone.localdate()
    ).order_by("sla_due")


def documents_of(claim: Claim) -> QuerySet[ClaimDocument]:
    return claim.documents.select_related("file", "uploaded_by")


def get_document_for(user: User, claim_pk: int, document_pk: int) -> ClaimDocument:
    claim = get_claim_for(user, claim_pk)
    document = (
        ClaimDocument.objects.filter(claim=claim, pk=document_pk).select_related("file").first()
    )
    if document is None:
        raise Http404
    return document


def timeline_of(user: User, claim: Claim) -> QuerySet[ClaimEvent]:
    events = ClaimEvent.objects.filter(claim=claim).select_related("actor")
    if user.role not in MGA_STAFF and user.role != ADJUSTER:
        events = events.filter(shared=True)
    return events


def contract_identification_of(practice: Practice) -> SignatureRequest | None:
    """The contract's signed FEA request, whose identification of the insured (who attested
    which identity document) a quietanza reuses; None if the contract was not signed so."""
    return latest_signed_request(SubjectKind.PRACTICE, practice.pk)


def quietanza_requests(claim: Claim) -> dict[int, SignatureRequest]:
    """The latest signature request of each quietanza of the claim."""
    return latest_requests_by_subject(
        SubjectKind.QUIETANZA, claim.quietanze.values_list("pk", flat=True)
    )


def sla_overview() -> dict:
    """Operators' dashboard: overdue count, average working days to the insurer's number, and
    claims by status for the chart."""
    # the latest 2000 numbered claims, each on its insurer's calendar
    numbered = (
        Claim.objects.filter(docs_complete_on__isnull=False, insurer_number_on__isnull=False)
        .order_by("-insurer_number_on", "-pk")
        .values_list(
            "docs_complete_on", "insurer_number_on", "practice__product__insurer__claims_closures"
        )[:2000]
    )
    days = [
        working_days_between(start, end, [date.fromisoformat(day) for day in closures])
        for start, end, closures in numbered
    ]
    by_status = dict(
        Claim.objects.values_list("status").annotate(n=Count("pk")).values_list("status", "n")
    )
    return {
        "overdue_count": _overdue(Claim.objects.all(), timezone.localdate()).count(),
        "average_days_to_number": round(sum(days) / len(days), 1) if days else None,
        "open_count": Claim.objects.filter(status__in=Claim.OPEN).count(),
        "chart": {
            "labels": [str(label) for value, label in Claim.Status.choices],
            "values": [by_status.get(value, 0) for value, _label in Claim.Status.choices],
        },
    }


def recent_sla_overview() -> dict:
    """sla_overview as of at most a minute ago: the operators' pages show it on every visit, and
    over 100,000 claims it costs tens of milliseconds."""
    return cache.get_or_set("claims:sla-overview", sla_overview, timeout=60)


def thread_of(claim: Claim) -> Thread | None:
    """The claim's Comunicazioni thread, if a message was written."""
    return subject_thread(claim.firm, "claim", claim.number)


CLAIMS_HISTORY_YEARS = 5


def recent_claims_reasons(practice: Practice) -> list[str]:
    """The practice's review reason from claims (registered in apps.py): the client's claims
    on the firm's policies in the last CLAIMS_HISTORY_YEARS years."""
    since = timezone.localdate() - timedelta(days=365 * CLAIMS_HISTORY_YEARS + 1)
    claims = Claim.objects.filter(
        practice__client_id=practice.client_id, event_date__gte=since
    ).count()
    if not claims:
        return []
    return [
        ngettext(
            "%(count)d sinistro del cliente negli ultimi %(years)d anni",
            "%(count)d sinistri del cliente negli ultimi %(years)d anni",
            claims,
        )
        % {"count": claims, "years": CLAIMS_HISTORY_YEARS}
    ]


def claims_for_bordereau(*, insurer_id: int, first_day: date, last_day: date) -> QuerySet[Claim]:
    """The claims on an insurer's policies a month's bordereau reports: notified by its last
    day and either notified or paid within it, or still open (outstanding)."""
    in_month = Q(reported_on__gte=first_day) | Q(paid_on__gte=first_day, paid_on__lte=last_day)
    return (
        Claim.objects.filter(practice__product__insurer_id=insurer_id, reported_on__lte=last_day)
        .filter(in_month | Q(status__in=Claim.OPEN))
        .select_related("client", "practice")
        .order_by("reported_on", "pk")
    )


def cover_at_event(claim: Claim) -> tuple[PolicyVersion, list[CoverageLine]]:
    """The policy's version in force on the event's date and the coverages (limits,
    deductibles) it gave: what the claim is handled against."""
    practice = claim.practice
    version = version_in_force(practice, claim.event_date)
    cover = practice.breakdown.get("cover") if version.endorsement is None else None
    return version, coverages_of(practice.product, version.answers, cover)
