from django.utils import timezone

from polis.catalog.models import ProductDocument
from polis.clients.tests.factories import ClientFactory
from polis.documents.services import store_upload
from polis.documents.tests.test_validation import GOOD
from polis.quotes import services
from polis.quotes.tests.factories import demo_product
from polis.quotes.tests.test_quotes import ARCHITECT
from tests.access import ADJUSTER, ADMIN, COLLAB_A, COLLAB_B, OPERATOR, Rule, only


def arrange(world: dict) -> None:
    author = world["users"][COLLAB_A]
    world["product"] = demo_product("RCP")
    world["quote_a"] = services.create_quote(
        actor=author,
        client=ClientFactory(created_by=author),
        product=world["product"],
        answers=ARCHITECT,
        effective_date=timezone.localdate(),
    )
    world["dip"] = ProductDocument.objects.create(
        product=world["product"],
        kind="dip",
        version="2026-01",
        valid_from=timezone.localdate(),
        file=store_upload(actor=None, name="dip.pdf", data=GOOD["contratto.pdf"]),
    )
    world["request_a"] = services.request_custom_quote(
        actor=author,
        client=ClientFactory(created_by=author),
        need="RC professionale con un sinistro",
        claims_count=1,
        claims_text="Sinistro 2024 chiuso",
    )


RULES = [
    Rule("quotes:list", only(COLLAB_A, COLLAB_B, OPERATOR, ADMIN)),
    *[
        Rule(
            "quotes:export",
            only(COLLAB_A, COLLAB_B, OPERATOR, ADMIN),
            kwargs=lambda w, f=f: {"fmt": f},
        )
        for f in ("csv", "xlsx")
    ],
    Rule("quotes:create", only(COLLAB_A, COLLAB_B)),
    Rule("quotes:create_for_product", only(COLLAB_A, COLLAB_B), kwargs=lambda w: {"code": "RCP"}),
    Rule(
        "quotes:create_for_product",
        only(COLLAB_A, COLLAB_B),
        method="post",
        kwargs=lambda w: {"code": "RCP"},
    ),
    Rule(
        "quotes:detail",
        only(COLLAB_A, OPERATOR, ADMIN) | {COLLAB_B: 404},
        kwargs=lambda w: {"pk": w["quote_a"].pk},
    ),
    Rule(
        "quotes:pdf",
        only(COLLAB_A, OPERATOR, ADMIN) | {COLLAB_B: 404},
        kwargs=lambda w: {"pk": w["quote_a"].pk},
    ),
    Rule(
        "quotes:duplicate",
        only(COLLAB_A, ok=302) | {COLLAB_B: 404},
        method="post",
        kwargs=lambda w: {"pk": w["quote_a"].pk},
    ),
    Rule(
        "quotes:send",
        only(COLLAB_A, ok=302) | {COLLAB_B: 404},
        method="post",
        kwargs=lambda w: {"pk": w["quote_a"].pk},
    ),
    Rule("quotes:requests", only(COLLAB_A, COLLAB_B, OPERATOR, ADMIN)),
    Rule("quotes:request_create", only(COLLAB_A, COLLAB_B)),
    Rule("quotes:request_create", only(COLLAB_A, COLLAB_B), method="post"),
    Rule(
        "quotes:request_detail",
        only(COLLAB_A, OPERATOR, ADMIN) | {COLLAB_B: 404},
        kwargs=lambda w: {"pk": w["request_a"].pk},
    ),
    Rule(
        "quotes:request_offer",
        only(OPERATOR, ADMIN, ok=302),
        method="post",
        kwargs=lambda w: {"pk": w["request_a"].pk},
        data=lambda w: {
            "product": w["product"].pk,
            "gross": "800",
            "cover-RCP-rc_professionale-limit": "500000",
            "conditions": "Standard",
            "valid_until": timezone.localdate().isoformat(),
        },
    ),
    Rule(
        "quotes:request_decline",
        only(OPERATOR, ADMIN, ok=302),
        method="post",
        kwargs=lambda w: {"pk": w["request_a"].pk},
        data=lambda w: {"reason": "Fuori appetito"},
    ),
    Rule(
        "quotes:request_accept",
        only(COLLAB_A, ok=302) | {COLLAB_B: 404},
        method="post",
        kwargs=lambda w: {"pk": w["request_a"].pk},
    ),
    # a product's DIP is the same for everyone logged in
    Rule(
        "catalog:document",
        only(COLLAB_A, COLLAB_B, OPERATOR, ADJUSTER, ADMIN),
        kwargs=lambda w: {"pk": w["dip"].pk},
    ),
]
