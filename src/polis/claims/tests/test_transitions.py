"""Every claim transition, allowed and forbidden: by the claim's status (DESIGN §3) and by the
actor's role. Each case runs in a savepoint that is rolled back, so one claim serves them all."""

from collections.abc import Callable

import pytest
from django.db import transaction
from django.utils import timezone

from polis.accounts.models import User
from polis.accounts.tests.factories import UserFactory
from polis.claims import services
from polis.claims.models import Claim, Quietanza
from polis.claims.tests.support import open_claim_on
from polis.core.errors import InvalidTransition, PermissionDenied
from polis.signatures.tests.support import PNG

pytestmark = pytest.mark.django_db
S = Claim.Status
IBAN = "IT60X0542811101000000123456"


class _Undo(Exception):
    pass


def _outcome(call: Callable[[], object]) -> str:
    """'ok', 'forbidden' (PermissionDenied) or 'refused' (InvalidTransition); nothing stays."""
    try:
        with transaction.atomic():
            call()
            raise _Undo
    except _Undo:
        return "ok"
    except PermissionDenied:
        return "forbidden"
    except InvalidTransition:
        return "refused"


def _in_status(claim: Claim, status: str) -> Claim:
    """The claim as it would be in `status`: adjuster, insurer number, an accepted quietanza."""
    Claim.objects.filter(pk=claim.pk).update(status=status)
    if status == S.ACCEPTED:
        Quietanza.objects.create(
            claim=claim,
            version=1,
            amount="500.00",
            conditions="A saldo.",
            document=claim.documents.first().file,
            status=Quietanza.Status.ACCEPTED,
            created_by=claim.created_by,
        )
    claim.refresh_from_db()
    return claim


# operation -> (call(actor, claim), the statuses it is allowed from)
OPEN_STATES = {
    S.OPENED,
    S.DOCS_MISSING,
    S.ASSIGNED,
    S.INVESTIGATION,
    S.OFFER_RECEIVED,
    S.ACCEPTED,
    S.PAID,
    S.REOPENED,
}
OPERATIONS = {
    "request_documents": (
        lambda a, c: services.request_claim_documents(actor=a, claim=c, text="Il preventivo"),
        {S.OPENED, S.DOCS_MISSING, S.ASSIGNED, S.INVESTIGATION, S.REOPENED},
    ),
    # the claim's documentation is complete since its opening: confirming it again changes
    # something only while documents were requested since
    "documents_complete": (
        lambda a, c: services.mark_documentation_complete(actor=a, claim=c),
        {S.DOCS_MISSING},
    ),
    "assign": (
        lambda a, c: services.assign_adjuster(actor=a, claim=c, external="Studio Peritale Neri"),
        {S.OPENED, S.DOCS_MISSING, S.ASSIGNED, S.INVESTIGATION, S.REOPENED},
    ),
    "insurer_number": (
        lambda a, c: services.record_insurer_claim_number(actor=a, claim=c, number="AX-7"),
        OPEN_STATES,
    ),
    "quietanza": (
        lambda a, c: services.post_quietanza(
            actor=a, claim=c, amount="500", kind="saldo", conditions="A saldo."
        ),
        {S.INVESTIGATION, S.OFFER_RECEIVED},
    ),
    "payment": (
        lambda a, c: services.record_claim_payment(
            actor=a, claim=c, amount="500", paid_on=timezone.localdate(), iban=IBAN
        ),
        {S.ACCEPTED},
    ),
    "close": (lambda a, c: services.close_claim(actor=a, claim=c), {S.PAID}),
    "reject": (
        lambda a, c: services.end_claim(
            actor=a, claim=c, outcome=S.REJECTED, reason="Fuori garanzia"
        ),
        {
            S.OPENED,
            S.DOCS_MISSING,
            S.ASSIGNED,
            S.INVESTIGATION,
            S.OFFER_RECEIVED,
            S.REOPENED,
        },
    ),
    "close_without_payment": (
        lambda a, c: services.end_claim(
            actor=a, claim=c, outcome=S.CLOSED_WITHOUT_PAYMENT, reason="Rinuncia"
        ),
        {
            S.OPENED,
            S.DOCS_MISSING,
            S.ASSIGNED,
            S.INVESTIGATION,
            S.OFFER_RECEIVED,
            S.REOPENED,
        },
    ),
    "reopen": (
        lambda a, c: services.reopen_claim(actor=a, claim=c, reason="Nuove spese"),
        {S.CLOSED, S.REJECTED, S.CLOSED_WITHOUT_PAYMENT},
    ),
    "documents": (
        lambda a, c: services.add_claim_documents(
            actor=a, claim=c, kind="altro", uploads=[("foto.png", PNG)]
        ),
        OPEN_STATES,
    ),
}


@pytest.mark.parametrize("operation", OPERATIONS)
def test_each_operation_only_from_its_statuses(claim, operator, operation):
    call, allowed = OPERATIONS[operation]
    outcomes = {
        status: _outcome(lambda status=status: call(operator, _in_status(claim, status)))
        for status in S.values
    }
    assert outcomes == {status: ("ok" if status in allowed else "refused") for status in S.values}


@pytest.fixture
def roles(collaborator_a, collaborator_b, operator, adjuster, admin_user):
    return {
        "collaborator_a": collaborator_a,
        "collaborator_b": collaborator_b,
        "operator": operator,
        "assigned_adjuster": adjuster,
        "other_adjuster": UserFactory(role=User.Role.ADJUSTER, email="altro@example.it"),
        "admin": admin_user,
    }


EVERYONE = {"collaborator_a", "operator", "assigned_adjuster", "admin"}
MGA = {"operator", "admin"}
# operation -> (status it is tried from, roles allowed; the others get PermissionDenied)
ROLES = {
    "documents": (S.INVESTIGATION, EVERYONE),
    "note": (S.INVESTIGATION, EVERYONE),
    "message": (S.INVESTIGATION, {"collaborator_a", "operator", "admin"}),
    "request_documents": (S.INVESTIGATION, MGA | {"assigned_adjuster"}),
    "quietanza": (S.INVESTIGATION, MGA | {"assigned_adjuster"}),
    "documents_complete": (S.DOCS_MISSING, MGA),
    "assign": (S.OPENED, MGA),
    "insurer_number": (S.ASSIGNED, MGA | {"assigned_adjuster"}),
    "payment": (S.ACCEPTED, MGA),
    "close": (S.PAID, MGA),
    "reject": (S.INVESTIGATION, MGA),
    "reopen": (S.REJECTED, MGA),
}
CALLS = {name: call for name, (call, _allowed) in OPERATIONS.items()} | {
    "note": lambda a, c: services.add_claim_note(actor=a, claim=c, text="Nota"),
    "message": lambda a, c: services.write_about_claim(actor=a, claim=c, body="Domanda"),
}


@pytest.mark.parametrize("operation", ROLES)
def test_each_operation_only_by_its_roles(claim, roles, operator, operation):
    services.assign_adjuster(actor=operator, claim=claim, adjuster=roles["assigned_adjuster"])
    status, allowed = ROLES[operation]
    outcomes = {
        role: _outcome(lambda user=user: CALLS[operation](user, _in_status(claim, status)))
        for role, user in roles.items()
    }
    assert outcomes == {role: ("ok" if role in allowed else "forbidden") for role in roles}


def test_opening_is_for_the_policys_firm_only(policy, roles):
    outcomes = {
        role: _outcome(lambda user=user: open_claim_on(user, policy))
        for role, user in roles.items()
    }
    assert outcomes == {role: ("ok" if role == "collaborator_a" else "forbidden") for role in roles}


def test_waiting_for_documents_resumes_where_the_claim_was(claim, operator, adjuster):
    services.assign_adjuster(actor=operator, claim=claim, adjuster=adjuster)
    services.record_insurer_claim_number(actor=operator, claim=claim, number="AX-1")
    services.request_claim_documents(actor=adjuster, claim=claim, text="La fattura")
    # asked twice: still waiting, and the firm gets both requests
    claim = services.request_claim_documents(actor=adjuster, claim=claim, text="E le foto")
    assert claim.status == S.DOCS_MISSING
    claim = services.mark_documentation_complete(actor=operator, claim=claim)
    assert claim.status == S.INVESTIGATION
