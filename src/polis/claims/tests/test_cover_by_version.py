"""A claim is handled against the policy's version in force on the event's date: a limit raised
mid-year by a variazione covers the events from the variazione's effective date, not before."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import login_verified
from polis.claims import selectors
from polis.claims.tests.support import open_claim_on, policy_in_force
from polis.devdata.catalog import ARCHITECT_EXAMPLE
from polis.devdata.signing import link_token, sign_as_client
from polis.practices import services as practices
from polis.signatures.tests.support import VISIT

pytestmark = pytest.mark.django_db


def test_a_claim_sees_the_limit_in_force_on_its_event_date(client, collaborator_a, operator):
    # given a policy of 100 days whose limit went from 500.000 to 1.000.000 € 20 days ago
    today = timezone.localdate()
    policy = policy_in_force(collaborator_a, days_ago=100)
    change = today - timedelta(days=20)
    endorsement = practices.request_endorsement(
        actor=collaborator_a,
        practice=policy,
        answers={**ARCHITECT_EXAMPLE, "limit": "1000000"},
        effective_date=change,
    )
    endorsement = practices.confirm_endorsement(actor=collaborator_a, endorsement=endorsement)
    endorsement = practices.approve_endorsement(actor=operator, endorsement=endorsement)
    practices.send_endorsement_for_signature(actor=collaborator_a, endorsement=endorsement)
    sign_as_client(link_token(policy.client.email), policy.client.mobile, VISIT)

    # when: one event the day before the change, one on the day
    before = open_claim_on(collaborator_a, policy, event_date=change - timedelta(days=1))
    after = open_claim_on(collaborator_a, policy, event_date=change)

    # then
    version, cover = selectors.cover_at_event(before)
    assert version.number == 1
    assert cover[0].limit == "€ 500.000"
    version, cover = selectors.cover_at_event(after)
    assert version.number == 2
    assert cover[0].limit == "€ 1.000.000"
    login_verified(client, operator)
    page = client.get(reverse("claims:detail", args=[after.pk])).content.decode()
    assert "Appendice n. 1" in page
    assert "€ 1.000.000" in page
