"""Claims hold health data (GDPR art. 9): only the firm, MGA staff and the assigned adjuster
see a claim and its documents; firm B and other adjusters get 404."""

from polis.claims import services
from polis.claims.tests.support import open_claim_on, policy_in_force
from tests.access import (
    ADJUSTER,
    ADMIN,
    ANON,
    COLLAB_A,
    COLLAB_B,
    LOGIN,
    OPERATOR,
    Rule,
    expect,
    only,
)


def arrange(world: dict) -> None:
    author, operator = world["users"][COLLAB_A], world["users"][OPERATOR]
    world["policy_a"] = policy_in_force(author)
    claim = open_claim_on(author, world["policy_a"])
    services.assign_adjuster(actor=operator, claim=claim, adjuster=world["users"][ADJUSTER])
    services.record_insurer_claim_number(actor=operator, claim=claim, number="AX-1")
    world["quietanza"] = services.post_quietanza(
        actor=operator, claim=claim, amount="100", kind="saldo", conditions="A saldo."
    )
    world["claim_a"] = claim
    world["unassigned"] = open_claim_on(author, world["policy_a"])


SEES_CLAIM = {ANON: LOGIN, COLLAB_A: 200, COLLAB_B: 404, OPERATOR: 200, ADJUSTER: 200, ADMIN: 200}
ACTS_ON_CLAIM = {key: (302 if value == 200 else value) for key, value in SEES_CLAIM.items()}


def _claim(w):
    return {"pk": w["claim_a"].pk}


def _document(w, claim="claim_a"):
    return {"pk": w[claim].pk, "document_pk": w[claim].documents.first().pk}


RULES = [
    Rule("claims:eligible_policies", only(COLLAB_A, COLLAB_B)),
    Rule(
        "claims:open",
        only(COLLAB_A) | {COLLAB_B: 404},
        kwargs=lambda w: {"practice_pk": w["policy_a"].pk},
    ),
    # the form posted empty: re-shown with its errors to whoever may open a claim on the policy
    Rule(
        "claims:open",
        only(COLLAB_A) | {COLLAB_B: 404},
        method="post",
        kwargs=lambda w: {"practice_pk": w["policy_a"].pk},
    ),
    Rule("claims:list", only(COLLAB_A, COLLAB_B, OPERATOR, ADJUSTER, ADMIN)),
    Rule("claims:detail", SEES_CLAIM, kwargs=_claim),
    Rule(
        "claims:detail",
        SEES_CLAIM | {ADJUSTER: 404},
        kwargs=lambda w: {"pk": w["unassigned"].pk},
    ),
    Rule("claims:document", SEES_CLAIM, kwargs=_document),
    Rule(
        "claims:document",
        SEES_CLAIM | {ADJUSTER: 404},
        kwargs=lambda w: _document(w, "unassigned"),
    ),
    Rule(
        "claims:quietanza",
        SEES_CLAIM,
        kwargs=lambda w: {"pk": w["claim_a"].pk, "quietanza_pk": w["quietanza"].pk},
    ),
    Rule(
        "claims:action",
        ACTS_ON_CLAIM,
        method="post",
        kwargs=lambda w: _claim(w) | {"action": "note"},
        data=lambda w: {"text": "nota"},
    ),
    Rule(
        "claims:action",
        only(OPERATOR, ADJUSTER, ADMIN, ok=302),
        method="post",
        kwargs=lambda w: _claim(w) | {"action": "insurer_number"},
        data=lambda w: {"number": "AX-2"},
    ),
    Rule(
        "claims:action",
        only(OPERATOR, ADJUSTER, ADMIN, ok=302),
        method="post",
        kwargs=lambda w: _claim(w) | {"action": "request_documents"},
        data=lambda w: {"text": "serve la perizia"},
    ),
    Rule(
        "claims:action",
        ACTS_ON_CLAIM | {ADJUSTER: 403},
        method="post",
        kwargs=lambda w: _claim(w) | {"action": "message"},
        data=lambda w: {"body": "Aggiornamenti?"},
    ),
    # the other actions: the capability first (403), then the claim must be the user's (404)
    *(
        Rule(
            "claims:action",
            expected,
            method="post",
            kwargs=lambda w, action=action: _claim(w) | {"action": action},
            data=lambda w, data=data: data,
        )
        for action, expected, data in (
            ("documents", ACTS_ON_CLAIM, {"kind": "altro"}),
            ("documents_complete", only(OPERATOR, ADMIN, ok=302), {}),
            ("assign", only(OPERATOR, ADMIN, ok=302), {"external": "Studio Peritale"}),
            (
                "quietanza",
                only(OPERATOR, ADJUSTER, ADMIN, ok=302),
                {"amount": "1.200,50", "kind": "saldo", "conditions": "A saldo."},
            ),
            (
                "payment",
                only(OPERATOR, ADMIN, ok=302),
                {"amount": "100", "paid_on": "2026-12-01", "iban": "IT60X0542811101000000123456"},
            ),
            ("close", only(OPERATOR, ADMIN, ok=302), {}),
            (
                "end",
                only(OPERATOR, ADMIN, ok=302),
                {"outcome": "rejected", "reason": "Non coperto"},
            ),
            ("reopen", only(OPERATOR, ADMIN, ok=302), {"reason": "Nuovi documenti"}),
        )
    ),
    Rule(
        "claims:action",
        expect(404),
        method="post",
        kwargs=lambda w: _claim(w) | {"action": "unknown"},
    ),
]
