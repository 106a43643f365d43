"""A policy in force and a claim on it, for tests (also used by the authorization table)."""

from datetime import timedelta

from django.utils import timezone

from polis.claims import services
from polis.clients.tests.factories import ClientFactory
from polis.practices import services as practices
from polis.practices.models import Practice
from polis.quotes import services as quotes
from polis.quotes.tests.factories import demo_product
from polis.quotes.tests.test_quotes import ARCHITECT
from polis.signatures.tests.support import PNG, sign_practice


def policy_in_force(collaborator, *, days_ago: int = 30, answers=None) -> Practice:
    """An RC professionale policy that started `days_ago`, signed with the FEA and in force
    (the architect of the brief, unless `answers` says otherwise)."""
    quote = quotes.create_quote(
        actor=collaborator,
        client=ClientFactory(created_by=collaborator),
        product=demo_product("RCP"),
        answers={**ARCHITECT, **(answers or {})},
        effective_date=timezone.localdate(),
    )
    practice = practices.issue_practice(
        actor=collaborator, practice=practices.convert_quote(actor=collaborator, quote=quote)
    )
    sign_practice(collaborator, practice)
    start = timezone.localdate() - timedelta(days=days_ago)
    Practice.objects.filter(pk=practice.pk).update(
        status=Practice.Status.IN_FORCE,
        effective_date=start,
        end_date=start.replace(year=start.year + 1),
    )
    practice.refresh_from_db()
    return practice


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
