import datetime

from polis.bordereaux import services
from polis.quotes.tests.factories import demo_product
from tests.access import ADMIN, OPERATOR, Rule, expect, only

# The MGA's staff only: collaborators and adjusters are refused.
STAFF = only(OPERATOR, ADMIN)
JANUARY = datetime.date(2026, 1, 1)


def arrange(world: dict) -> None:
    world["insurer"] = demo_product("RCP").insurer
    world["bordereau"] = services.generate_bordereau(
        actor=world["users"][OPERATOR], insurer=world["insurer"], month=JANUARY, kind="risk"
    )


def _bordereau(world) -> dict:
    return {"pk": world["bordereau"].pk}


RULES = [
    Rule("bordereaux:list", STAFF),
    Rule(
        "bordereaux:generate",
        only(OPERATOR, ADMIN, ok=302),
        method="post",
        data=lambda w: {"insurer": w["insurer"].pk, "month": "2026-02", "kind": "claims"},
    ),
    Rule("bordereaux:detail", STAFF, kwargs=_bordereau),
    Rule(
        "bordereaux:regenerate",
        only(OPERATOR, ADMIN, ok=302),
        method="post",
        kwargs=_bordereau,
    ),
    Rule("bordereaux:download", STAFF, kwargs=lambda w: {"pk": w["bordereau"].pk, "part": "xlsx"}),
    # The API: 401 for who has no API access (anonymous, adjuster), 403 for collaborators.
    Rule("api:list_bordereaux", expect(403, anonymous=401, adjuster=401, operator=200, admin=200)),
    Rule(
        "api:get_bordereau",
        expect(403, anonymous=401, adjuster=401, operator=200, admin=200),
        kwargs=lambda w: {"bordereau_id": w["bordereau"].pk},
    ),
    Rule(
        "api:download_bordereau",
        expect(403, anonymous=401, adjuster=401, operator=200, admin=200),
        kwargs=lambda w: {"bordereau_id": w["bordereau"].pk, "part": "csv"},
    ),
    Rule(
        "api:generate_bordereau",
        expect(403, anonymous=401, adjuster=401, operator=200, admin=200),
        method="post",
        json=True,
        data=lambda w: {"insurer_id": w["insurer"].pk, "month": "2026-02-10", "kind": "claims"},
    ),
]
