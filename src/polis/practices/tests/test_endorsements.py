"""Variazioni di polizza: the pro rata difference (to pay or to refund), the versions in force by
date, the review beyond the automatic limits, the appendice signed by FEA, who may ask."""

from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from conftest import login_verified
from polis.catalog.rating import load_tariff, pro_rata
from polis.core.errors import DomainError, InvalidTransition, PermissionDenied
from polis.devdata.catalog import ARCHITECT_EXAMPLE
from polis.devdata.signing import link_token, sign_as_client
from polis.ledger.models import LedgerEntry
from polis.practices import services
from polis.practices.actions import ENDORSEMENT_ACTIONS
from polis.practices.models import Endorsement, Practice
from polis.practices.selectors import practice_versions, version_in_force
from polis.practices.tests.factories import issued_practice, signed_practice, stored_pdf
from polis.practices.tests.test_actions import _accepted
from polis.quotes.tests.factories import demo_product
from polis.signatures.tests.support import VISIT

pytestmark = pytest.mark.django_db
E = Endorsement.Status
# The architect of the products brief: franchigia 2.500 € (× 0,92), 689,85 € net a year.
LOWER_DEDUCTIBLE = {**ARCHITECT_EXAMPLE, "deductible": "1000"}  # × 1,00: 749,84 € net
HIGHER_LIMIT = {**ARCHITECT_EXAMPLE, "limit": "1000000"}  # × 1,85: +32 % on the premium
LOWER_LIMIT = {**ARCHITECT_EXAMPLE, "limit": "250000"}  # × 1,00: a refund


def _policy(collaborator, *, started_days_ago=100, **fields) -> Practice:
    start = timezone.localdate() - timedelta(days=started_days_ago)
    return signed_practice(
        collaborator,
        effective_date=start,
        end_date=start + timedelta(days=365),
        status=Practice.Status.IN_FORCE,
        **fields,
    )


def _request(collaborator, practice, answers, on=None, **extra) -> Endorsement:
    return services.request_endorsement(
        actor=collaborator,
        practice=practice,
        answers=answers,
        effective_date=on or timezone.localdate(),
        **extra,
    )


# --- The rule: pro rata temporis -------------------------------------------------------------

TARIFF = st.builds(
    lambda tax, commission: load_tariff(
        {
            "product": "X",
            "version": "1",
            "tax_rate": str(tax),
            "commission_rate": str(commission),
            "components": [{"kind": "lookup", "label": "Base", "keys": ["k"], "table": {"a": "1"}}],
        }
    ),
    st.sampled_from([Decimal("0.2225"), Decimal("0.125"), Decimal("0.025")]),
    st.sampled_from([Decimal("0.15"), Decimal("0.2")]),
)
NET = st.decimals(min_value=0, max_value=100_000, places=2)


@given(tariff=TARIFF, old=NET, new=NET, period=st.integers(1, 1100), data=st.data())
def test_the_difference_follows_the_change_and_shrinks_with_the_days_left(
    tariff, old, new, period, data
):
    left = data.draw(st.integers(0, period))
    diff = pro_rata(tariff, old_net=old, new_net=new, days_left=left, days_in_period=period)
    # the sign follows the change (an increase is paid, a decrease refunded), never the other way
    assert diff.net * (new - old) >= 0
    assert diff.gross * (new - old) >= 0
    assert abs(diff.net) <= abs(new - old)
    assert diff.gross == diff.net + diff.tax
    # taxed like a premium: half-up to the cent (0,04 € × 12,5 % = 0,005 → 0,01)
    assert diff.tax == (diff.net * tariff.tax_rate).quantize(Decimal("0.01"), ROUND_HALF_UP)
    # at the period's end nothing is left; at its start the whole annual difference
    end = pro_rata(tariff, old_net=old, new_net=new, days_left=0, days_in_period=period)
    assert end.gross == 0
    start = pro_rata(tariff, old_net=old, new_net=new, days_left=period, days_in_period=period)
    assert start.net == new - old


def test_no_days_outside_the_period():
    tariff = load_tariff(demo_product("RCP").tariffs.get().document)
    with pytest.raises(ValueError, match="within the period"):
        pro_rata(tariff, old_net=Decimal(1), new_net=Decimal(2), days_left=366, days_in_period=365)


# --- Request: the difference shown before confirming -----------------------------------------


def test_a_lower_deductible_costs_the_annual_difference_for_the_days_left(collaborator_a):
    practice = _policy(collaborator_a)  # 265 of 365 days left from today
    endorsement = _request(collaborator_a, practice, LOWER_DEDUCTIBLE, note="Franchigia più bassa")

    assert endorsement.status == E.DRAFT
    assert (endorsement.previous_net, endorsement.net) == (Decimal("689.85"), Decimal("749.84"))
    # 59,99 × 265 / 365 = 43,5542 → 43,55; tax 22,25 % = 9,69
    assert endorsement.difference_net == Decimal("43.55")
    assert endorsement.difference_tax == Decimal("9.69")
    assert endorsement.difference_gross == Decimal("53.24")
    assert not endorsement.to_refund


def test_a_lower_limit_is_refunded(collaborator_a):
    practice = _policy(collaborator_a)
    endorsement = _request(collaborator_a, practice, LOWER_LIMIT)
    assert endorsement.difference_gross < 0
    assert endorsement.to_refund


def test_priced_with_the_tariff_of_the_issue(collaborator_a):
    practice = _policy(collaborator_a)
    product = practice.product
    newer = product.tariffs.get()
    newer.pk, newer.version, newer.valid_from = (
        None,
        "2026-NEW",
        timezone.localdate() - timedelta(days=1),
    )
    newer.document = {**newer.document, "version": "2026-NEW", "tax_rate": "0.5"}
    newer.save()
    endorsement = _request(collaborator_a, practice, LOWER_DEDUCTIBLE)
    assert endorsement.difference_tax == Decimal("9.69")  # 22,25 %, not the newer 50 %


def test_the_effective_date_lies_within_the_period(collaborator_a):
    practice = _policy(collaborator_a)
    for day in (practice.effective_date - timedelta(days=1), practice.end_date):
        with pytest.raises(DomainError) as refused:
            _request(collaborator_a, practice, LOWER_DEDUCTIBLE, on=day)
        assert refused.value.field == "effective_date"


def test_same_answers_or_a_second_open_change_are_refused(collaborator_a):
    practice = _policy(collaborator_a)
    with pytest.raises(DomainError):
        _request(collaborator_a, practice, dict(ARCHITECT_EXAMPLE))
    _request(collaborator_a, practice, LOWER_DEDUCTIBLE)
    with pytest.raises(DomainError):
        _request(collaborator_a, practice, LOWER_LIMIT)


def test_only_a_signed_policy_in_its_period(collaborator_a):
    practice = issued_practice(collaborator_a)  # its contract not signed yet
    with pytest.raises(InvalidTransition):
        _request(collaborator_a, practice, LOWER_DEDUCTIBLE)


def test_firm_b_cannot_endorse_firm_a_policy(client, collaborator_a, collaborator_b):
    practice = _policy(collaborator_a)
    with pytest.raises(PermissionDenied):
        _request(collaborator_b, practice, LOWER_DEDUCTIBLE)
    endorsement = _request(collaborator_a, practice, LOWER_DEDUCTIBLE)
    with pytest.raises(PermissionDenied):
        services.confirm_endorsement(actor=collaborator_b, endorsement=endorsement)
    client.force_login(collaborator_b)
    assert client.get(reverse("practices:endorse", args=[practice.pk])).status_code == 404
    assert client.get(reverse("practices:endorsement", args=[endorsement.pk])).status_code == 404


# --- Review routing ---------------------------------------------------------------------------


def test_within_the_limits_the_appendice_is_issued_and_registered(collaborator_a):
    practice = _policy(collaborator_a)
    endorsement = _request(collaborator_a, practice, LOWER_DEDUCTIBLE)
    endorsement = services.confirm_endorsement(actor=collaborator_a, endorsement=endorsement)

    assert endorsement.status == E.TO_SIGN
    assert endorsement.appendix.content_type == "application/pdf"
    entry = LedgerEntry.objects.get(type="endorsement.issued")
    assert entry.ref == str(endorsement.uuid)
    assert entry.sha256 == endorsement.appendix.sha256


def test_beyond_the_product_limit_it_waits_for_the_mga(collaborator_a, operator, mailoutbox):
    practice = _policy(collaborator_a)
    endorsement = _request(collaborator_a, practice, HIGHER_LIMIT)
    endorsement = services.confirm_endorsement(actor=collaborator_a, endorsement=endorsement)

    assert endorsement.status == E.IN_REVIEW
    assert endorsement.appendix is None
    assert "oltre il 30 %" in endorsement.review_reason
    with pytest.raises(PermissionDenied):
        services.approve_endorsement(actor=collaborator_a, endorsement=endorsement)
    approved = services.approve_endorsement(actor=operator, endorsement=endorsement)
    assert approved.status == E.TO_SIGN
    assert approved.appendix is not None


def test_a_looser_product_limit_issues_it_at_once(collaborator_a):
    practice = _policy(collaborator_a)
    practice.product.endorsement_max_increase = Decimal(50)
    practice.product.save()
    endorsement = _request(collaborator_a, practice, HIGHER_LIMIT)
    endorsement = services.confirm_endorsement(actor=collaborator_a, endorsement=endorsement)
    assert endorsement.status == E.TO_SIGN


def test_the_operator_refuses_with_a_reason(collaborator_a, operator):
    endorsement = _request(collaborator_a, _policy(collaborator_a), HIGHER_LIMIT)
    endorsement = services.confirm_endorsement(actor=collaborator_a, endorsement=endorsement)
    with pytest.raises(DomainError):
        services.refuse_endorsement(actor=operator, endorsement=endorsement, reason=" ")
    refused = services.refuse_endorsement(
        actor=operator, endorsement=endorsement, reason="Massimale fuori assunzione"
    )
    assert refused.status == E.REFUSED
    assert refused.refusal_reason == "Massimale fuori assunzione"
    # the practice can be changed again
    assert _request(collaborator_a, refused.practice, LOWER_DEDUCTIBLE).number == 2


def test_a_past_effective_date_needs_the_operator(collaborator_a, operator):
    practice = _policy(collaborator_a)
    endorsement = _request(
        collaborator_a, practice, LOWER_DEDUCTIBLE, on=timezone.localdate() - timedelta(days=10)
    )
    endorsement = services.confirm_endorsement(actor=collaborator_a, endorsement=endorsement)
    assert endorsement.status == E.IN_REVIEW
    assert "Data di effetto nel passato" in endorsement.review_reason


# --- Signature: the appendice makes the change effective ------------------------------------


def _effective(collaborator, practice, answers, on=None) -> Endorsement:
    endorsement = _request(collaborator, practice, answers, on=on)
    practice.product.endorsement_max_increase = Decimal(100)
    practice.product.save()
    endorsement = services.confirm_endorsement(actor=collaborator, endorsement=endorsement)
    services.send_endorsement_for_signature(actor=collaborator, endorsement=endorsement)
    sign_as_client(link_token(practice.client.email), practice.client.mobile, VISIT)
    endorsement.refresh_from_db()
    return endorsement


def test_signing_the_appendice_makes_it_effective(collaborator_a):
    practice = _policy(collaborator_a)
    endorsement = _effective(collaborator_a, practice, LOWER_DEDUCTIBLE)

    assert endorsement.status == E.EFFECTIVE
    assert endorsement.signed_appendix is not None
    assert endorsement.signature_report is not None
    assert LedgerEntry.objects.filter(type="endorsement.signed").count() == 1
    assert LedgerEntry.objects.filter(type="endorsement.evidence").count() == 1


def test_the_versions_in_force_by_date(collaborator_a):
    practice = _policy(collaborator_a)
    change_day = timezone.localdate() + timedelta(days=5)
    endorsement = _effective(collaborator_a, practice, HIGHER_LIMIT, on=change_day)

    versions = practice_versions(practice)
    assert [(v.number, v.start, v.end) for v in versions] == [
        (1, practice.effective_date, change_day - timedelta(days=1)),
        (2, change_day, practice.end_date),
    ]
    assert version_in_force(practice, change_day - timedelta(days=1)).answers["limit"] == "500000"
    assert version_in_force(practice, change_day).answers["limit"] == "1000000"
    assert version_in_force(practice, practice.end_date).endorsement == endorsement
    # the next change starts from the version the first one made
    second = _request(collaborator_a, practice, LOWER_LIMIT, on=change_day + timedelta(days=1))
    assert second.previous_answers["limit"] == "1000000"
    assert second.previous_gross == endorsement.gross


def test_the_renewal_starts_from_the_latest_version(collaborator_a):
    practice = _policy(collaborator_a, started_days_ago=330)
    _effective(collaborator_a, practice, HIGHER_LIMIT)
    renewal = services.renew_practice(actor=collaborator_a, practice=practice)
    assert renewal.answers["limit"] == "1000000"


# --- Pages ------------------------------------------------------------------------------------


def test_the_agency_requests_sees_the_difference_and_confirms(client, collaborator_a):
    practice = _policy(collaborator_a)
    client.force_login(collaborator_a)
    detail = client.get(reverse("practices:detail", args=[practice.pk]))
    assert "Richiedi variazione" in detail.content.decode()

    form = client.get(reverse("practices:endorse", args=[practice.pk]))
    assert form.status_code == 200
    posted = client.post(
        reverse("practices:endorse", args=[practice.pk]),
        {**LOWER_DEDUCTIBLE, "effective_date": timezone.localdate().isoformat(), "note": ""},
        follow=True,
    )
    page = posted.content.decode()
    assert "da pagare € 53,24" in page
    assert "Conferma la variazione" in page
    endorsement = practice.endorsements.get()
    confirmed = client.post(
        reverse("practices:endorsement_confirm", args=[endorsement.pk]), follow=True
    )
    assert "Appendice di variazione emessa" in confirmed.content.decode()
    # the practice no longer offers a second change while this one is open
    assert (
        "Richiedi variazione"
        not in client.get(reverse("practices:detail", args=[practice.pk])).content.decode()
    )


def test_the_operator_queue_lists_what_waits(client, collaborator_a, operator):
    endorsement = _request(collaborator_a, _policy(collaborator_a), HIGHER_LIMIT)
    services.confirm_endorsement(actor=collaborator_a, endorsement=endorsement)
    login_verified(client, operator)
    page = client.get(reverse("practices:endorsement_queue")).content.decode()
    assert endorsement.practice.policy_number in page
    assert "Approva" in page


# --- Actions: offered exactly when the service accepts them ---------------------------------

ENDORSEMENT_CALLS = {
    "confirm": lambda u, e: services.confirm_endorsement(actor=u, endorsement=e),
    "approve": lambda u, e: services.approve_endorsement(actor=u, endorsement=e),
    "refuse": lambda u, e: services.refuse_endorsement(actor=u, endorsement=e, reason="No"),
    "withdraw": lambda u, e: services.withdraw_endorsement(actor=u, endorsement=e),
    "send_for_signature": lambda u, e: services.send_endorsement_for_signature(
        actor=u, endorsement=e
    ),
}


@pytest.mark.parametrize("status", E.values)
def test_an_endorsement_action_is_offered_exactly_when_the_service_accepts_it(
    status, collaborator_a, collaborator_b, operator, adjuster, admin_user
):
    # given a variazione of firm A in `status`, its appendice issued
    endorsement = _request(collaborator_a, _policy(collaborator_a), LOWER_DEDUCTIBLE)
    Endorsement.objects.filter(pk=endorsement.pk).update(
        status=status, appendix=stored_pdf("appendice.pdf")
    )
    users = (collaborator_a, collaborator_b, operator, adjuster, admin_user)
    # when
    offered, accepted = {}, {}
    for user in users:
        allowed = ENDORSEMENT_ACTIONS.allowed(Endorsement.objects.get(pk=endorsement.pk), user)
        for action, call in ENDORSEMENT_CALLS.items():
            offered[user.email, action] = action in allowed
            accepted[user.email, action] = _accepted(
                lambda call=call, user=user: call(user, Endorsement.objects.get(pk=endorsement.pk))
            )
    # then
    assert offered == accepted


def test_the_tax_on_half_a_cent_rounds_up():
    tariff = load_tariff(demo_product("RCP").tariffs.get().document).model_copy(
        update={"tax_rate": Decimal("0.125")}
    )
    diff = pro_rata(
        tariff, old_net=Decimal(0), new_net=Decimal("0.04"), days_left=1, days_in_period=1
    )
    assert (diff.net, diff.tax, diff.gross) == (Decimal("0.04"), Decimal("0.01"), Decimal("0.05"))
