from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from polis.accounting.models import Payout
from polis.accounting.money import commission_on
from polis.accounting.selectors import payout_for
from polis.audit.models import AuditEvent
from polis.catalog.selectors import mga_commission_rates, review_flags
from polis.catalog.target_market import TargetCheck, check_target_market
from polis.clients.selectors import portfolio_search
from polis.core.access import MGA_STAFF, can
from polis.documents.models import StoredFile
from polis.messaging.selectors import subject_thread
from polis.notify.models import OutboundMessage
from polis.practices.audit import PracticeAudit
from polis.practices.disclosures import TEMPLATES
from polis.practices.models import (
    Endorsement,
    ExpiryReminder,
    Payment,
    Practice,
    PracticeDocument,
)
from polis.practices.registry import registered_review_reasons
from polis.quotes.models import Quote, QuoteRequest
from polis.signatures.registry import SubjectKind
from polis.signatures.selectors import requests_for_subject

if TYPE_CHECKING:
    from polis.accounts.models import User
    from polis.catalog.models import Product
    from polis.messaging.models import Message, Thread
    from polis.practices.forms import ExpiringFilterForm, PracticeFilterForm
    from polis.signatures.models import SignatureRequest

S = Practice.Status
# A renewal that is cancelled or declined no longer counts: the practice can be renewed again.
ABANDONED = (S.CANCELLED, S.DECLINED)


def mga_commission(practice: Practice, net: Decimal | None = None) -> Decimal:
    """The MGA's own commission at the rate of the practice's tariff, on `net`: the practice's
    net premium, or a variazione's difference of it (negative for a return premium)."""
    rate = mga_commission_rates({practice.tariff_id})[practice.tariff_id]
    return commission_on(practice.net if net is None else net, rate)


def payment_split(practice: Practice, payment: Payment) -> dict[str, Decimal]:
    """What a payment holds for the ledger's premium posting: its tax and the MGA's whole
    commission, an instalment's share of the premium's (1 = the first) or a variazione's own."""
    if payment.endorsement_id is not None:
        endorsement = payment.endorsement
        return {
            "tax": endorsement.difference_tax,
            "mga_commission": mga_commission(practice, endorsement.difference_net),
        }
    index = payment.instalment - 1
    return {
        "tax": practice.shares(practice.tax)[index],
        "mga_commission": practice.shares(mga_commission(practice))[index],
    }


def acts_on(user: User, practice_or_quote: Practice | Quote) -> bool:
    """Whether `user` acts on this practice (or quote) at all: the firm's collaborators on its
    own, and the MGA; not the adjusters, whose work is the claims."""
    if not can(user, "view_practices"):
        return False
    return not user.is_collaborator or practice_or_quote.firm_id == user.firm_id


def awaits_signature(signature: SignatureRequest) -> bool:
    """Whether the contract's practice still waits for the signature (an expired request may
    then be sent again; once the practice is back to issued, a new request is sent)."""
    return Practice.objects.filter(pk=signature.subject_id, status=S.SIGNING).exists()


def live_renewal_exists() -> Exists:
    """Expression: the practice has a renewal that is not abandoned."""
    return Exists(Practice.objects.filter(renewal_of=OuterRef("pk")).exclude(status__in=ABANDONED))


def reminders_due(today: date) -> list[tuple[int, int, int]]:
    """Expiry reminders due today as (practice, firm, threshold), by firm: in-force practices
    without a renewal within PRACTICE_REMINDER_DAYS of their end, each at its nearest threshold
    (after missed days the farther ones are skipped) unless already reminded at it."""
    thresholds = sorted(settings.PRACTICE_REMINDER_DAYS)
    nearest = Case(
        *[When(end_date__lte=today + timedelta(days=t), then=Value(t)) for t in thresholds]
    )
    reminded = ExpiryReminder.objects.filter(practice=OuterRef("pk"), days=OuterRef("threshold"))
    return list(
        Practice.objects.filter(
            status=S.IN_FORCE,
            end_date__gte=today,
            end_date__lte=today + timedelta(days=thresholds[-1]),
        )
        .exclude(live_renewal_exists())
        .annotate(threshold=nearest)
        .exclude(Exists(reminded))
        .order_by("firm_id", "pk")
        .values_list("pk", "firm_id", "threshold")
    )


def practices_to_remind(pks: list[int]) -> QuerySet[Practice]:
    """The practices an expiry digest lists, with only what it shows and who receives it (the
    catch-up run reads thousands)."""
    return (
        Practice.objects.filter(pk__in=pks)
        .select_related("client", "product", "created_by", "firm")
        .only(
            "policy_number",
            "end_date",
            "client__kind",
            "client__company_name",
            "client__first_name",
            "client__last_name",
            "product__name",
            "created_by__email",
            "created_by__is_active",
            "firm__id",
        )
    )


def renewal_window(today: date) -> tuple[date, date]:
    """End dates of the practices that may be renewed today: from the grace period after expiry
    to the widest window of "Pratiche in scadenza"."""
    return (
        today - timedelta(days=settings.PRACTICE_RENEWAL_AFTER_EXPIRY_DAYS),
        today + timedelta(days=max(settings.PRACTICE_EXPIRING_WINDOWS)),
    )


# What a list row never shows: the practice's and its product's JSON documents. Not reading
# them spares decoding a few kilobytes per row.
LIST_DEFERRED = (
    "answers",
    "breakdown",
    "disclosures",
    "needs",
    "product__questionnaire",
    "product__needs_questionnaire",
    "product__required_documents",
    "product__claim_types",
)


# What a row of the practice lists (Pratiche, in scadenza, Rinnova) and of the dashboard shows.
# A page's rows read these columns only, not the sixty of a practice, its client and product.
ROW_FIELDS = (
    "policy_number",
    "status",
    "gross",
    "effective_date",
    "end_date",
    "client__kind",
    "client__first_name",
    "client__last_name",
    "client__company_name",
    "product__name",
    "firm__name",  # read only where the firm is joined (MGA staff)
)


def as_rows(practices: QuerySet[Practice]) -> QuerySet[Practice]:
    """The practices as list rows: only the columns a row shows."""
    return practices.only(*ROW_FIELDS)


def practices_visible_to(user: User) -> QuerySet[Practice]:
    practices = Practice.objects.select_related("client", "product")
    if user.role in MGA_STAFF:
        return practices.select_related("firm")
    return (
        practices.filter(firm_id=user.firm_id)
        if can(user, "work_portfolio")
        else (practices.none())
    )


def matching(practices: QuerySet[Practice], query: str, user: User) -> QuerySet[Practice]:
    """Practices matching every word: policy number, codice fiscale or client name."""
    for word in query.split()[:5]:
        practices = practices.filter(
            portfolio_search(word, number_field="policy_number", user=user)
        )
    return practices


def search_practices(user: User, *, query: str = "", status: str = "") -> QuerySet[Practice]:
    practices = practices_visible_to(user)
    if status in Practice.Status.values:
        practices = practices.filter(status=status)
    return matching(practices, query, user).order_by("-created_at", "-pk")


def filtered_practices(user: User, form: PracticeFilterForm) -> QuerySet[Practice]:
    """Pratiche: the user's practices with the list's search, filters and sorting."""
    practices = practices_visible_to(user).defer(*LIST_DEFERRED)
    return form.apply(matching(practices, form.value("q") or "", user))


def expiring_practices(user: User, form: ExpiringFilterForm) -> QuerySet[Practice]:
    """Pratiche in scadenza: in force, ending between today and the chosen window."""
    today = timezone.localdate()
    practices = (
        practices_visible_to(user)
        .defer(*LIST_DEFERRED)
        .filter(
            status=S.IN_FORCE, end_date__gte=today, end_date__lte=today + timedelta(days=form.days)
        )
    )
    practices = practices.annotate(renewing=live_renewal_exists())
    return form.apply(matching(practices, form.value("q") or "", user))


def starting_practices(user: User) -> QuerySet[Practice]:
    """Perfezionate practices waiting for their start date, the nearest first."""
    return (
        practices_visible_to(user)
        .defer(*LIST_DEFERRED)
        .filter(status=S.COMPLETED)
        .order_by("effective_date", "pk")
    )


def get_practice_for(user: User, pk: int) -> Practice:
    """404 both for a missing practice and another firm's."""
    return get_object_or_404(practices_visible_to(user), pk=pk)


def sales_outside_target_market(
    user: User, start: date | None = None, end: date | None = None
) -> QuerySet[Practice]:
    """POG, the MGA's report: practices sold outside their product's target market, each with
    its collaborator's justification (issued, in review or later; not drafts, declined or
    cancelled), newest first; created between `start` and `end` when given."""
    if not can(user, "view_target_market_report"):
        return Practice.objects.none()
    sales = Practice.objects.filter(target_market__isnull=False).exclude(
        status__in=[Practice.Status.DRAFT, Practice.Status.DECLINED, Practice.Status.CANCELLED]
    )
    if start:
        sales = sales.filter(created_at__date__gte=start)
    if end:
        sales = sales.filter(created_at__date__lte=end)
    return sales.select_related("product", "firm", "created_by").order_by("-created_at", "-pk")


def outside_target_market_totals(sales: QuerySet[Practice]) -> list[dict]:
    """The report's summary: how many sales outside the target market per product and
    collaborator."""
    totals = (
        sales.order_by()
        .values(
            "product__name",
            "firm__name",
            "created_by__first_name",
            "created_by__last_name",
        )
        .annotate(sales=Count("pk"))
        .order_by("-sales", "product__name", "firm__name")
    )
    return [dict(row) for row in totals]


def review_queue() -> QuerySet[Practice]:
    """Practices in review or waiting for the firm's information, the longest waiting first."""
    return (
        Practice.objects.filter(
            status__in=(Practice.Status.IN_REVIEW, Practice.Status.INFO_REQUESTED)
        )
        .select_related("firm", "client", "product")
        .order_by("submitted_at", "pk")
    )


# --- Perfezionamento --------------------------------------------------------------------------


def payments_of(practice: Practice) -> QuerySet[Payment]:
    return practice.payments.select_related("receipt", "endorsement").order_by(
        "instalment", "recorded_at"
    )


def due_instalment(practice: Practice) -> int | None:
    """The first instalment (1-based) without a payment that stands, or None when all are paid."""
    paid = set(
        practice.payments.exclude(status=Payment.Status.REJECTED).values_list(
            "instalment", flat=True
        )
    )
    return next((n for n in range(1, len(practice.instalments) + 1) if n not in paid), None)


def get_payment_for(user: User, pk: int) -> Payment:
    """A payment of a practice the user may see (404 otherwise)."""
    return get_object_or_404(
        Payment.objects.select_related("practice", "receipt").filter(
            practice__in=practices_visible_to(user)
        ),
        pk=pk,
    )


def payments_to_verify() -> QuerySet[Payment]:
    """Payments the MGA has not checked yet, oldest first."""
    return (
        Payment.objects.filter(status=Payment.Status.TO_VERIFY)
        .select_related("practice__client", "practice__product", "firm", "endorsement")
        .order_by("recorded_at", "pk")
    )


# --- Renewals ---------------------------------------------------------------------------------


def renewable_practices(user: User, query: str = "") -> QuerySet[Practice]:
    """RINNOVA PRATICA: the firm's practices in force ending soon or expired recently, without a
    renewal on its way; nearest end first."""
    earliest, latest = renewal_window(timezone.localdate())
    practices = (
        practices_visible_to(user)
        .defer(*LIST_DEFERRED)
        .filter(status__in=(S.IN_FORCE, S.EXPIRED), end_date__gte=earliest, end_date__lte=latest)
        .exclude(live_renewal_exists())
    )
    return matching(practices, query, user).order_by("end_date", "pk")


def with_renewable(practices: QuerySet[Practice], user: User) -> QuerySet[Practice]:
    """The practices, each marked `renewable` as `renewable_practices` decides (for a list's
    buttons, in the same query)."""
    return practices.annotate(renewable=Exists(renewable_practices(user).filter(pk=OuterRef("pk"))))


def signature_requests_of(user: User, practice: Practice) -> list[SignatureRequest]:
    """The practice's signature requests, newest first, for people who may manage them."""
    if not can(user, "manage_signatures"):
        return []
    return list(
        requests_for_subject(user, SubjectKind.PRACTICE, practice.pk).order_by("-created_at")
    )


def thread_of(practice: Practice) -> Thread | None:
    """The practice's Comunicazioni thread with the MGA, if written."""
    return subject_thread(practice.firm, "practice", str(practice.pk))


def open_question(thread: Thread | None) -> Message | None:
    """The MGA's latest request in the practice's thread still waiting for the firm's answer."""
    if thread is None:
        return None
    return (
        thread.messages.filter(is_request=True, answered_at=None, withdrawn=False)
        .select_related("author")
        .order_by("-created_at", "-pk")
        .first()
    )


def uploaded_documents(practice: Practice) -> list:
    """The documents added to the practice, each with its version number within its kind
    (newest first)."""
    documents = list(practice.documents.select_related("file", "uploaded_by"))
    counts: dict[str, int] = {}
    for document in documents:
        counts[document.kind] = counts.get(document.kind, 0) + 1
    seen: dict[str, int] = {}
    for document in documents:
        seen[document.kind] = seen.get(document.kind, 0) + 1
        document.number = counts[document.kind] - seen[document.kind] + 1  # type: ignore[attr-defined]
    return documents


def get_practice_document_for(user: User, pk: int, document_pk: int) -> PracticeDocument:
    practice = get_practice_for(user, pk)
    document = practice.documents.select_related("file").filter(pk=document_pk).first()
    if document is None:
        raise Http404
    return document


def review_reasons(practice: Practice) -> list[str]:
    """Why the practice is outside the product's automatic limits and needs the MGA's review:
    the premium over the limit, answers the questionnaire flags, and what the domains above
    add (registry.py; claims: the client's recent claims on the firm's policies). Empty: the
    firm may issue it at once, as it may a practice from a custom offer whose terms the MGA set
    and the firm accepted."""
    if (
        practice.quote_id
        and QuoteRequest.objects.filter(
            quote_id=practice.quote_id, status=QuoteRequest.Status.ACCEPTED
        ).exists()
    ):
        return []
    reasons = []
    if practice.gross > practice.product.auto_issue_max_gross:
        reasons.append(_("Premio oltre il limite di emissione automatica"))
    reasons += review_flags(practice.product, practice.answers)
    reasons += registered_review_reasons(practice)
    return reasons


def disclosures_stored(practice: Practice) -> bool:
    """Whether the practice keeps its pre-contractual documents as files (issued before they
    were stored, it keeps only their hashes)."""
    return any(entry.get("file") for entry in practice.disclosures)


def disclosure_rows(practice: Practice) -> list[dict]:
    """The practice's pre-contractual documents, each named as the client reads it (records
    made before titles were stored carry only the template's kind, e.g. "mup")."""
    titles = {template.kind: template.title for template in TEMPLATES}
    return [
        {**entry, "label": entry.get("label") or titles.get(entry["kind"], entry["kind"])}
        for entry in practice.disclosures
    ]


def delivery_status(practice: Practice) -> dict:
    """Where the pre-contractual documents stand: when and how they reached the client (the
    outbox's sent time for an e-mail not yet confirmed on the practice), and the e-mail."""
    delivery = practice.delivery
    message = delivery_message(practice)
    delivered_at = parse_datetime(delivery.get("delivered_at") or "")
    channel = delivery.get("channel", "")
    if delivered_at is None and message is not None and message.status == message.Status.SENT:
        delivered_at, channel = message.sent_at, "email"
    return {"delivered_at": delivered_at, "channel": channel, "message": message}


def delivery_message(practice: Practice) -> OutboundMessage | None:
    """The latest e-mail that carries the practice's pre-contractual documents, if any."""
    uuid = practice.delivery.get("message")
    return OutboundMessage.objects.filter(uuid=uuid).first() if uuid else None


def disclosure_file(practice: Practice, index: int) -> StoredFile:
    """The stored file of the practice's `index`-th pre-contractual document (404 if none)."""
    entries = practice.disclosures
    if not 0 <= index < len(entries) or not entries[index].get("file"):
        raise Http404
    return get_object_or_404(StoredFile, pk=entries[index]["file"])


def renewal_changes(practice: Practice) -> list[dict]:
    """What the renewal's answers change from the renewed practice's, as the questionnaire
    words them: [{question, before, after}]."""
    old = practice.renewal_of
    if old is None:
        return []
    return answer_changes(practice.product, old.answers, practice.answers)


def answer_changes(product: Product, before: dict, after: dict) -> list[dict]:
    """The questions whose answer differs, as the questionnaire words them:
    [{question, before, after}]."""
    changes = []
    for question in product.questionnaire:
        old, new = (_worded(question, a.get(question["name"], "")) for a in (before, after))
        if old != new:
            changes.append({"question": question["label"], "before": old, "after": new})
    return changes


def _worded(question: dict, value: str) -> str:
    """An answer as the questionnaire words it (a yes/no declaration left unticked is "No")."""
    if question.get("type") == "boolean":
        return _("Sì") if value == "True" else _("No")
    words = {choice: text for choice, text in question.get("choices", [])}
    return words.get(value, value) or "—"


def policies_issued_between(
    *, insurer_id: int, start: datetime, end: datetime
) -> QuerySet[Practice]:
    """The policies of an insurer's products issued in [start, end), in issue order: the
    written business of a bordereau (whatever became of them since)."""
    return (
        Practice.objects.filter(
            product__insurer_id=insurer_id, issued_at__gte=start, issued_at__lt=end
        )
        .select_related("client", "product")
        .order_by("issued_at", "pk")
    )


def endorsements_effective_between(
    *, insurer_id: int, start: datetime, end: datetime
) -> QuerySet[Endorsement]:
    """The variazioni with a premium difference of an insurer's policies that became effective
    (their appendice signed) in [start, end), in that order."""
    return (
        Endorsement.objects.filter(
            practice__product__insurer_id=insurer_id,
            status=E.EFFECTIVE,
            effective_at__gte=start,
            effective_at__lt=end,
        )
        .exclude(difference_gross=0)
        .select_related("practice__client", "practice__product")
        .order_by("effective_at", "pk")
    )


def policies_cancelled_between(
    *, insurer_id: int, start: datetime, end: datetime
) -> QuerySet[Practice]:
    """The issued policies of an insurer's products cancelled in [start, end), each with
    `cancelled_at`: the moment of the lifecycle's move, as its audit event recorded it."""
    moved = AuditEvent.objects.filter(
        object_type="practices.practice",
        object_id=Cast(OuterRef("pk"), CharField()),
        action=PracticeAudit.CANCELLED,
    ).order_by("-at")
    return (
        Practice.objects.filter(
            product__insurer_id=insurer_id,
            status=S.CANCELLED,
            issued_at__isnull=False,
            issued_at__lt=end,
        )
        .annotate(cancelled_at=Subquery(moved.values("at")[:1]))
        .filter(cancelled_at__gte=start, cancelled_at__lt=end)
        .select_related("client", "product")
        .order_by("cancelled_at", "pk")
    )


# --- Variazioni (endorsements) and the versions of a practice ----------------------------------

E = Endorsement.Status
# The practice's states in which a variazione may be asked: the contract signed, the period open.
ENDORSABLE = (S.SIGNED, S.COMPLETED, S.IN_FORCE, S.RENEWED)


@dataclass(frozen=True)
class PolicyVersion:
    """What a practice answered for from `start` to `end` (both included): version 1 is the
    issue, each effective variazione the next one."""

    number: int
    start: date
    end: date
    answers: dict
    net: Decimal
    gross: Decimal
    endorsement: Endorsement | None  # None: the policy as issued

    @property
    def label(self) -> str:
        if self.endorsement is None:
            return _("Emissione")
        return _("Appendice n. %(number)d") % {"number": self.endorsement.number}


def practice_versions(practice: Practice) -> list[PolicyVersion]:
    """The practice's versions in order: as issued, then each effective variazione from its
    effective date (the previous one ends the day before)."""
    changes = list(
        practice.endorsements.filter(status=E.EFFECTIVE).order_by("effective_date", "number")
    )
    starts = [practice.effective_date] + [e.effective_date for e in changes]
    ends = [start - timedelta(days=1) for start in starts[1:]] + [practice.end_date]
    sources: list[tuple[dict, Decimal, Decimal, Endorsement | None]] = [
        (practice.answers, practice.net, practice.gross, None)
    ] + [(e.answers, e.net, e.gross, e) for e in changes]
    return [
        PolicyVersion(n, start, end, answers, net, gross, endorsement)
        for n, (start, end, (answers, net, gross, endorsement)) in enumerate(
            zip(starts, ends, sources, strict=True), start=1
        )
    ]


def version_in_force(practice: Practice, on: date) -> PolicyVersion:
    """The version of the practice that answered for `on`: the latest effective variazione
    whose effective date is not after `on`, else the policy as issued (also for a day outside
    the period, whose cover the caller judges)."""
    versions = practice_versions(practice)
    return next((v for v in reversed(versions) if v.start <= on), versions[0])


def current_answers(practice: Practice) -> dict:
    """The answers of the practice's latest version (what a renewal starts from)."""
    return practice_versions(practice)[-1].answers


def endorsement_reasons(endorsement: Endorsement) -> list[str]:
    """Why a variazione is beyond the product's automatic limits and needs the MGA's review:
    the annual premium up by more than the product allows, answers the questionnaire flags
    that the previous version did not, the new premium over the issuing limit, or a policy
    whose terms the MGA set in a custom offer. Empty: it is issued at once."""
    practice = endorsement.practice
    product = practice.product
    reasons = []
    if practice.breakdown.get("cover"):
        reasons.append(_("Polizza con condizioni concordate con l'MGA"))
    limit = endorsement.previous_gross * (1 + product.endorsement_max_increase / 100)
    if endorsement.gross > limit:
        reasons.append(
            _("Premio annuo aumentato di oltre il %(percent)s %%")
            % {"percent": f"{product.endorsement_max_increase.normalize():f}"}
        )
    if endorsement.gross > product.auto_issue_max_gross:
        reasons.append(_("Premio oltre il limite di emissione automatica"))
    before = set(review_flags(product, endorsement.previous_answers))
    reasons += [flag for flag in review_flags(product, endorsement.answers) if flag not in before]
    return reasons


def endorsements_visible_to(user: User) -> QuerySet[Endorsement]:
    """The variazioni of the practices the user sees."""
    return Endorsement.objects.select_related(
        "practice__client", "practice__product", "practice__firm"
    ).filter(practice__in=practices_visible_to(user))


def get_endorsement_for(user: User, pk: int) -> Endorsement:
    """404 both for a missing variazione and another firm's."""
    return get_object_or_404(endorsements_visible_to(user), pk=pk)


def endorsements_of(practice: Practice) -> QuerySet[Endorsement]:
    return practice.endorsements.select_related("created_by").order_by("-number")


# --- The money of a variazione: its additional premium to collect, or its refund -------------

# A variazione's refund payout is named by this subject kind in polis.accounting.
REFUND_SUBJECT = "endorsement"


@dataclass(frozen=True)
class PremiumChange:
    """Where a variazione's premium difference stands: to collect from the client (recorded,
    verified) or to give back (the IBAN collected, in a SEPA batch, sent)."""

    amount: Decimal  # always positive
    refund: bool
    payment: Payment | None  # the standing payment of an additional premium
    payout: Payout | None  # the refund's payout

    @property
    def status(self) -> str:
        if self.refund:
            return self.payout.status if self.payout else "to_refund"
        return self.payment.status if self.payment else "due"

    @property
    def label(self) -> str:
        return {
            "due": _("Premio da incassare"),
            Payment.Status.TO_VERIFY: _("Pagamento da verificare"),
            Payment.Status.VERIFIED: _("Premio incassato"),
            "to_refund": _("Rimborso da chiedere: manca l'IBAN del cliente"),
            Payout.Status.PENDING: _("Rimborso da mettere in distinta SEPA"),
            Payout.Status.BATCHED: _("Rimborso in distinta SEPA"),
            Payout.Status.SENT: _("Rimborsato"),
        }[self.status]

    @property
    def settled(self) -> bool:
        return self.status in (Payment.Status.VERIFIED, Payout.Status.SENT)


def premium_change(endorsement: Endorsement) -> PremiumChange | None:
    """The money of an effective variazione with a premium difference (None otherwise)."""
    if endorsement.status != E.EFFECTIVE or not endorsement.difference_gross:
        return None
    if endorsement.to_refund:
        return PremiumChange(
            amount=-endorsement.difference_gross,
            refund=True,
            payment=None,
            payout=payout_for(REFUND_SUBJECT, endorsement.pk),
        )
    payment = (
        endorsement.payments.exclude(status=Payment.Status.REJECTED).select_related("receipt")
    ).first()
    return PremiumChange(
        amount=endorsement.difference_gross, refund=False, payment=payment, payout=None
    )


def collected_premium(practice: Practice) -> Decimal:
    """The practice's premium collected (verified payments) less what was given back or is on
    its way back to the client."""
    collected = practice.payments.filter(status=Payment.Status.VERIFIED).aggregate(s=Sum("amount"))[
        "s"
    ] or Decimal(0)
    refunds = Payout.objects.filter(kind=Payout.Kind.REFUND, practice_id=practice.pk)
    return collected - (refunds.aggregate(s=Sum("gross"))["s"] or Decimal(0))


def collected_shares(practice: Practice) -> dict[str, Decimal]:
    """What the ledger holds of the premium collected on the practice (`collected_premium`):
    its premium tax, the MGA's whole commission and the firm's share of it, as each verified
    payment posted them, less what refunds to the client took back."""
    shares = {"tax": Decimal(0), "mga_commission": Decimal(0), "commission": Decimal(0)}
    verified = practice.payments.filter(status=Payment.Status.VERIFIED)
    for payment in verified.select_related("endorsement"):
        split = payment_split(practice, payment)
        shares["tax"] += split["tax"]
        shares["mga_commission"] += split["mga_commission"]
        shares["commission"] += payment.commission
    refunds = Payout.objects.filter(kind=Payout.Kind.REFUND, practice_id=practice.pk).aggregate(
        tax=Sum("tax"), mga=Sum("mga_clawback"), firm=Sum("clawback")
    )
    shares["tax"] -= refunds["tax"] or 0
    shares["mga_commission"] -= refunds["mga"] or 0
    shares["commission"] -= refunds["firm"] or 0
    return shares


def payment_to_verify(practice: Practice) -> bool:
    """Whether a payment of the practice (or of a variazione) waits for the MGA's check."""
    return practice.payments.filter(status=Payment.Status.TO_VERIFY).exists()


def endorsements_with_money_due(user: User) -> QuerySet[Endorsement]:
    """The user's effective variazioni whose difference is still to collect (no standing
    payment) or to refund (no payout yet), oldest first."""
    standing = Payment.objects.filter(endorsement=OuterRef("pk")).exclude(
        status=Payment.Status.REJECTED
    )
    payout = Payout.objects.filter(subject_kind=REFUND_SUBJECT, subject_id=OuterRef("pk"))
    return (
        endorsements_visible_to(user)
        .filter(status=E.EFFECTIVE)
        .filter(
            Q(~Exists(standing), difference_gross__gt=0)
            | Q(~Exists(payout), difference_gross__lt=0)
        )
        .select_related("practice__client", "practice__product")
        .order_by("effective_at", "pk")
    )


def endorsement_review_queue() -> QuerySet[Endorsement]:
    """Variazioni waiting for the MGA's review, the longest waiting first."""
    return (
        Endorsement.objects.filter(status=E.IN_REVIEW)
        .select_related("practice__firm", "practice__client", "practice__product")
        .order_by("submitted_at", "pk")
    )


def endorsement_awaits_signature(signature: SignatureRequest) -> bool:
    """Whether the appendice still waits for the signature (an expired link may be renewed)."""
    return Endorsement.objects.filter(pk=signature.subject_id, status=E.SIGNING).exists()


def endorsement_changes(endorsement: Endorsement) -> list[dict]:
    """The questions whose answer the variazione changes: [{question, before, after}]."""
    return answer_changes(
        endorsement.practice.product, endorsement.previous_answers, endorsement.answers
    )


def endorsement_signature_requests(user: User, endorsement: Endorsement) -> list[SignatureRequest]:
    """The appendice's signature requests, newest first, for people who may manage them."""
    if not can(user, "manage_signatures"):
        return []
    return list(
        requests_for_subject(user, SubjectKind.ENDORSEMENT, endorsement.pk).order_by("-created_at")
    )


def target_market_check(practice: Practice) -> TargetCheck:
    """The practice's client and answers against its product's target market (POG), with the
    demands and needs recorded so far: what issuing checks, and the page announces."""
    return check_target_market(
        practice.product,
        client=practice.client,
        answers=practice.answers,
        needs=practice.needs.get("answers"),
        on=practice.effective_date,
    )
