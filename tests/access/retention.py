from polis.clients.tests.factories import ClientFactory
from polis.retention import services
from tests.access import ADMIN, COLLAB_A, OPERATOR, Rule, only

# The MGA's staff only: the periods, the job's reports and the legal holds.
STAFF = only(OPERATOR, ADMIN)


def arrange(world: dict) -> None:
    operator = world["users"][OPERATOR]
    world["client_a"] = ClientFactory(created_by=world["users"][COLLAB_A])
    world["run"] = services.purge_expired()
    world["hold"] = services.place_hold(
        actor=operator, client=world["client_a"], reason="authority", reference="IVASS 12/2026"
    )


RULES = [
    Rule("retention:overview", STAFF),
    Rule("retention:run", STAFF, kwargs=lambda w: {"pk": w["run"].pk}),
    Rule("retention:run_csv", STAFF, kwargs=lambda w: {"pk": w["run"].pk}),
    Rule("retention:hold_create", STAFF, kwargs=lambda w: {"client_pk": w["client_a"].pk}),
    Rule(
        "retention:hold_create",
        only(OPERATOR, ADMIN, ok=302),
        method="post",
        kwargs=lambda w: {"client_pk": w["client_a"].pk},
        data=lambda w: {"reason": "dispute", "reference": "Tribunale di Milano, RG 1/2026"},
    ),
    # the second one is refused by the lifecycle (already released): back to the page as well
    Rule(
        "retention:hold_release",
        only(OPERATOR, ADMIN, ok=302),
        method="post",
        kwargs=lambda w: {"pk": w["hold"].pk},
    ),
]
