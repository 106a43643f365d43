from django.core.files.uploadedfile import SimpleUploadedFile

from polis.portfolio import services
from polis.portfolio.tests.factories import csv_bytes, row
from polis.quotes.tests.factories import demo_product
from tests.access import ADMIN, COLLAB_A, COLLAB_B, OPERATOR, Rule, expect, only

# The MGA's staff for every firm and a firm's administrator for his own import and export the
# portfolio; the plain collaborator is refused (test_access.FIRM_ADMIN_ONLY); firm B gets 404
# on firm A's import.
IMPORTERS = only(COLLAB_A, COLLAB_B, OPERATOR, ADMIN)
ON_A = only(COLLAB_A, OPERATOR, ADMIN) | {COLLAB_B: 404}


def arrange(world: dict) -> None:
    demo_product("RCP")
    batch = services.upload_portfolio(
        actor=world["users"][COLLAB_A],
        firm=world["firm_a"],
        name="p.csv",
        data=csv_bytes([row(1)]),
        privacy_declared=True,
    )
    world["batch_a"] = services.validate_batch(batch.pk)


def _batch(world) -> dict:
    return {"pk": world["batch_a"].pk}


def _upload(world) -> dict:
    return {"file": SimpleUploadedFile("p.csv", csv_bytes([row(2)])), "privacy": "on"}


RULES = [
    Rule("portfolio:index", IMPORTERS),
    # an operator must pick the firm: without it the form is shown again
    Rule(
        "portfolio:index",
        only(COLLAB_A, COLLAB_B, ok=302) | {OPERATOR: 200, ADMIN: 200},
        method="post",
        data=_upload,
    ),
    Rule("portfolio:template", IMPORTERS, kwargs=lambda w: {"fmt": "xlsx"}),
    # the MGA names the firm; a firm's administrator always exports his own
    Rule(
        "portfolio:export",
        IMPORTERS,
        kwargs=lambda w: {"fmt": "csv"},
        data=lambda w: {"agenzia": w["firm_a"].pk},
    ),
    Rule("portfolio:batch", ON_A, kwargs=_batch),
    Rule("portfolio:report", ON_A, kwargs=_batch),
    # the first confirms; after it the batch is importing, and a cancel is refused (back to
    # the page with the reason)
    Rule(
        "portfolio:confirm",
        only(COLLAB_A, OPERATOR, ADMIN, ok=302) | {COLLAB_B: 404},
        method="post",
        kwargs=_batch,
    ),
    Rule(
        "portfolio:cancel",
        only(COLLAB_A, OPERATOR, ADMIN, ok=302) | {COLLAB_B: 404},
        method="post",
        kwargs=_batch,
    ),
]

API_IMPORTERS = expect(401, **{COLLAB_A: 200, COLLAB_B: 200, OPERATOR: 200, ADMIN: 200})
API_ON_A = expect(401, **{COLLAB_A: 200, COLLAB_B: 404, OPERATOR: 200, ADMIN: 200})
API_RULES = [
    Rule("api:list_portfolio_imports", API_IMPORTERS),
    Rule("api:get_portfolio_import", API_ON_A, kwargs=lambda w: {"import_id": w["batch_a"].pk}),
    Rule(
        "api:list_portfolio_import_rows",
        API_ON_A,
        kwargs=lambda w: {"import_id": w["batch_a"].pk},
    ),
    Rule(
        "api:upload_portfolio_import",
        expect(401, **{COLLAB_A: 201, COLLAB_B: 201, OPERATOR: 201, ADMIN: 201}),
        method="post",
        data=lambda w: {
            "file": SimpleUploadedFile("p.csv", csv_bytes([row(3)])),
            "privacy_declared": "true",
            "firm_id": w["firm_a"].pk,
        },
    ),
    # The first confirms; the batch is then importing, and the others are refused by the
    # lifecycle (422) after the access rules let them through.
    Rule(
        "api:confirm_portfolio_import",
        expect(401, **{COLLAB_A: 200, COLLAB_B: 404, OPERATOR: 422, ADMIN: 422}),
        method="post",
        json=True,
        kwargs=lambda w: {"import_id": w["batch_a"].pk},
        data=lambda w: {},
    ),
    Rule(
        "api:cancel_portfolio_import",
        expect(401, **{COLLAB_A: 200, COLLAB_B: 404, OPERATOR: 422, ADMIN: 422}),
        method="post",
        json=True,
        kwargs=lambda w: {"import_id": w["batch_a"].pk},
        data=lambda w: {},
    ),
]
RULES += API_RULES
