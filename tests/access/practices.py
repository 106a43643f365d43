from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from polis.clients.tests.factories import ClientFactory
from polis.devdata.catalog import ARCHITECT_EXAMPLE
from polis.documents.tests.test_validation import pdf_bytes
from polis.practices import services
from polis.practices.tests.factories import PracticeFactory, issued_practice
from polis.quotes import services as quotes
from polis.quotes.tests.factories import demo_product
from polis.quotes.tests.test_quotes import ARCHITECT
from polis.signatures.tests.support import PNG
from tests.access import ADJUSTER, ADMIN, COLLAB_A, COLLAB_B, OPERATOR, Rule, expect, only

BAD_TOKEN = "x" * 40


def _quote(world: dict):
    author = world["users"][COLLAB_A]
    product = world.get("product") or demo_product("RCP")
    world["product"] = product
    return quotes.create_quote(
        actor=author,
        client=ClientFactory(created_by=author),
        product=product,
        answers=ARCHITECT,
        effective_date=timezone.localdate(),
    )


def arrange(world: dict) -> None:
    author = world["users"][COLLAB_A]
    world["quote_to_convert"] = _quote(world)
    world["practice_a"] = issued_practice(author)
    world["disclosure_token"] = services.disclosures_token(world["practice_a"])
    world["draft_a"] = services.convert_quote(actor=author, quote=_quote(world))
    world["document_a"] = services.add_practice_documents(
        actor=author, practice=world["draft_a"], kind="altro", uploads=[("id.png", PNG)]
    )[0]
    # A signed practice ending soon, completed by its first payment: in force and renewable.
    end = timezone.localdate() + timedelta(days=20)
    signed = PracticeFactory(
        created_by=author, effective_date=end - timedelta(days=365), end_date=end
    )
    world["in_force_a"] = signed
    world["payment_a"] = services.record_payment(
        actor=author,
        practice=signed,
        method="transfer",
        paid_on=timezone.localdate(),
        amount=signed.instalments[0],
        receipt=SimpleUploadedFile("ricevuta.pdf", pdf_bytes()),
    )
    world["renewal_a"] = services.renew_practice(actor=author, practice=signed)
    # Variazioni: a signed policy to change, a draft, one in the MGA's review, one to sign.
    world["endorsable_a"] = PracticeFactory(created_by=author)
    lower_deductible = {**ARCHITECT_EXAMPLE, "deductible": "1000"}
    world["endorsement_a"] = services.request_endorsement(
        actor=author,
        practice=PracticeFactory(created_by=author),
        answers=lower_deductible,
        effective_date=timezone.localdate(),
    )
    in_review = services.request_endorsement(
        actor=author,
        practice=PracticeFactory(created_by=author),
        answers={**ARCHITECT_EXAMPLE, "limit": "1000000"},
        effective_date=timezone.localdate(),
    )
    world["endorsement_review_a"] = services.confirm_endorsement(
        actor=author, endorsement=in_review
    )
    world["endorsement_to_sign_a"] = services.confirm_endorsement(
        actor=author,
        endorsement=services.request_endorsement(
            actor=author,
            practice=PracticeFactory(created_by=author),
            answers=lower_deductible,
            effective_date=timezone.localdate(),
        ),
    )


RULES = [
    Rule(
        "practices:needs",
        only(COLLAB_A, ok=302) | {COLLAB_B: 404},
        method="post",
        kwargs=lambda w: {"pk": w["draft_a"].pk},
    ),
    Rule(
        "practices:add_documents",
        only(COLLAB_A, OPERATOR, ADMIN, ok=302) | {COLLAB_B: 404},
        method="post",
        kwargs=lambda w: {"pk": w["draft_a"].pk},
        data=lambda w: {"kind": "altro", "files": SimpleUploadedFile("doc.png", PNG)},
    ),
    Rule(
        "practices:document",
        only(COLLAB_A, OPERATOR, ADMIN) | {COLLAB_B: 404},
        kwargs=lambda w: {"pk": w["draft_a"].pk, "document_pk": w["document_a"].pk},
    ),
    Rule(
        "practices:request_information",
        only(OPERATOR, ADMIN, ok=302),
        method="post",
        kwargs=lambda w: {"pk": w["draft_a"].pk},
        data=lambda w: {"text": "Serve la visura"},
    ),
    Rule(
        "practices:answer_information",
        only(COLLAB_A, ok=302) | {COLLAB_B: 404},
        method="post",
        kwargs=lambda w: {"pk": w["draft_a"].pk},
        data=lambda w: {"text": "Ecco la visura"},
    ),
    Rule("practices:create", only(COLLAB_A, COLLAB_B)),
    Rule(
        "practices:create_for_product", only(COLLAB_A, COLLAB_B), kwargs=lambda w: {"code": "RCP"}
    ),
    Rule(
        "practices:create_for_product",
        only(COLLAB_A, COLLAB_B),
        method="post",
        kwargs=lambda w: {"code": "RCP"},
    ),
    Rule("practices:list", only(COLLAB_A, COLLAB_B, OPERATOR, ADMIN)),
    Rule(
        "practices:detail",
        only(COLLAB_A, OPERATOR, ADMIN) | {COLLAB_B: 404},
        kwargs=lambda w: {"pk": w["practice_a"].pk},
    ),
    Rule(
        "practices:contract",
        only(COLLAB_A, OPERATOR, ADMIN) | {COLLAB_B: 404},
        kwargs=lambda w: {"pk": w["practice_a"].pk},
    ),
    # The pre-contractual documents: the practice's readers download them; the firm delivers
    # them; the client opens them only through the signed link.
    Rule(
        "practices:disclosure",
        only(COLLAB_A, OPERATOR, ADMIN) | {COLLAB_B: 404},
        kwargs=lambda w: {"pk": w["practice_a"].pk, "index": 0},
    ),
    *[
        Rule(
            name,
            only(COLLAB_A, ok=302) | {COLLAB_B: 404},
            method="post",
            kwargs=lambda w: {"pk": w["practice_a"].pk},
        )
        for name in (
            "practices:prepare_disclosures",
            "practices:resend_disclosures",
            "practices:paper_delivery",
        )
    ],
    Rule(
        "practices:client_disclosures",
        expect(200),
        kwargs=lambda w: {"token": w["disclosure_token"]},
    ),
    Rule("practices:client_disclosures", expect(410), kwargs=lambda w: {"token": BAD_TOKEN}),
    Rule(
        "practices:client_disclosure",
        expect(200),
        kwargs=lambda w: {"token": w["disclosure_token"], "index": 0},
    ),
    Rule(
        "practices:client_disclosure",
        expect(404),
        kwargs=lambda w: {"token": BAD_TOKEN, "index": 0},
    ),
    # POST actions redirect back with a message (allowed or refused by the lifecycle).
    Rule(
        "practices:issue",
        only(COLLAB_A, ok=302) | {COLLAB_B: 404},
        method="post",
        kwargs=lambda w: {"pk": w["draft_a"].pk},
    ),
    Rule(
        "practices:approve",
        only(OPERATOR, ADMIN, ok=302),
        method="post",
        kwargs=lambda w: {"pk": w["draft_a"].pk},
    ),
    Rule(
        "practices:convert",
        only(COLLAB_A, ok=302) | {COLLAB_B: 404},
        method="post",
        kwargs=lambda w: {"quote_pk": w["quote_to_convert"].pk},
    ),
    Rule(
        "practices:decline",
        only(OPERATOR, ADMIN, ok=302),
        method="post",
        kwargs=lambda w: {"pk": w["draft_a"].pk},
        data=lambda w: {"reason": "prova"},
    ),
    # without a reason the service refuses: back to the page, nothing cancelled
    Rule(
        "practices:cancel",
        only(COLLAB_A, OPERATOR, ADMIN, ok=302) | {COLLAB_B: 404},
        method="post",
        kwargs=lambda w: {"pk": w["draft_a"].pk},
        data=lambda w: {"reason": ""},
    ),
    Rule("practices:review_queue", only(OPERATOR, ADMIN)),
    # PRATICHE E PREVENTIVI: lists and exports are scoped to the firm (tested in test_lists).
    Rule("practices:expiring", only(COLLAB_A, COLLAB_B, OPERATOR, ADMIN)),
    *[
        Rule(
            name, only(COLLAB_A, COLLAB_B, OPERATOR, ADMIN), kwargs=lambda w, fmt=fmt: {"fmt": fmt}
        )
        for name in ("practices:export", "practices:expiring_export")
        for fmt in ("csv", "xlsx")
    ],
    # Perfezionamento. An empty payment form is refused (422) and changes nothing.
    Rule(
        "practices:record_payment",
        only(COLLAB_A, ok=422) | {COLLAB_B: 404},
        method="post",
        kwargs=lambda w: {"pk": w["in_force_a"].pk},
    ),
    Rule(
        "practices:payment_receipt",
        only(COLLAB_A, OPERATOR, ADMIN) | {COLLAB_B: 404},
        kwargs=lambda w: {"pk": w["payment_a"].pk},
    ),
    Rule(
        "practices:verify_payment",
        only(OPERATOR, ADMIN, ok=302),
        method="post",
        kwargs=lambda w: {"pk": w["payment_a"].pk},
    ),
    Rule(
        "practices:reject_payment",
        only(OPERATOR, ADMIN, ok=302),
        method="post",
        kwargs=lambda w: {"pk": w["payment_a"].pk},
        data=lambda w: {"reason": "prova"},
    ),
    Rule("practices:payments_queue", only(OPERATOR, ADMIN)),
    # The old address of the commission statement sends to the ledger's (accounting).
    Rule("practices:commissions", only(COLLAB_A, COLLAB_B, OPERATOR, ADMIN, ok=302)),
    # Renewals are the collaborator's job.
    Rule("practices:renewals", only(COLLAB_A, COLLAB_B)),
    Rule(
        "practices:renew",
        only(COLLAB_A, ok=302) | {COLLAB_B: 404},
        method="post",
        kwargs=lambda w: {"pk": w["in_force_a"].pk},
    ),
    Rule(
        "practices:change_renewal",
        only(COLLAB_A, ok=302) | {COLLAB_B: 404},
        method="post",
        kwargs=lambda w: {"pk": w["renewal_a"].pk},
    ),
    # Variazioni: asked by the firm, reviewed by the MGA; firm B sees none of firm A's.
    Rule(
        "practices:endorse",
        only(COLLAB_A) | {COLLAB_B: 404},
        kwargs=lambda w: {"pk": w["endorsable_a"].pk},
    ),
    Rule(
        "practices:endorse",
        only(COLLAB_A, ok=422) | {COLLAB_B: 404},
        method="post",
        kwargs=lambda w: {"pk": w["endorsable_a"].pk},
    ),
    Rule(
        "practices:endorsement",
        only(COLLAB_A, OPERATOR, ADMIN) | {COLLAB_B: 404},
        kwargs=lambda w: {"pk": w["endorsement_a"].pk},
    ),
    *[
        Rule(
            name,
            only(COLLAB_A, ok=302) | {COLLAB_B: 404},
            method="post",
            kwargs=lambda w: {"pk": w["endorsement_a"].pk},
        )
        for name in (
            "practices:endorsement_confirm",
            "practices:endorsement_withdraw",
            # on a draft the service refuses: back to the page
            "practices:endorsement_record_payment",
            "practices:endorsement_request_refund",
        )
    ],
    Rule(
        "practices:endorsement_approve",
        only(OPERATOR, ADMIN, ok=302),
        method="post",
        kwargs=lambda w: {"pk": w["endorsement_review_a"].pk},
    ),
    Rule(
        "practices:endorsement_refuse",
        only(OPERATOR, ADMIN, ok=302),
        method="post",
        kwargs=lambda w: {"pk": w["endorsement_review_a"].pk},
        data=lambda w: {"reason": "prova"},
    ),
    Rule(
        "practices:endorsement_send_for_signature",
        only(COLLAB_A, OPERATOR, ADMIN, ok=302) | {COLLAB_B: 404, ADJUSTER: 404},
        method="post",
        kwargs=lambda w: {"pk": w["endorsement_to_sign_a"].pk},
    ),
    Rule(
        "practices:endorsement_appendix",
        only(COLLAB_A, OPERATOR, ADMIN) | {COLLAB_B: 404},
        kwargs=lambda w: {"pk": w["endorsement_to_sign_a"].pk},
    ),
    *[
        Rule(
            name,
            only(COLLAB_A, OPERATOR, ADMIN, ok=404) | {COLLAB_B: 404},
            kwargs=lambda w: {"pk": w["endorsement_to_sign_a"].pk},
        )
        for name in (
            "practices:endorsement_signed_appendix",
            "practices:endorsement_signature_report",
        )
    ],
    Rule("practices:endorsement_queue", only(OPERATOR, ADMIN)),
]
