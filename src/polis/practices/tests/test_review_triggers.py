"""Outside the automatic limits a practice goes to the MGA's review: the premium, the answers
the questionnaire flags, the client's claims history."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from polis.catalog.selectors import review_flags
from polis.claims.models import Claim
from polis.clients.tests.factories import ClientFactory
from polis.notify.models import OutboundMessage
from polis.practices import services
from polis.practices.models import Practice
from polis.practices.tests.factories import PracticeFactory
from polis.quotes.tests.factories import demo_product
from polis.quotes.tests.test_quotes import ARCHITECT

pytestmark = pytest.mark.django_db

WORKER = {
    "occupation_class": "1",
    "death_capital": "100000",
    "disability_capital": "100000",
    "daily_allowance": "50",
    "disability_deductible": "3",
    "scope": "24h",
    "sports": "nessuno",
    "instalments": "1",
}


def _practice(collaborator, *, code="RCP", answers=ARCHITECT, client=None):
    return services.create_practice(
        actor=collaborator,
        client=client or ClientFactory(created_by=collaborator),
        product=demo_product(code),
        answers=answers,
        effective_date=timezone.localdate(),
    )


def _claim_on(practice, *, days_ago: int) -> Claim:
    return Claim.objects.create(
        number=f"SIN-TEST-{Claim.objects.count() + 1}",
        firm=practice.firm,
        practice=practice,
        client=practice.client,
        claim_type="richiesta_danni",
        claim_type_label="Richiesta di risarcimento",
        event_date=timezone.localdate() - timedelta(days=days_ago),
        reported_on=timezone.localdate(),
        place="Milano",
        description="Contestazione di un cliente.",
        created_by=practice.created_by,
    )


def test_within_every_limit_the_firm_issues_at_once(collaborator_a):
    # given
    practice = _practice(collaborator_a, answers={**ARCHITECT, "claims_last_5_years": "False"})
    # when
    done = services.issue_practice(actor=collaborator_a, practice=practice)
    # then
    assert (done.status, done.review_reason) == (Practice.Status.ISSUED, "")


def test_declared_claims_send_the_practice_to_review_with_the_reason(collaborator_a, operator):
    # given
    practice = _practice(collaborator_a, answers={**ARCHITECT, "claims_last_5_years": "True"})
    # when
    waiting = services.issue_practice(actor=collaborator_a, practice=practice)
    # then
    assert waiting.status == Practice.Status.IN_REVIEW
    assert waiting.policy_number is None
    assert waiting.review_reason == "Sinistri o circostanze dichiarati negli ultimi 5 anni"
    mail = OutboundMessage.objects.get(recipient=operator.email)
    assert "Sinistri o circostanze dichiarati" in mail.body_text


def test_every_reason_is_listed_together(collaborator_a):
    # given
    product = demo_product("INF")
    product.auto_issue_max_gross = Decimal("100")
    product.save()
    answers = {**WORKER, "death_capital": "600000", "existing_conditions": "True"}
    # when
    waiting = services.issue_practice(
        actor=collaborator_a, practice=_practice(collaborator_a, code="INF", answers=answers)
    )
    # then
    assert waiting.review_reason == (
        "Premio oltre il limite di emissione automatica; Capitale caso morte oltre € 500.000; "
        "Invalidità preesistenti o patologie dichiarate"
    )


def test_amounts_are_flagged_only_above_the_threshold():
    product = demo_product("INF")
    assert review_flags(product, {**WORKER, "death_capital": "500000"}) == []
    assert review_flags(product, {**WORKER, "death_capital": "500000.01"}) == [
        "Capitale caso morte oltre € 500.000"
    ]
    assert review_flags(product, {**WORKER, "daily_allowance": "molto"}) == [
        "Diaria oltre € 150 al giorno"
    ]
    assert review_flags(product, {**WORKER, "existing_conditions": "False"}) == []


def test_the_clients_claims_of_the_last_five_years_send_it_to_review(collaborator_a):
    # given
    client = ClientFactory(created_by=collaborator_a)
    old_policy = PracticeFactory(created_by=collaborator_a, client=client, status="in_force")
    _claim_on(old_policy, days_ago=400)
    _claim_on(old_policy, days_ago=30)
    # when
    waiting = services.issue_practice(
        actor=collaborator_a, practice=_practice(collaborator_a, client=client)
    )
    # then
    assert waiting.status == Practice.Status.IN_REVIEW
    assert waiting.review_reason == "2 sinistri del cliente negli ultimi 5 anni"


def test_claims_older_than_five_years_and_other_clients_claims_do_not_count(collaborator_a):
    # given
    client = ClientFactory(created_by=collaborator_a)
    _claim_on(
        PracticeFactory(created_by=collaborator_a, client=client, status="in_force"),
        days_ago=6 * 365,
    )
    _claim_on(PracticeFactory(created_by=collaborator_a, status="in_force"), days_ago=10)
    # when
    done = services.issue_practice(
        actor=collaborator_a, practice=_practice(collaborator_a, client=client)
    )
    # then
    assert done.status == Practice.Status.ISSUED


def test_the_draft_page_says_beforehand_that_the_mga_will_review_it(client_for, collaborator_a):
    # given
    flagged = _practice(collaborator_a, answers={**ARCHITECT, "past_refusal": "True"})
    plain = _practice(collaborator_a)
    page = client_for(collaborator_a)
    # when
    warned = page.get(reverse("practices:detail", args=[flagged.pk])).content.decode()
    quiet = page.get(reverse("practices:detail", args=[plain.pk])).content.decode()
    # then
    assert "la pratica va in revisione all'MGA" in warned
    assert "Rifiuto o disdetta da un precedente assicuratore" in warned
    assert "va in revisione" not in quiet
