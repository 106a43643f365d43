"""allowed_actions: for every status and every kind of user, a claim action is offered exactly
when its service accepts it (tried in a savepoint that is rolled back); the page shows a form
only then."""

import pytest
from django.urls import reverse

from polis.accounts.models import User
from polis.accounts.tests.factories import UserFactory
from polis.claims import services
from polis.claims.actions import allowed_actions
from polis.claims.models import Claim
from polis.claims.tests.test_transitions import CALLS, _in_status, _outcome

pytestmark = pytest.mark.django_db
S = Claim.Status

# the service calls of test_transitions, by the name of the action they run
ACTION_OF = {
    "reject": "end",
    "close_without_payment": "end",
}


@pytest.fixture
def users(collaborator_a, collaborator_b, operator, adjuster, admin_user):
    return {
        "collaborator of the firm": collaborator_a,
        "collaborator of another firm": collaborator_b,
        "operator": operator,
        "assigned adjuster": adjuster,
        "another adjuster": UserFactory(role=User.Role.ADJUSTER, email="altro@example.it"),
        "admin": admin_user,
    }


@pytest.mark.parametrize("status", S.values)
def test_an_action_is_offered_exactly_when_the_service_accepts_it(
    status, claim, users, operator, adjuster
):
    # given: a claim of firm A, assigned to an adjuster, in `status`
    services.assign_adjuster(actor=operator, claim=claim, adjuster=adjuster)
    _in_status(claim, status)
    # when
    offered, accepted = {}, {}
    for who, user in users.items():
        allowed = allowed_actions(Claim.objects.get(pk=claim.pk), user)
        for call_name, call in CALLS.items():
            action = ACTION_OF.get(call_name, call_name)
            offered[who, call_name] = action in allowed
            outcome = _outcome(
                lambda call=call, user=user: call(user, Claim.objects.get(pk=claim.pk))
            )
            accepted[who, call_name] = outcome == "ok"
    # then
    assert offered == accepted
    assert Claim.objects.get(pk=claim.pk).status == status


def test_documents_complete_is_offered_while_the_claim_waits_for_them(claim, operator):
    # given: complete at opening (the SLA runs), then documents requested
    assert "documents_complete" not in allowed_actions(claim, operator)
    # when
    services.request_claim_documents(actor=operator, claim=claim, text="La fattura")
    # then
    assert "documents_complete" in allowed_actions(Claim.objects.get(pk=claim.pk), operator)


def _forms(page, claim) -> set[str]:
    html = page.content.decode()
    names = ("assign", "insurer_number", "payment", "close", "end", "reopen", "quietanza")
    return {
        name
        for name in names
        if f'action="{reverse("claims:action", args=[claim.pk, name])}"' in html
    }


@pytest.mark.parametrize(
    ("status", "who", "expected"),
    [
        (S.INVESTIGATION, "operator", {"assign", "insurer_number", "end", "quietanza"}),
        (S.INVESTIGATION, "assigned adjuster", {"insurer_number", "quietanza"}),
        (S.INVESTIGATION, "collaborator of the firm", set()),
        (S.PAID, "operator", {"insurer_number", "close"}),
        (S.PAID, "assigned adjuster", {"insurer_number"}),
        (S.REJECTED, "admin", {"reopen"}),
        (S.REJECTED, "collaborator of the firm", set()),
    ],
)
def test_the_page_shows_a_form_only_for_an_allowed_action(
    status, who, expected, claim, users, operator, adjuster, client_for
):
    # given
    services.assign_adjuster(actor=operator, claim=claim, adjuster=adjuster)
    claim = _in_status(claim, status)
    # when
    page = client_for(users[who]).get(reverse("claims:detail", args=[claim.pk]))
    # then
    assert page.status_code == 200
    assert _forms(page, claim) == expected
    assert ("Gestione" in page.content.decode()) is bool(expected)


def test_the_api_returns_the_allowed_actions_of_a_claim(client_for, claim, operator, adjuster):
    # given: an open claim, its documents complete (adjusters have no API access)
    services.assign_adjuster(actor=operator, claim=claim, adjuster=adjuster)
    # when
    read = {
        user.role: client_for(user).get(f"/api/claims/{claim.pk}").json()["allowed_actions"]
        for user in (claim.created_by, operator)
    }
    # then
    assert read == {
        "collaborator": ["documents", "message", "note"],
        "operator": [
            "assign",
            "documents",
            "end",
            "insurer_number",
            "message",
            "note",
            "request_documents",
        ],
    }
