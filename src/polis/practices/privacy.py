"""The client's practices, their documents and signature evidence, for his data-subject
requests, and the retention duty that keeps a contract's records (registered in `apps.py`)."""

from django.utils import timezone
from django.utils.translation import gettext as _

from polis.practices.models import Practice
from polis.privacy.models import add_months
from polis.signatures.registry import SubjectKind
from polis.signatures.selectors import evidence_of, latest_requests_by_subject

# A practice that reached the client (a contract or a proposal he signed) is a distribution
# record: kept at least 5 years (art. 67 Reg. IVASS 40/2018, regulatory brief §7).
RETENTION_YEARS = 5
# The FEA's evidence (identity document, adhesion, art. 56 evidence): at least 20 years.
FEA_EVIDENCE_YEARS = 20
_NOT_A_CONTRACT = (Practice.Status.DRAFT, Practice.Status.DECLINED)


def export_client(client) -> list[dict]:
    practices = list(
        Practice.objects.filter(client=client)
        .select_related("product")
        .prefetch_related("documents__file")
        .order_by("pk")
    )
    signatures = latest_requests_by_subject(SubjectKind.PRACTICE, [p.pk for p in practices])
    return [
        {
            "numero_polizza": practice.policy_number,
            "prodotto": practice.product.name,
            "stato": str(practice.get_status_display()),
            "decorrenza": practice.effective_date.isoformat(),
            "scadenza": practice.end_date.isoformat(),
            "premio_lordo": str(practice.gross),
            "risposte_al_questionario": practice.answers,
            "documenti": [
                {
                    "documento": document.label,
                    "file": document.file.name,
                    "sha256": document.file.sha256,
                    "caricato_il": document.uploaded_at.isoformat(),
                }
                for document in practice.documents.all()
            ],
            "evidenze_di_firma": _signature(signatures.get(practice.pk)),
        }
        for practice in practices
    ]


def _signature(request) -> list[dict]:
    if request is None:
        return []
    return [
        {"evento": str(step.label), "il": step.at.isoformat(), "ip": step.ip or ""}
        for step in evidence_of(request)
    ]


def retention_duties(client) -> list[str]:
    """The duties that keep the client's practices: 5 years from a contract's end, 20 years
    from a signature with the FEA."""
    today = timezone.localdate()
    practices = list(
        Practice.objects.filter(client=client)
        .exclude(status__in=_NOT_A_CONTRACT)
        .values_list("pk", "end_date")
    )
    duties = []
    if any(_add_years(end, RETENTION_YEARS) >= today for _pk, end in practices):
        duties.append(
            _(
                "contratto: conservazione %(years)s anni dalla cessazione degli effetti, "
                "art. 67 Reg. IVASS 40/2018"
            )
            % {"years": RETENTION_YEARS}
        )
    signatures = latest_requests_by_subject(SubjectKind.PRACTICE, [pk for pk, _end in practices])
    if any(
        request.signed_at and _add_years(request.signed_at.date(), FEA_EVIDENCE_YEARS) >= today
        for request in signatures.values()
    ):
        duties.append(
            _(
                "firma elettronica avanzata: conservazione %(years)s anni delle evidenze "
                "(documento d'identità, adesione al servizio, art. 56 DPCM 22/02/2013)"
            )
            % {"years": FEA_EVIDENCE_YEARS}
        )
    return duties


def _add_years(day, years: int):
    return add_months(day, 12 * years)
