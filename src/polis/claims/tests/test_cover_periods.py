"""APRI SINISTRO follows each product's cover basis (issue 17 §3, issue 19): claims-made RC
professionale covers acts back to the retroactive date, claims made during the policy or its
ultrattività; an occurrence product covers events in the policy period; a refusal names the
period that was missed."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from polis.claims import selectors
from polis.claims.models import Claim
from polis.claims.tests.support import open_claim_on, policy_in_force
from polis.core.errors import DomainError
from polis.practices.models import Practice

pytestmark = pytest.mark.django_db


def _years_before(day: date, years: int) -> date:
    return day.replace(year=day.year - years)


def _ended(policy: Practice, *, days_ago: int) -> Practice:
    end = timezone.localdate() - timedelta(days=days_ago)
    Practice.objects.filter(pk=policy.pk).update(
        status=Practice.Status.EXPIRED,
        effective_date=_years_before(end, 1),
        end_date=end,
    )
    policy.refresh_from_db()
    return policy


def test_claims_made_covers_an_act_before_the_start_back_to_the_retroactive_date(collaborator_a):
    # given an architect with 5 years of retroactivity, in force for a month
    policy = policy_in_force(collaborator_a)
    today = timezone.localdate()
    # when: the error was made 3 years ago, the client's claim arrives today
    claim = open_claim_on(collaborator_a, policy, event_date=_years_before(today, 3))
    # then
    assert claim.event_date == _years_before(today, 3)


def test_an_act_before_the_retroactive_date_is_refused_naming_it(collaborator_a):
    # given
    policy = policy_in_force(collaborator_a)
    retroactive = _years_before(policy.effective_date, 5)
    # when / then
    with pytest.raises(DomainError) as refused:
        open_claim_on(collaborator_a, policy, event_date=retroactive - timedelta(days=1))
    assert "retroattività" in refused.value.message
    assert retroactive.strftime("%d/%m/%Y") in refused.value.message
    assert not Claim.objects.exists()


def test_no_retroactivity_covers_acts_from_the_start_only(collaborator_a):
    policy = policy_in_force(collaborator_a, answers={"retroactivity": "0"})
    with pytest.raises(DomainError, match=policy.effective_date.strftime("%d/%m/%Y")):
        open_claim_on(collaborator_a, policy, event_date=policy.effective_date - timedelta(days=1))


def test_unlimited_retroactivity_reaches_any_past_act(collaborator_a):
    policy = policy_in_force(collaborator_a, answers={"retroactivity": "illimitata"})
    event = _years_before(timezone.localdate(), 30)
    assert open_claim_on(collaborator_a, policy, event_date=event).event_date == event


def test_a_claim_made_before_the_policy_began_is_not_its_claim(collaborator_a):
    # given a policy that started 30 days ago
    policy = policy_in_force(collaborator_a)
    today = timezone.localdate()
    # when / then: the claim was made 40 days ago, before the start
    with pytest.raises(DomainError, match="richiesta di risarcimento") as refused:
        open_claim_on(
            collaborator_a,
            policy,
            event_date=today - timedelta(days=60),
            reported_on=today - timedelta(days=40),
        )
    assert policy.effective_date.strftime("%d/%m/%Y") in refused.value.message


def test_an_occurrence_product_covers_only_events_in_the_policy_period(collaborator_a):
    # given the same policy, its product sold on an occurrence basis
    policy = policy_in_force(collaborator_a)
    policy.product.cover_basis = "occurrence"
    policy.product.save()
    policy.refresh_from_db()
    # when / then
    with pytest.raises(DomainError, match="fuori dal periodo di polizza"):
        open_claim_on(collaborator_a, policy, event_date=policy.effective_date - timedelta(days=1))


def test_a_claim_made_during_the_ultrattivita_is_accepted(collaborator_a):
    # given a policy with 10 years of ultrattività that ended two years ago
    policy = _ended(policy_in_force(collaborator_a, answers={"run_off_years": "10"}), days_ago=730)
    today = timezone.localdate()
    # then it is offered in APRI SINISTRO, and the claim made today is covered
    assert selectors.is_eligible(policy, today)
    assert policy in selectors.eligible_policies(collaborator_a)
    claim = open_claim_on(
        collaborator_a, policy, event_date=policy.end_date - timedelta(days=10), reported_on=today
    )
    assert claim.practice == policy


def test_an_act_after_the_end_is_not_covered_by_the_ultrattivita(collaborator_a):
    policy = _ended(policy_in_force(collaborator_a, answers={"run_off_years": "10"}), days_ago=730)
    with pytest.raises(DomainError, match=policy.end_date.strftime("%d/%m/%Y")):
        open_claim_on(collaborator_a, policy, event_date=policy.end_date + timedelta(days=10))


def test_after_the_ultrattivita_the_refusal_names_it(collaborator_a):
    # given 5 years of ultrattività, ended 6 years ago
    policy = _ended(
        policy_in_force(collaborator_a, answers={"run_off_years": "5"}), days_ago=6 * 365
    )
    today = timezone.localdate()
    # then
    assert not selectors.is_eligible(policy, today)
    assert policy not in selectors.eligible_policies(collaborator_a)
    with pytest.raises(DomainError, match="ultrattività di 5 anni") as refused:
        open_claim_on(collaborator_a, policy, event_date=policy.end_date - timedelta(days=10))
    until = policy.end_date.replace(year=policy.end_date.year + 5)
    assert until.strftime("%d/%m/%Y") in refused.value.message
    assert not Claim.objects.exists()


def test_without_ultrattivita_the_refusal_names_the_reporting_days(collaborator_a):
    # given no ultrattività, ended 10 days ago (the product allows 3 days to report)
    policy = _ended(policy_in_force(collaborator_a), days_ago=10)
    # when / then
    with pytest.raises(DomainError, match="3 giorni") as refused:
        open_claim_on(collaborator_a, policy, event_date=policy.end_date - timedelta(days=5))
    assert policy.end_date.strftime("%d/%m/%Y") in refused.value.message


def test_the_api_refuses_a_claim_on_a_long_ended_policy_with_the_reason(client_for, collaborator_a):
    # given
    policy = _ended(policy_in_force(collaborator_a), days_ago=10)
    payload = {
        "practice_id": policy.pk,
        "claim_type": "richiesta_danni",
        "event_date": str(policy.end_date - timedelta(days=5)),
        "reported_on": str(timezone.localdate()),
        "place": "Torino",
        "description": "Contestazione del committente sul progetto.",
    }
    # when
    response = client_for(collaborator_a).post(
        "/api/claims", payload, content_type="application/json"
    )
    # then
    assert response.status_code == 422
    assert "3 giorni" in response.json()["detail"]
    assert not Claim.objects.exists()


def test_apri_sinistro_says_what_the_policy_answers_for(client_for, collaborator_a):
    # given an architect with 5 years of retroactivity
    policy = policy_in_force(collaborator_a)
    # when
    html = client_for(collaborator_a).get(reverse("claims:open", args=[policy.pk])).content
    # then
    retroactive = _years_before(policy.effective_date, 5).strftime("%d/%m/%Y")
    assert (
        f"Claims made: copre le richieste di risarcimento fatte dal "
        f"{policy.effective_date:%d/%m/%Y} al "
        f"{policy.end_date + timedelta(days=3):%d/%m/%Y}, per fatti dal {retroactive} fino al "
        f"{policy.end_date:%d/%m/%Y}."
    ) in html.decode()
