"""allowed_actions: for every state of a request and every kind of user, an action is offered
exactly when its service accepts it (tried in a savepoint that is rolled back)."""

import datetime
from collections.abc import Callable

import pytest
from django.db import transaction
from django.utils import timezone

from polis.accounts.models import User
from polis.accounts.tests.factories import UserFactory
from polis.clients.tests.factories import ClientFactory
from polis.core.errors import DomainError
from polis.privacy import services
from polis.privacy.actions import ACTIONS
from polis.privacy.models import DataSubjectRequest

pytestmark = pytest.mark.django_db


class _Undo(Exception):
    pass


def _accepted(call: Callable[[], object]) -> bool:
    try:
        with transaction.atomic():
            call()
            raise _Undo
    except _Undo:
        return True
    except DomainError:
        return False


CALLS = {
    "extend": lambda u, r: services.extend_deadline(actor=u, request=r, reason="Archivi"),
    "export": lambda u, r: services.send_export(actor=u, request=r, base_url=""),
    "answer": lambda u, r: services.answer_request(actor=u, request=r, answer="Risposta"),
}


def _states(operator, client) -> dict[str, DataSubjectRequest]:
    def new(kind="access", days_ago=0):
        return services.register_request(
            actor=operator,
            client=client,
            kind=kind,
            channel="email",
            received_on=timezone.localdate() - datetime.timedelta(days=days_ago),
            identity_check="Documento",
        )

    exported = services.send_export(actor=operator, request=new(), base_url="")
    extended = services.extend_deadline(actor=operator, request=new("erasure"), reason="Archivi")
    answered = services.answer_request(actor=operator, request=new("erasure"), answer="")
    return {
        "access received": new(),
        "access exported": exported,
        "access overdue": new(days_ago=40),
        "erasure received": new("erasure"),
        "rectification received": new("rectification"),
        "erasure extended": extended,
        "erasure answered": answered,
    }


def test_an_action_is_offered_exactly_when_its_service_accepts_it(operator):
    # given
    firm_admin = UserFactory(is_firm_admin=True, email="capo@example.it")
    users = {
        "operator": operator,
        "admin": UserFactory(role=User.Role.ADMIN, email="adm@example.it"),
        "firm admin": firm_admin,
        "plain collaborator": UserFactory(firm=firm_admin.firm, email="semplice@example.it"),
        "other firm's admin": UserFactory(is_firm_admin=True, email="altro@example.it"),
        "adjuster": UserFactory(role=User.Role.ADJUSTER, email="liq@example.it"),
    }
    states = _states(operator, ClientFactory(created_by=firm_admin))
    # then
    mismatches = []
    for state, request in states.items():
        for who, user in users.items():
            offered = ACTIONS.allowed(request, user)
            for name, call in CALLS.items():
                request.refresh_from_db()
                accepted = _accepted(lambda c=call, u=user, r=request: c(u, r))
                if (name in offered) != accepted:
                    mismatches.append(
                        (state, who, name, "offered" if name in offered else "hidden")
                    )
    assert mismatches == []
