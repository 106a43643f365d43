"""The client's practices, their documents and signature evidence, for his data-subject
requests (registered in `apps.py`; what the law keeps of them is in `retention.py`)."""

from polis.practices.models import Practice
from polis.signatures.registry import SubjectKind
from polis.signatures.selectors import evidence_of, latest_requests_by_subject


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
