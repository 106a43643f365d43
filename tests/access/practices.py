from django.utils import timezone

from polis.clients.tests.factories import ClientFactory
from polis.practices import services
from polis.quotes import services as quotes
from polis.quotes.tests.factories import demo_product
from polis.quotes.tests.test_quotes import ARCHITECT
from tests.access import ADMIN, COLLAB_A, COLLAB_B, OPERATOR, Rule, only


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
    draft = services.convert_quote(actor=author, quote=_quote(world))
    world["practice_a"] = services.issue_practice(actor=author, practice=draft)
    world["draft_a"] = services.convert_quote(actor=author, quote=_quote(world))


RULES = [
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
    Rule("practices:review_queue", only(OPERATOR, ADMIN)),
]
