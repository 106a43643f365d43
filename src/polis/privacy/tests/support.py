"""A client with a policy signed for real with the FEA (its evidence recorded step by step)
and a claim with health data: what a data-subject's export must hold."""

from datetime import timedelta

from django.utils import timezone

from polis.claims.tests.support import open_claim_on
from polis.clients.tests.factories import ClientFactory
from polis.practices import services as practices
from polis.practices.models import Practice
from polis.privacy.models import add_months
from polis.quotes import services as quotes
from polis.quotes.tests.factories import demo_product
from polis.quotes.tests.test_quotes import ARCHITECT
from polis.signatures.tests.support import sign_practice


def signed_policy_with_claim(collaborator, *, description: str):
    quote = quotes.create_quote(
        actor=collaborator,
        client=ClientFactory(created_by=collaborator),
        product=demo_product("RCP"),
        answers=dict(ARCHITECT),
        effective_date=timezone.localdate(),
    )
    practice = practices.issue_practice(
        actor=collaborator, practice=practices.convert_quote(actor=collaborator, quote=quote)
    )
    sign_practice(collaborator, practice)
    # in force since a month, as claims.tests.support makes its policies (a claim needs one)
    start = timezone.localdate() - timedelta(days=30)
    Practice.objects.filter(pk=practice.pk).update(
        status=Practice.Status.IN_FORCE, effective_date=start, end_date=add_months(start, 12)
    )
    practice.refresh_from_db()
    return practice, open_claim_on(collaborator, practice, description=description)
