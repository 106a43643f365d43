from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from polis.claims.tests.support import open_claim_on, policy_in_force
from polis.clients.tests.factories import ClientFactory
from polis.devdata.catalog import ARCHITECT_EXAMPLE
from polis.practices import services as practices
from polis.practices.tests.factories import PracticeFactory, signed_practice
from polis.quotes import services
from polis.quotes.tests.factories import demo_product
from polis.quotes.tests.test_quotes import ARCHITECT
from polis.signatures.tests.support import PNG
from tests.access import ADJUSTER, ADMIN, COLLAB_A, COLLAB_B, OPERATOR, Rule, expect

API_USERS = (COLLAB_A, COLLAB_B, OPERATOR, ADMIN)


def api_only(*roles: str, ok: object = 200, denied: object = 401) -> dict:
    """The API answers 401 (no login page) to anyone without access."""
    return expect(denied, **dict.fromkeys(roles, ok))


def arrange(world: dict) -> None:
    author = world["users"][COLLAB_A]
    world["api_policy_a"] = policy_in_force(author)
    world["api_claim_a"] = open_claim_on(author, world["api_policy_a"])
    world["api_draft_a"] = practices.create_practice(
        actor=author,
        client=ClientFactory(created_by=author),
        product=demo_product("RCP"),
        answers=ARCHITECT,
        effective_date=timezone.localdate(),
    )
    world["api_client_a"] = ClientFactory(created_by=author)
    # Variazioni: a policy to change, a draft, one in the MGA's review, one to sign.
    world["api_endorsable_a"] = PracticeFactory(created_by=author)
    world["api_endorsement_a"] = practices.request_endorsement(
        actor=author,
        practice=world["api_policy_a"],
        answers={**ARCHITECT_EXAMPLE, "deductible": "1000"},
        effective_date=timezone.localdate(),
    )
    world["api_endorsement_review_a"] = practices.confirm_endorsement(
        actor=author,
        endorsement=practices.request_endorsement(
            actor=author,
            practice=PracticeFactory(created_by=author),
            answers={**ARCHITECT_EXAMPLE, "limit": "1000000"},
            effective_date=timezone.localdate(),
        ),
    )
    world["api_endorsement_to_sign_a"] = practices.confirm_endorsement(
        actor=author,
        endorsement=practices.request_endorsement(
            actor=author,
            practice=signed_practice(author),
            answers={**ARCHITECT_EXAMPLE, "deductible": "1000"},
            effective_date=timezone.localdate(),
        ),
    )
    world["api_quote_a"] = services.create_quote(
        actor=author,
        client=world["api_client_a"],
        product=demo_product("RCP"),
        answers=ARCHITECT,
        effective_date=timezone.localdate(),
    )


def _quote_in(world: dict) -> dict:
    return {
        "product": "RCP",
        "effective_date": timezone.localdate(),
        "answers": ARCHITECT,
        "client_id": world["api_client_a"].pk,
    }


RULES = [
    Rule("api:openapi-json", expect(200)),
    Rule("api:openapi-view", expect(200)),
    Rule("api:api-root", expect(404)),
    Rule("api:list_products", api_only(*API_USERS)),
    Rule("api:answers_schema", api_only(*API_USERS), kwargs=lambda w: {"code": "RCP"}),
    Rule(
        "api:price",
        api_only(*API_USERS),
        method="post",
        json=True,
        data=lambda w: {
            "product": "RCP",
            "effective_date": timezone.localdate(),
            "answers": ARCHITECT,
        },
    ),
    # list_quotes and create_quote share /api/quotes: GET lists, POST creates (firm A's client:
    # 201 for its own firm, 404 for firm B, 403 for MGA staff who hold no portfolio).
    Rule("api:list_quotes", api_only(*API_USERS)),
    Rule(
        "api:create_quote",
        api_only(COLLAB_A, ok=201) | {COLLAB_B: 404, OPERATOR: 403, ADMIN: 403},
        method="post",
        json=True,
        data=_quote_in,
    ),
    Rule(
        "api:get_quote",
        api_only(COLLAB_A, OPERATOR, ADMIN) | {COLLAB_B: 404},
        kwargs=lambda w: {"quote_id": w["api_quote_a"].pk},
    ),
    # The claims API serves every role the claims pages serve: the adjuster sees the claims
    # assigned to him (none here: 404 on firm A's).
    Rule("api:list_claims", api_only(*API_USERS, ADJUSTER)),
    Rule(
        "api:get_claim",
        api_only(COLLAB_A, OPERATOR, ADMIN) | {COLLAB_B: 404, ADJUSTER: 404},
        kwargs=lambda w: {"claim_id": w["api_claim_a"].pk},
    ),
    Rule(
        "api:open_claim",
        api_only(COLLAB_A, ok=201) | {COLLAB_B: 404, OPERATOR: 403, ADMIN: 403, ADJUSTER: 403},
        method="post",
        json=True,
        data=lambda w: {
            "practice_id": w["api_policy_a"].pk,
            "claim_type": "circostanza",
            "event_date": timezone.localdate(),
            "reported_on": timezone.localdate(),
            "place": "Roma",
            "description": "Contestazione del committente",
        },
    ),
    Rule(
        "api:add_claim_note",
        api_only(COLLAB_A, OPERATOR, ADMIN, ok=201) | {COLLAB_B: 404, ADJUSTER: 404},
        method="post",
        json=True,
        kwargs=lambda w: {"claim_id": w["api_claim_a"].pk},
        data=lambda w: {"text": "Allegata la perizia di parte"},
    ),
    Rule(
        "api:add_claim_documents",
        api_only(COLLAB_A, OPERATOR, ADMIN, ok=201) | {COLLAB_B: 404, ADJUSTER: 404},
        method="post",
        kwargs=lambda w: {"claim_id": w["api_claim_a"].pk},
        data=lambda w: {"kind": "altro", "files": SimpleUploadedFile("foto.png", PNG)},
    ),
    # The MGA and the assigned adjuster handle a claim; the firm may not (403).
    Rule(
        "api:record_insurer_number",
        api_only(OPERATOR, ADMIN) | {COLLAB_A: 403, COLLAB_B: 404, ADJUSTER: 404},
        method="post",
        json=True,
        kwargs=lambda w: {"claim_id": w["api_claim_a"].pk},
        data=lambda w: {"number": "AX-1"},
    ),
    # an opened claim, not yet assigned, cannot have a quietanza (422 after the access rules)
    Rule(
        "api:post_quietanza",
        api_only(OPERATOR, ADMIN, ok=422) | {COLLAB_A: 403, COLLAB_B: 404, ADJUSTER: 404},
        method="post",
        kwargs=lambda w: {"claim_id": w["api_claim_a"].pk},
        data=lambda w: {"amount": "1000", "kind": "saldo", "conditions": "A saldo."},
    ),
    Rule(
        "api:list_claim_documents",
        api_only(COLLAB_A, OPERATOR, ADMIN) | {COLLAB_B: 404, ADJUSTER: 404},
        kwargs=lambda w: {"claim_id": w["api_claim_a"].pk},
    ),
    Rule(
        "api:download_claim_document",
        api_only(COLLAB_A, OPERATOR, ADMIN) | {COLLAB_B: 404, ADJUSTER: 404},
        kwargs=lambda w: {
            "claim_id": w["api_claim_a"].pk,
            "document_id": w["api_claim_a"].documents.first().pk,
        },
    ),
    Rule("api:list_practices", api_only(*API_USERS)),
    Rule(
        "api:get_practice",
        api_only(COLLAB_A, OPERATOR, ADMIN) | {COLLAB_B: 404},
        kwargs=lambda w: {"practice_id": w["api_draft_a"].pk},
    ),
    Rule(
        "api:create_practice",
        api_only(COLLAB_A, ok=201) | {COLLAB_B: 404, OPERATOR: 403, ADMIN: 403},
        method="post",
        json=True,
        data=lambda w: {
            "product": "RCP",
            "effective_date": timezone.localdate(),
            "answers": ARCHITECT,
            "client_id": w["api_draft_a"].client_id,
        },
    ),
    Rule(
        "api:record_needs",
        api_only(COLLAB_A) | {COLLAB_B: 404, OPERATOR: 403, ADMIN: 403},
        method="post",
        json=True,
        kwargs=lambda w: {"practice_id": w["api_draft_a"].pk},
        data=lambda w: {"answers": {}, "medium": "paper"},
    ),
    Rule(
        "api:issue_practice",
        api_only(COLLAB_A) | {COLLAB_B: 404, OPERATOR: 403, ADMIN: 403},
        method="post",
        kwargs=lambda w: {"practice_id": w["api_draft_a"].pk},
    ),
    # without a reason the service refuses (422): nothing cancelled
    Rule(
        "api:cancel_practice",
        api_only(COLLAB_A, OPERATOR, ADMIN, ok=422) | {COLLAB_B: 404},
        method="post",
        json=True,
        kwargs=lambda w: {"practice_id": w["api_draft_a"].pk},
        data=lambda w: {"reason": ""},
    ),
    Rule(
        "api:list_practice_documents",
        api_only(COLLAB_A, OPERATOR, ADMIN) | {COLLAB_B: 404},
        kwargs=lambda w: {"practice_id": w["api_draft_a"].pk},
    ),
    Rule(
        "api:add_practice_documents",
        api_only(COLLAB_A, OPERATOR, ADMIN, ok=201) | {COLLAB_B: 404},
        method="post",
        kwargs=lambda w: {"practice_id": w["api_draft_a"].pk},
        data=lambda w: {"kind": "altro", "files": SimpleUploadedFile("doc.png", PNG)},
    ),
    Rule(
        "api:list_practice_messages",
        api_only(COLLAB_A, OPERATOR, ADMIN) | {COLLAB_B: 404},
        kwargs=lambda w: {"practice_id": w["api_draft_a"].pk},
    ),
    Rule(
        "api:write_about_practice",
        api_only(COLLAB_A, OPERATOR, ADMIN, ok=201) | {COLLAB_B: 404},
        method="post",
        json=True,
        kwargs=lambda w: {"practice_id": w["api_draft_a"].pk},
        data=lambda w: {"text": "Una domanda sulla pratica"},
    ),
    # Variazioni: the firm asks and confirms, the MGA reviews; both read; firm B sees nothing.
    *[
        Rule(
            name,
            api_only(COLLAB_A, OPERATOR, ADMIN) | {COLLAB_B: 404},
            kwargs=lambda w: {"practice_id": w["api_policy_a"].pk},
        )
        for name in ("api:list_practice_versions", "api:list_endorsements")
    ],
    Rule(
        "api:request_endorsement",
        api_only(COLLAB_A, ok=201) | {COLLAB_B: 404, OPERATOR: 403, ADMIN: 403},
        method="post",
        json=True,
        kwargs=lambda w: {"practice_id": w["api_endorsable_a"].pk},
        data=lambda w: {
            "effective_date": timezone.localdate(),
            "answers": {**ARCHITECT_EXAMPLE, "deductible": "1000"},
        },
    ),
    Rule(
        "api:get_endorsement",
        api_only(COLLAB_A, OPERATOR, ADMIN) | {COLLAB_B: 404},
        kwargs=lambda w: {"endorsement_id": w["api_endorsement_a"].pk},
    ),
    *[
        Rule(
            name,
            api_only(COLLAB_A) | {COLLAB_B: 404, OPERATOR: 403, ADMIN: 403},
            method="post",
            kwargs=lambda w: {"endorsement_id": w["api_endorsement_a"].pk},
        )
        for name in ("api:confirm_endorsement", "api:withdraw_endorsement")
    ],
    # a draft has no refund to ask: its author is told so (422)
    Rule(
        "api:request_endorsement_refund",
        api_only(COLLAB_A, ok=422) | {COLLAB_B: 404, OPERATOR: 403, ADMIN: 403},
        method="post",
        json=True,
        kwargs=lambda w: {"endorsement_id": w["api_endorsement_a"].pk},
        data=lambda w: {"iban": "IT60X0542811101000000123456"},
    ),
    # once the operator has decided, the administrator finds it decided (422)
    Rule(
        "api:approve_endorsement",
        api_only(OPERATOR) | {COLLAB_A: 403, COLLAB_B: 404, ADMIN: 422},
        method="post",
        kwargs=lambda w: {"endorsement_id": w["api_endorsement_review_a"].pk},
    ),
    Rule(
        "api:refuse_endorsement",
        api_only(OPERATOR) | {COLLAB_A: 403, COLLAB_B: 404, ADMIN: 422},
        method="post",
        json=True,
        kwargs=lambda w: {"endorsement_id": w["api_endorsement_review_a"].pk},
        data=lambda w: {"reason": "Fuori assunzione"},
    ),
    # once the firm has sent it, the MGA finds it in firma (422)
    Rule(
        "api:send_endorsement_for_signature",
        api_only(COLLAB_A) | {COLLAB_B: 404, OPERATOR: 422, ADMIN: 422},
        method="post",
        kwargs=lambda w: {"endorsement_id": w["api_endorsement_to_sign_a"].pk},
    ),
]
