from django.utils import timezone

from polis.complaints.models import Complaint
from polis.complaints.tests.factories import registered
from tests.access import ADMIN, COLLAB_A, COLLAB_B, OPERATOR, Rule, expect, only

# The public form is anyone's; the register is the MGA's, and a firm's administrator reads the
# complaints about his own firm (404 on another firm's); a plain collaborator is refused
# (test_access.FIRM_ADMIN_ONLY).
VIEWERS = only(COLLAB_A, COLLAB_B, OPERATOR, ADMIN)
HANDLERS_POST = only(OPERATOR, ADMIN, ok=302)


def arrange(world: dict) -> None:
    world["complaint"] = registered(
        world["users"][OPERATOR], against=Complaint.Against.COLLABORATOR, firm=world["firm_a"]
    )


def _complaint(world) -> dict:
    return {"pk": world["complaint"].pk}


RULES = [
    Rule("complaints:public", expect(200)),
    Rule("complaints:public_done", expect(200)),
    Rule("complaints:list", VIEWERS),
    Rule("complaints:export", VIEWERS),
    Rule("complaints:summary", VIEWERS),
    Rule("complaints:create", only(OPERATOR, ADMIN)),
    Rule("complaints:detail", VIEWERS | {COLLAB_B: 404}, kwargs=_complaint),
    Rule(
        "complaints:assign",
        HANDLERS_POST,
        method="post",
        kwargs=_complaint,
        data=lambda w: {"assignee": w["users"][OPERATOR].pk},
    ),
    Rule(
        "complaints:forward",
        HANDLERS_POST,
        method="post",
        kwargs=_complaint,
        data=lambda w: {"to": "reclami@compagnia.example"},
    ),
    Rule(
        "complaints:answer",
        HANDLERS_POST,
        method="post",
        kwargs=_complaint,
        data=lambda w: {"answer": "Risposta", "outcome": "accepted"},
    ),
]

# The API: 401 for who has no API access (anonymous, adjuster), as the other operations.
API_VIEWERS = expect(401, **{COLLAB_A: 200, COLLAB_B: 200, OPERATOR: 200, ADMIN: 200})
API_HANDLERS = expect(401, **{COLLAB_A: 403, COLLAB_B: 403, OPERATOR: 200, ADMIN: 200})
RULES += [
    Rule("api:list_complaints", API_VIEWERS),
    Rule(
        "api:get_complaint",
        API_VIEWERS | {COLLAB_B: 404},
        kwargs=lambda w: {"complaint_id": w["complaint"].pk},
    ),
    Rule(
        "api:register_complaint",
        API_HANDLERS | {OPERATOR: 201, ADMIN: 201},
        method="post",
        json=True,
        data=lambda w: {
            "channel": "email",
            "received_on": timezone.localdate(),
            "complainant_name": "Mario Bianchi",
            "complainant_kind": "policyholder",
            "complainant_email": "mario.bianchi@example.it",
            "against": "mga",
            "category": "contract",
            "text": "Nessuna risposta alle mie e-mail.",
        },
    ),
    Rule(
        "api:assign_complaint",
        API_HANDLERS,
        method="post",
        json=True,
        kwargs=lambda w: {"complaint_id": w["complaint"].pk},
        data=lambda w: {"assignee_id": w["users"][OPERATOR].pk},
    ),
    # not about an insurer: the service refuses it (422) once the access rules let it through
    Rule(
        "api:forward_complaint",
        API_HANDLERS | {OPERATOR: 422, ADMIN: 422},
        method="post",
        json=True,
        kwargs=lambda w: {"complaint_id": w["complaint"].pk},
        data=lambda w: {"to": "reclami@compagnia.example"},
    ),
    # not assigned yet: refused by the lifecycle (422) once the access rules let it through
    Rule(
        "api:answer_complaint",
        API_HANDLERS | {OPERATOR: 422, ADMIN: 422},
        method="post",
        json=True,
        kwargs=lambda w: {"complaint_id": w["complaint"].pk},
        data=lambda w: {"answer": "Risposta", "outcome": "accepted"},
    ),
]
