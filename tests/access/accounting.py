from datetime import timedelta

from django.utils import timezone

from polis.accounting import services
from polis.accounting.models import Payout
from polis.practices import services as practices
from polis.practices.tests.factories import PracticeFactory
from polis.practices.tests.test_completion import pay
from tests.access import ADMIN, COLLAB_A, COLLAB_B, OPERATOR, Rule, expect, only

# The MGA's staff keep the books; a collaborator reads only his own firm's commissions (the
# overview sends him there); adjusters see nothing of the money.
STAFF = only(OPERATOR, ADMIN)
STAFF_POST = only(OPERATOR, ADMIN, ok=302)
IBAN = "IT60X0542811101000000123456"


def arrange(world: dict) -> None:
    operator, collaborator = world["users"][OPERATOR], world["users"][COLLAB_A]
    practice = PracticeFactory(created_by=collaborator)
    paid_on = timezone.localdate() - timedelta(days=3)
    practices.verify_payment(actor=operator, payment=pay(collaborator, practice, paid_on=paid_on))
    world["remittance"] = services.prepare_remittance(
        actor=operator,
        insurer=practice.product.insurer,
        period_end=timezone.localdate() - timedelta(days=1),
    )
    services.set_payee_iban(actor=operator, firm=world["firm_a"], iban=IBAN)
    services.create_commission_payout(actor=operator, firm=world["firm_a"])
    world["batch"] = services.export_payout_batch(
        actor=operator, kind=Payout.Kind.COMMISSION, execution_date=timezone.localdate()
    )


def _remittance(world) -> dict:
    return {"pk": world["remittance"].pk}


def _batch(world) -> dict:
    return {"pk": world["batch"].pk}


RULES = [
    Rule("accounting:overview", only(OPERATOR, ADMIN) | {COLLAB_A: 302, COLLAB_B: 302}),
    Rule("accounting:entries", STAFF),
    Rule("accounting:remittances", STAFF),
    Rule(
        "accounting:remittances",
        STAFF,
        method="post",
        data=lambda w: {
            "insurer": w["remittance"].insurer_id,
            "period_end": timezone.localdate().isoformat(),  # refused: the period is open
        },
    ),
    Rule("accounting:remittance", STAFF, kwargs=_remittance),
    Rule(
        "accounting:remittance_export",
        STAFF,
        kwargs=lambda w: {"pk": w["remittance"].pk, "fmt": "xlsx"},
    ),
    Rule(
        "accounting:remittance_confirm",
        STAFF_POST,
        method="post",
        kwargs=_remittance,
        data=lambda w: {"paid_on": timezone.localdate().isoformat(), "bank_reference": "CRO1"},
    ),
    # a collaborator's own firm only: firm B's collaborator reads firm B's, never firm A's
    Rule("accounting:commissions", only(COLLAB_A, COLLAB_B, OPERATOR, ADMIN)),
    Rule(
        "accounting:commissions_export",
        only(COLLAB_A, COLLAB_B, OPERATOR, ADMIN),
        kwargs=lambda w: {"fmt": "xlsx"},
        data=lambda w: {"agenzia": w["firm_a"].pk},
    ),
    Rule(
        "accounting:commission_payout",
        STAFF_POST,
        method="post",
        kwargs=lambda w: {"firm_pk": w["firm_a"].pk},
    ),
    Rule("accounting:payouts", STAFF),
    Rule(
        "accounting:payouts",
        STAFF,
        method="post",
        data=lambda w: {"kind": "claim", "execution_date": timezone.localdate().isoformat()},
    ),
    Rule("accounting:batch", STAFF, kwargs=_batch),
    Rule("accounting:batch_xml", STAFF, kwargs=_batch),
    Rule("accounting:batch_confirm", STAFF_POST, method="post", kwargs=_batch),
]


# The API: 401 for who has no API access (anonymous, adjuster), 403 for a collaborator; a
# domain refusal is 422 (the admin, after the operator confirmed it).
API_STAFF = expect(401, **{COLLAB_A: 403, COLLAB_B: 403, OPERATOR: 200, ADMIN: 200})
API_STAFF_ONCE = API_STAFF | {ADMIN: 422}
RULES += [
    Rule("api:list_balances", API_STAFF, data=lambda w: {"kind": "insurer"}),
    Rule("api:list_entries", API_STAFF),
    Rule("api:list_remittances", API_STAFF),
    Rule("api:get_remittance", API_STAFF, kwargs=lambda w: {"remittance_id": w["remittance"].pk}),
    Rule(
        "api:prepare_remittance",
        expect(401, **{COLLAB_A: 403, COLLAB_B: 403, OPERATOR: 422, ADMIN: 422}),
        method="post",
        json=True,
        data=lambda w: {  # nothing left to remit: refused by the service
            "insurer_id": w["remittance"].insurer_id,
            "period_end": (timezone.localdate() - timedelta(days=1)).isoformat(),
        },
    ),
    Rule(
        "api:confirm_remittance",
        API_STAFF_ONCE,
        method="post",
        json=True,
        kwargs=lambda w: {"remittance_id": w["remittance"].pk},
        data=lambda w: {"paid_on": timezone.localdate().isoformat(), "bank_reference": "CRO1"},
    ),
    # each collaborator his own firm's
    Rule(
        "api:get_commissions",
        expect(401, **{COLLAB_A: 200, COLLAB_B: 200, OPERATOR: 200, ADMIN: 200}),
        data=lambda w: {"firm_id": w["firm_a"].pk},
    ),
    Rule(
        "api:export_payout_batch",
        expect(401, **{COLLAB_A: 403, COLLAB_B: 403, OPERATOR: 422, ADMIN: 422}),
        method="post",
        json=True,
        data=lambda w: {"kind": "claim", "execution_date": timezone.localdate().isoformat()},
    ),
    Rule(
        "api:confirm_payout_batch",
        API_STAFF_ONCE,
        method="post",
        json=True,
        kwargs=lambda w: {"batch_id": w["batch"].pk},
    ),
]
