"""What a user may do to a practice (and to a payment) now: the buttons of the practice page
and `allowed_actions` in the API, from the lifecycle table and the access rules (see
`polis.core.actions`). The services remain the ones that decide."""

from django.utils import timezone

from polis.core.actions import Action, Actions
from polis.practices import selectors
from polis.practices.models import Endorsement, Payment, Practice

S = Practice.Status
M = Practice.DeliveryMedium


def _ready_to_sign(practice: Practice, user) -> bool:
    """The pre-contractual documents are stored and delivered, or (no medium recorded) will be
    on the signing page itself."""
    if not selectors.disclosures_stored(practice):
        return False
    medium = practice.delivery.get("medium", "")
    return not medium or selectors.delivery_status(practice)["delivered_at"] is not None


def _renewable(practice: Practice, user) -> bool:
    """In the renewal window, no renewal on its way: a list's rows carry the answer
    (`selectors.with_renewable`), a single practice asks the database."""
    known = getattr(practice, "renewable", None)
    if known is not None:
        return known
    return selectors.renewable_practices(user).filter(pk=practice.pk).exists()


def _endorsable(practice: Practice, user) -> bool:
    return (
        practice.end_date > timezone.localdate()
        and not practice.endorsements.filter(status__in=Endorsement.OPEN).exists()
    )


ACTIONS = Actions(
    {
        # Emetti polizza: issued at once, or sent to the MGA's review
        "issue": Action("work_portfolio", to=S.ISSUED, sources={S.DRAFT}),
        "approve": Action("review_practices", to=S.ISSUED, sources={S.IN_REVIEW}),
        "decline": Action("review_practices", to=S.DECLINED),
        "request_information": Action("review_practices", to=S.INFO_REQUESTED),
        "answer_information": Action("work_portfolio", to=S.IN_REVIEW, sources={S.INFO_REQUESTED}),
        "needs": Action("work_portfolio", sources={S.DRAFT, S.INFO_REQUESTED}),
        "add_documents": Action("view_practices"),
        "prepare_disclosures": Action(
            "work_portfolio",
            sources={S.ISSUED},
            when=lambda p, u: not selectors.disclosures_stored(p),
        ),
        "resend_disclosures": Action(
            "work_portfolio",
            sources={S.ISSUED, S.SIGNING},
            when=lambda p, u: p.delivery.get("medium") in (M.EMAIL, M.LINK),
        ),
        "paper_delivery": Action(
            "work_portfolio",
            sources={S.ISSUED},
            when=lambda p, u: p.delivery.get("medium") == M.PAPER,
        ),
        "send_for_signature": Action("manage_signatures", to=S.SIGNING, when=_ready_to_sign),
        "record_payment": Action(
            "work_portfolio",
            sources={S.SIGNED, S.COMPLETED, S.IN_FORCE},
            when=lambda p, u: selectors.due_instalment(p) is not None,
        ),
        "renew": Action("work_portfolio", sources={S.IN_FORCE, S.EXPIRED}, when=_renewable),
        # Richiedi variazione: a signed policy in its period, no other variazione on its way
        "endorse": Action("work_portfolio", sources=selectors.ENDORSABLE, when=_endorsable),
        # Annulla pratica: before it is in force, once any payment is checked
        "cancel": Action(
            "view_practices", to=S.CANCELLED, when=lambda p, u: not selectors.payment_to_verify(p)
        ),
        "change_renewal": Action(
            "work_portfolio", sources={S.DRAFT}, when=lambda p, u: p.renewal_of_id is not None
        ),
    },
    acts_on=selectors.acts_on,
)

PAYMENT_ACTIONS = Actions(
    {
        "verify_payment": Action("review_practices", to=Payment.Status.VERIFIED),
        "reject_payment": Action("review_practices", to=Payment.Status.REJECTED),
    }
)


E = Endorsement.Status


def _premium_to_record(endorsement: Endorsement, user) -> bool:
    change = selectors.premium_change(endorsement)
    return change is not None and not change.refund and change.payment is None


def _refund_to_ask(endorsement: Endorsement, user) -> bool:
    change = selectors.premium_change(endorsement)
    return change is not None and change.refund and change.payout is None


ENDORSEMENT_ACTIONS = Actions(
    {
        # Conferma: the appendice issued at once, or the variazione sent to the MGA's review
        "confirm": Action("work_portfolio", to=E.TO_SIGN, sources={E.DRAFT}),
        "approve": Action("review_practices", to=E.TO_SIGN, sources={E.IN_REVIEW}),
        "refuse": Action("review_practices", to=E.REFUSED),
        "withdraw": Action("work_portfolio", to=E.WITHDRAWN),
        "send_for_signature": Action("manage_signatures", to=E.SIGNING),
        # The difference once effective: the additional premium paid, or the refund's IBAN
        "record_payment": Action("work_portfolio", sources={E.EFFECTIVE}, when=_premium_to_record),
        "request_refund": Action("work_portfolio", sources={E.EFFECTIVE}, when=_refund_to_ask),
    },
    acts_on=lambda user, endorsement: selectors.acts_on(user, endorsement.practice),
)


def allowed_actions(practice: Practice, user) -> frozenset[str]:
    """The actions `user` may take on `practice` now."""
    return ACTIONS.allowed(practice, user)
