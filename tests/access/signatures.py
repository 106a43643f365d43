"""The signing pages are public but reachable only through a valid link; staff actions are
for the firm (others get 404) and the MGA."""

from polis.practices.tests.factories import issued_practice, signature_link_token, signed_practice
from polis.signatures.models import SignatureRequest
from polis.signatures.tests.support import last_link_token, send
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

BAD_TOKEN = "x" * 43


def arrange(world: dict) -> None:
    author = world["users"][COLLAB_A]
    world["to_sign"] = send(author, issued_practice(author))
    world["sign_token"] = last_link_token(world["to_sign"].client.email)
    world["sign_request"] = SignatureRequest.objects.get(subject_id=world["to_sign"].pk)
    world["unsent"] = issued_practice(author)
    world["signed"] = signed_practice(author)
    world["signed_token"] = signature_link_token(world["signed"])


def _token(w):
    return {"token": w["sign_token"]}


EVERYONE = expect(200)
BACK_TO_PAGE = expect(302)  # each step redirects back to the page with its message
# adjusters act on signatures only through their claims' pages
STAFF = {ANON: LOGIN, COLLAB_A: 302, COLLAB_B: 404, OPERATOR: 302, ADJUSTER: 404, ADMIN: 302}

RULES = [
    Rule("signatures:note", EVERYONE),
    Rule("signatures:sign", EVERYONE, kwargs=_token),
    Rule("signatures:sign", expect(410), kwargs=lambda w: {"token": BAD_TOKEN}),
    Rule("signatures:document", EVERYONE, kwargs=_token),
    Rule("signatures:document", expect(410), kwargs=lambda w: {"token": BAD_TOKEN}),
    # the documents shown before the contract, and the signer's acknowledgment of them
    Rule("signatures:signing_document", EVERYONE, kwargs=lambda w: {**_token(w), "number": 0}),
    Rule(
        "signatures:signing_document",
        expect(410),
        kwargs=lambda w: {"token": BAD_TOKEN, "number": 0},
    ),
    Rule(
        "signatures:acknowledge",
        BACK_TO_PAGE,
        method="post",
        kwargs=_token,
        data=lambda w: {"acknowledge": "1"},
    ),
    Rule(
        "signatures:acknowledge",
        expect(410),
        method="post",
        kwargs=lambda w: {"token": BAD_TOKEN},
        data=lambda w: {"acknowledge": "1"},
    ),
    Rule(
        "signatures:accept",
        BACK_TO_PAGE,
        method="post",
        kwargs=_token,
        data=lambda w: {"accept": "1"},
    ),
    Rule("signatures:send_code", BACK_TO_PAGE, method="post", kwargs=_token),
    Rule("signatures:send_code", expect(410), method="post", kwargs=lambda w: {"token": BAD_TOKEN}),
    Rule(
        "signatures:confirm",
        BACK_TO_PAGE,
        method="post",
        kwargs=_token,
        data=lambda w: {"code": "000000"},
    ),
    Rule(
        "signatures:decline",
        BACK_TO_PAGE,
        method="post",
        kwargs=_token,
        data=lambda w: {"reason": ""},
    ),
    Rule("signatures:withdraw", expect(410), method="post", kwargs=lambda w: {"token": BAD_TOKEN}),
    # withdrawing needs a fresh verification code: without one, back to the page
    Rule("signatures:withdraw", BACK_TO_PAGE, method="post", kwargs=_token),
    Rule("signatures:access_code", BACK_TO_PAGE, method="post", kwargs=_token),
    Rule(
        "signatures:access_code", expect(410), method="post", kwargs=lambda w: {"token": BAD_TOKEN}
    ),
    Rule(
        "signatures:verify",
        BACK_TO_PAGE,
        method="post",
        kwargs=_token,
        data=lambda w: {"code": "000000"},
    ),
    Rule("signatures:verify", expect(410), method="post", kwargs=lambda w: {"token": BAD_TOKEN}),
    # the signed copy: only once signed, then through the link for SIGNATURE_SIGNED_DAYS
    Rule("signatures:signed_document", expect(410), kwargs=_token),
    Rule("signatures:signed_document", EVERYONE, kwargs=lambda w: {"token": w["signed_token"]}),
    # the report (codice fiscale, addresses) only after a verification code: back to the page
    Rule("signatures:report", BACK_TO_PAGE, kwargs=lambda w: {"token": w["signed_token"]}),
    Rule("signatures:report", expect(410), kwargs=lambda w: {"token": BAD_TOKEN}),
    Rule("signatures:resend", STAFF, method="post", kwargs=lambda w: {"pk": w["sign_request"].pk}),
    Rule("signatures:void", STAFF, method="post", kwargs=lambda w: {"pk": w["sign_request"].pk}),
    Rule(
        "practices:send_for_signature",
        STAFF,
        method="post",
        kwargs=lambda w: {"pk": w["unsent"].pk},
    ),
    Rule(
        "practices:signed_contract",
        only(COLLAB_A, OPERATOR, ADMIN) | {COLLAB_B: 404},
        kwargs=lambda w: {"pk": w["signed"].pk},
    ),
    Rule(
        "practices:signature_report",
        only(COLLAB_A, OPERATOR, ADMIN) | {COLLAB_B: 404},
        kwargs=lambda w: {"pk": w["signed"].pk},
    ),
]
