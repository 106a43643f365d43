"""The insured's page is public but opens only with a valid link; sending and revoking a link
are for the firm (others get 404) and the MGA, for a claim also its adjuster."""

from polis.claims import services as claims
from polis.claims.tests.support import open_claim_on, policy_in_force
from polis.insured.services import send_insured_link
from tests.access import ADJUSTER, ADMIN, ANON, COLLAB_A, COLLAB_B, LOGIN, OPERATOR, Rule, expect

BAD_TOKEN = "x" * 43


def arrange(world: dict) -> None:
    author = world["users"][COLLAB_A]
    policy = policy_in_force(author)
    claim = open_claim_on(author, policy, complete=False)
    claims.assign_adjuster(
        actor=world["users"][OPERATOR], claim=claim, adjuster=world["users"][ADJUSTER]
    )
    world["policy"], world["claim"] = policy, claim
    world["policy_link"] = send_insured_link(actor=author, practice=policy)
    world["claim_link"] = send_insured_link(actor=author, practice=policy, claim=claim)


def _policy_token(w):
    return {"token": w["policy_link"].link_token}


def _claim_token(w):
    return {"token": w["claim_link"].link_token}


EVERYONE = expect(200)
REFUSED = expect(410)
ACTS = {ANON: LOGIN, COLLAB_A: 302, COLLAB_B: 404, OPERATOR: 302, ADJUSTER: 302, ADMIN: 302}

RULES = [
    Rule("insured:page", EVERYONE, kwargs=_policy_token),
    Rule("insured:page", EVERYONE, kwargs=_claim_token),
    Rule("insured:page", REFUSED, kwargs=lambda w: {"token": BAD_TOKEN}),
    Rule(
        "insured:document",
        EVERYONE,
        kwargs=lambda w: {**_policy_token(w), "file_id": w["policy"].signed_contract_id},
    ),
    # a file that is not one of the page's documents: the other claim's, the policy's
    Rule(
        "insured:document",
        REFUSED,
        kwargs=lambda w: {**_claim_token(w), "file_id": w["policy"].signed_contract_id},
    ),
    # posted without a file: back to the page with the message
    Rule("insured:upload", expect(302), method="post", kwargs=_claim_token),
    Rule("insured:upload", REFUSED, method="post", kwargs=lambda w: {"token": BAD_TOKEN}),
    Rule("insured:renew", EVERYONE, kwargs=_policy_token),
    # the data on file: a code for the first, a "wait a minute" for the next ones
    Rule(
        "insured:renew",
        EVERYONE,
        method="post",
        kwargs=_policy_token,
        data=lambda w: {
            "codice_fiscale": w["policy"].client.codice_fiscale,
            "mobile": w["policy"].client.mobile,
        },
    ),
    Rule("insured:renew", REFUSED, kwargs=lambda w: {"token": BAD_TOKEN}),
    Rule(
        "insured:send_practice",
        ACTS | {ADJUSTER: 403},
        method="post",
        kwargs=lambda w: {"pk": w["policy"].pk},
    ),
    Rule("insured:send_claim", ACTS, method="post", kwargs=lambda w: {"pk": w["claim"].pk}),
    Rule(
        "insured:revoke",
        ACTS | {ADJUSTER: 404},
        method="post",
        kwargs=lambda w: {"pk": w["policy_link"].pk},
    ),
    Rule("insured:revoke", ACTS, method="post", kwargs=lambda w: {"pk": w["claim_link"].pk}),
]
