"""A policy in force and a claim on it, for tests (also used by the authorization table)."""

from datetime import timedelta

from django.utils import timezone

from polis.claims import services
from polis.practices.models import Practice
from polis.practices.tests.factories import signed_practice
from polis.signatures.tests.support import PNG


def policy_in_force(collaborator, *, days_ago: int = 30, answers=None) -> Practice:
    """An RC professionale policy that started `days_ago`, signed with the FEA and in force
    (the architect of the brief, unless `answers` says otherwise). Made directly in that state
    (`signed_practice`): the claims' tests are not about the contract's PDF or its signing."""
    start = timezone.localdate() - timedelta(days=days_ago)
    return signed_practice(
        collaborator,
        answers=answers,
        status=Practice.Status.IN_FORCE,
        effective_date=start,
        end_date=start.replace(year=start.year + 1),
    )


def open_claim_on(collaborator, practice, *, complete: bool = True, **overrides):
    documents = {"modulo": [("modulo.png", PNG)]}
    if complete:
        documents["lettera_terzo"] = [("lettera.png", PNG)]
    arguments = {
        "actor": collaborator,
        "practice": practice,
        "claim_type": "richiesta_danni",
        "event_date": timezone.localdate() - timedelta(days=5),
        "reported_on": timezone.localdate(),
        "place": "Milano",
        "description": "Il committente contesta un errore di calcolo strutturale.",
        "estimated_amount": "12000",
        "third_parties": "Rossi Costruzioni S.r.l.",
        "documents": documents,
    } | overrides
    return services.open_claim(**arguments)
