from polis.clients.tests.factories import ClientFactory
from polis.retention import services
from tests.access import ADMIN, COLLAB_A, COLLAB_B, OPERATOR, Rule, expect, only

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


# The API: 401 for who has no API access (anonymous, adjuster); the MGA's staff only.
API_STAFF = expect(401, **{COLLAB_A: 403, COLLAB_B: 403, OPERATOR: 200, ADMIN: 200})
RULES += [
    Rule("api:list_retention_runs", API_STAFF),
    Rule("api:get_retention_run", API_STAFF, kwargs=lambda w: {"run_id": w["run"].pk}),
    Rule(
        "api:place_legal_hold",
        expect(401, **{COLLAB_A: 403, COLLAB_B: 403, OPERATOR: 201, ADMIN: 201}),
        method="post",
        json=True,
        data=lambda w: {"client_id": w["client_a"].pk, "reason": "authority", "reference": "G1"},
    ),
    # the first releases it; the second is refused by the lifecycle (422)
    Rule(
        "api:release_legal_hold",
        expect(401, **{COLLAB_A: 403, COLLAB_B: 403, OPERATOR: 200, ADMIN: 422}),
        method="post",
        json=True,
        kwargs=lambda w: {"hold_id": w["hold"].pk},
    ),
]
