"""The regenerate button is offered exactly to whom the service accepts it from."""

import datetime

import pytest

from polis.bordereaux import services
from polis.bordereaux.actions import ACTIONS
from polis.bordereaux.tests.support import full_binder
from polis.core.errors import PermissionDenied


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("who", "offered"),
    [("operator", True), ("admin_user", True), ("collaborator_a", False), ("adjuster", False)],
)
def test_regenerate_is_offered_when_the_service_accepts_it(who, offered, request, operator):
    user = request.getfixturevalue(who)
    made = services.generate_bordereau(
        actor=operator,
        insurer=full_binder().insurer,
        month=datetime.date(2026, 1, 1),
        kind="claims",
    )
    assert ("regenerate" in ACTIONS.allowed(made, user)) is offered
    try:
        services.generate_bordereau(
            actor=user, insurer=made.insurer, month=made.month, kind=made.kind
        )
        accepted = True
    except PermissionDenied:
        accepted = False
    assert accepted is offered
