"""The client's claims, with their health data, for his own data-subject requests, and the
retention duty of a claim file (registered in `apps.py`). The export goes to the person himself
only (`polis.privacy`): the description of an injury is his to read."""

from django.utils import timezone
from django.utils.translation import gettext as _

from polis.claims.models import Claim
from polis.privacy.models import add_months

# Claim files are kept beyond the prescription (2 years, art. 2952 c.c.): a policy choice of
# 5 years after closing, as one claims-data source says (regulatory brief §7, unconfirmed).
RETENTION_YEARS = 5


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


def retention_duties(client) -> list[str]:
    cutoff = add_months(timezone.localdate(), -12 * RETENTION_YEARS)
    if Claim.objects.filter(client=client, reported_on__gte=cutoff).exists():
        return [
            _(
                "sinistro: conservazione del fascicolo %(years)s anni oltre la prescrizione, "
                "art. 2952 c.c."
            )
            % {"years": RETENTION_YEARS}
        ]
    return []
