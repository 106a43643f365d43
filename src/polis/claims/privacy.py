"""The client's claims, with their health data, for his own data-subject requests, and the
retention in `retention.py` (both registered in `apps.py`). The export goes to the person himself
only (`polis.privacy`): the description of an injury is his to read."""

from polis.claims.models import Claim


def export_client(client) -> list[dict]:
    claims = Claim.objects.filter(client=client).prefetch_related("documents__file").order_by("pk")
    return [
        {
            "numero": claim.number,
            "tipo": claim.claim_type_label,
            "stato": str(claim.get_status_display()),
            "data_evento": claim.event_date.isoformat(),
            "data_denuncia": claim.reported_on.isoformat(),
            "luogo": claim.place,
            "descrizione": claim.description,
            "terzi_coinvolti": claim.third_parties,
            "importo_stimato": str(claim.estimated_amount or ""),
            "documenti": [
                {"documento": document.label, "file": document.file.name}
                for document in claim.documents.all()
            ],
        }
        for claim in claims
    ]
