"""The practices' retention classes (registered in `apps.py`, see polis.core.retention):
the contract's records, the FEA evidence of its signature and the premiums' accounting."""

import datetime

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from polis.practices.models import Payment, Practice
from polis.signatures.registry import SubjectKind
from polis.signatures.selectors import latest_requests_by_subject

# A practice that reached the client (a contract, or a proposal he signed) is a distribution
# record: kept at least 5 years (art. 67 Reg. IVASS 40/2018); from when is unconfirmed (the old
# Reg. 5/2006 said from the end of the contract's effects: taken here as the period's end).
CONTRACT = {
    "title": _("Contratto e documenti precontrattuali"),
    "months": 60,
    "start_event": _("dalla cessazione degli effetti del contratto"),
    "source": _("art. 67 Reg. IVASS 40/2018"),
    "unconfirmed": True,
}
# The FEA's evidence (identity document, adhesion, art. 56 evidence): at least 20 years.
FEA = {
    "title": _("Firma elettronica avanzata (evidenze e documento d'identità)"),
    "months": 240,
    "start_event": _("dalla firma"),
    "source": _("art. 57 DPCM 22/02/2013"),
}
ACCOUNTING = {
    "title": _("Scritture contabili (premi incassati e ricevute di pagamento)"),
    "months": 120,
    "start_event": _("dalla registrazione"),
    "source": _("art. 2220 c.c."),
}
_NOT_A_CONTRACT = (Practice.Status.DRAFT, Practice.Status.DECLINED)


def expired_practices(cutoff: datetime.date, held: frozenset[int]) -> QuerySet[Practice]:
    """Practices past their period whose questionnaire answers are still there."""
    return (
        Practice.objects.filter(end_date__lt=cutoff).exclude(answers={}).exclude(client_id__in=held)
    )


def client_has_contracts(client_id: int, cutoff: datetime.date) -> bool:
    return (
        Practice.objects.filter(client_id=client_id, end_date__gte=cutoff)
        .exclude(status__in=_NOT_A_CONTRACT)
        .exists()
    )


def client_has_fea_evidence(client_id: int, cutoff: datetime.date) -> bool:
    practices = Practice.objects.filter(client_id=client_id).values_list("pk", flat=True)
    return any(
        request.signed_at and request.signed_at.date() >= cutoff
        for request in latest_requests_by_subject(SubjectKind.PRACTICE, practices).values()
    )


def client_has_payments(client_id: int, cutoff: datetime.date) -> bool:
    return Payment.objects.filter(practice__client_id=client_id, paid_on__gte=cutoff).exists()
