from django.core.files.uploadedfile import SimpleUploadedFile

from polis.documents.tests.test_validation import GOOD
from polis.messaging import services
from tests.access import ADMIN, COLLAB_A, OPERATOR, Rule, only

MESSAGING_USERS = (COLLAB_A, "collaborator_b", OPERATOR, ADMIN)


def arrange(world: dict) -> None:
    author = world["users"][COLLAB_A]
    world["thread_a"] = services.open_thread(
        actor=author,
        firm=world["firm_a"],
        title="Documenti mancanti",
        body="Ecco il file",
        files=[SimpleUploadedFile("doc.pdf", GOOD["contratto.pdf"])],
    )
    world["file_a"] = world["thread_a"].messages.get().attachments.get()


RULES = [
    Rule("messaging:inbox", only(*MESSAGING_USERS)),
    Rule("messaging:new_thread", only(*MESSAGING_USERS)),
    Rule("messaging:new_thread", only(*MESSAGING_USERS), method="post"),
    # Firm B gets 404 on firm A's thread and attachments; the adjuster has no Comunicazioni.
    Rule(
        "messaging:thread",
        only(COLLAB_A, OPERATOR, ADMIN, denied=403) | {"collaborator_b": 404},
        kwargs=lambda w: {"pk": w["thread_a"].pk},
    ),
    Rule(
        "messaging:thread",
        only(COLLAB_A, OPERATOR, ADMIN, denied=403) | {"collaborator_b": 404},
        method="post",
        kwargs=lambda w: {"pk": w["thread_a"].pk},
    ),
    Rule(
        "messaging:attachment",
        only(COLLAB_A, OPERATOR, ADMIN, denied=403) | {"collaborator_b": 404},
        kwargs=lambda w: {"pk": w["thread_a"].pk, "file_pk": w["file_a"].pk},
    ),
]
