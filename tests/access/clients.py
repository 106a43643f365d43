from polis.clients.tests.factories import ClientFactory
from tests.access import ADMIN, COLLAB_A, COLLAB_B, OPERATOR, Rule, only


def arrange(world: dict) -> None:
    world["client_a"] = ClientFactory(created_by=world["users"][COLLAB_A])


RULES = [
    Rule("clients:list", only(COLLAB_A, COLLAB_B, OPERATOR, ADMIN)),
    Rule("clients:create", only(COLLAB_A, COLLAB_B)),
    Rule("clients:create", only(COLLAB_A, COLLAB_B), method="post"),
    # The picker's options: each user searches only the clients he may see.
    Rule("clients:picker", only(COLLAB_A, COLLAB_B, OPERATOR, ADMIN)),
    # Firm B gets 404 on firm A's client; MGA staff read it but only the firm edits it.
    Rule(
        "clients:detail",
        only(COLLAB_A, OPERATOR, ADMIN) | {COLLAB_B: 404},
        kwargs=lambda w: {"pk": w["client_a"].pk},
    ),
    Rule(
        "clients:edit", only(COLLAB_A) | {COLLAB_B: 404}, kwargs=lambda w: {"pk": w["client_a"].pk}
    ),
    Rule(
        "clients:edit",
        only(COLLAB_A) | {COLLAB_B: 404},
        method="post",
        kwargs=lambda w: {"pk": w["client_a"].pk},
    ),
]
