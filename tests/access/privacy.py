from django.utils import timezone

from polis.clients.tests.factories import ClientFactory
from polis.notify.models import OutboundMessage
from polis.notify.unsubscribe import unsubscribe_url
from polis.privacy import services
from polis.privacy.models import DataSubjectRequest
from tests.access import ADMIN, COLLAB_A, COLLAB_B, OPERATOR, Rule, expect, only

# The MGA's staff and a firm's administrator (for his own firm's clients) handle the requests;
# the plain collaborator is refused (test_access.FIRM_ADMIN_ONLY); firm B gets 404 on firm A's.
HANDLERS = only(COLLAB_A, OPERATOR, ADMIN) | {COLLAB_B: 404}


def arrange(world: dict) -> None:
    operator = world["users"][OPERATOR]
    world["client_a"] = ClientFactory(created_by=world["users"][COLLAB_A])
    world["request_a"] = services.register_request(
        actor=operator,
        client=world["client_a"],
        kind=DataSubjectRequest.Kind.ACCESS,
        channel=DataSubjectRequest.Channel.EMAIL,
        received_on=timezone.localdate(),
        identity_check="Documento allegato",
    )
    world["exported"] = services.send_export(
        actor=operator,
        request=services.register_request(
            actor=operator,
            client=world["client_a"],
            kind=DataSubjectRequest.Kind.PORTABILITY,
            channel=DataSubjectRequest.Channel.PEC,
            received_on=timezone.localdate(),
            identity_check="PEC a lui intestata",
        ),
        base_url="",
    )
    # the export's e-mail, as every e-mail, links to the unsubscribe page
    message = OutboundMessage.objects.filter(recipient=world["client_a"].email).latest("pk")
    world["unsubscribe"] = unsubscribe_url(message).rstrip("/").split("/")[-1]


def _request(world) -> dict:
    return {"pk": world["request_a"].pk}


RULES = [
    Rule("privacy:list", only(COLLAB_A, COLLAB_B, OPERATOR, ADMIN)),
    Rule("privacy:create", HANDLERS, kwargs=lambda w: {"client_pk": w["client_a"].pk}),
    Rule(
        "privacy:create",
        only(COLLAB_A, OPERATOR, ADMIN, ok=302) | {COLLAB_B: 404},
        method="post",
        kwargs=lambda w: {"client_pk": w["client_a"].pk},
        data=lambda w: {
            "kind": "erasure",
            "channel": "email",
            "received_on": timezone.localdate().isoformat(),
            "identity_check": "Documento allegato",
        },
    ),
    Rule("privacy:detail", HANDLERS, kwargs=_request),
    Rule(
        "privacy:extend",
        only(COLLAB_A, OPERATOR, ADMIN, ok=302) | {COLLAB_B: 404},
        method="post",
        kwargs=_request,
        data=lambda w: {"reason": "Richiesta ampia"},
    ),
    Rule(
        "privacy:export",
        only(COLLAB_A, OPERATOR, ADMIN, ok=302) | {COLLAB_B: 404},
        method="post",
        kwargs=_request,
    ),
    Rule(
        "privacy:answer",
        only(COLLAB_A, OPERATOR, ADMIN, ok=302) | {COLLAB_B: 404},
        method="post",
        kwargs=_request,
        data=lambda w: {"answer": "Ecco i dati."},
    ),
    # The person's link: the signed token is the key, whoever opens it.
    Rule(
        "privacy:export_download",
        expect(200),
        kwargs=lambda w: {"token": services.export_link(w["exported"], "pdf", "").split("/")[-2]},
    ),
    # Every e-mail's unsubscribe link: the signed token is the key, whoever opens it.
    Rule("privacy:unsubscribe", expect(200), kwargs=lambda w: {"token": w["unsubscribe"]}),
    Rule(
        "privacy:unsubscribe",
        expect(200),
        method="post",
        kwargs=lambda w: {"token": w["unsubscribe"]},
    ),
]


# The API: 401 for who has no API access (anonymous, adjuster), as the other operations.
API_HANDLERS = expect(401, **{COLLAB_A: 200, COLLAB_B: 404, OPERATOR: 200, ADMIN: 200})
API_RULES = [
    Rule(
        "api:list_privacy_requests",
        expect(401, **{COLLAB_A: 200, COLLAB_B: 200, OPERATOR: 200, ADMIN: 200}),
    ),
    Rule(
        "api:get_privacy_request", API_HANDLERS, kwargs=lambda w: {"request_id": w["request_a"].pk}
    ),
    Rule(
        "api:register_privacy_request",
        expect(401, **{COLLAB_A: 201, COLLAB_B: 404, OPERATOR: 201, ADMIN: 201}),
        method="post",
        json=True,
        data=lambda w: {
            "client_id": w["client_a"].pk,
            "kind": "objection",
            "channel": "email",
            "received_on": timezone.localdate(),
            "identity_check": "Documento allegato",
        },
    ),
    # The first handler extends; the request is then no longer "received", and the others are
    # refused by the lifecycle (422), after the access rules let them through.
    Rule(
        "api:extend_privacy_request",
        expect(401, **{COLLAB_A: 200, COLLAB_B: 404, OPERATOR: 422, ADMIN: 422}),
        method="post",
        json=True,
        kwargs=lambda w: {"request_id": w["request_a"].pk},
        data=lambda w: {"reason": "Richiesta ampia"},
    ),
    Rule(
        "api:export_privacy_request",
        API_HANDLERS,
        method="post",
        json=True,
        kwargs=lambda w: {"request_id": w["request_a"].pk},
    ),
    Rule(
        "api:answer_privacy_request",
        expect(401, **{COLLAB_A: 422, COLLAB_B: 404, OPERATOR: 422, ADMIN: 422}),
        method="post",
        json=True,
        kwargs=lambda w: {"request_id": w["request_a"].pk},
        data=lambda w: {"answer": "Ecco i dati."},
    ),
]
RULES += API_RULES
