"""RINNOVA PRATICA: a draft for the next period re-rated with the tariff valid then; when it
comes into force the old practice is renewed."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from polis.catalog.models import TariffVersion
from polis.catalog.services import price
from polis.core.errors import DomainError, InvalidTransition, PermissionDenied
from polis.devdata.catalog import DEMO_TARIFFS
from polis.practices import services
from polis.practices.models import Practice
from polis.practices.services._common import _guard
from polis.practices.tests.factories import PracticeFactory
from polis.practices.tests.test_completion import pay

pytestmark = pytest.mark.django_db
S = Practice.Status


def expiring(user, days=20, **fields):
    end = timezone.localdate() + timedelta(days=days)
    return PracticeFactory(
        created_by=user,
        status=fields.pop("status", S.IN_FORCE),
        effective_date=end - timedelta(days=365),
        end_date=end,
        **fields,
    )


def next_year_tariff(product, valid_from):
    """A tariff from `valid_from` with the tax rate at 25%."""
    return TariffVersion.objects.create(
        product=product,
        version="2027-01",
        valid_from=valid_from,
        document={**DEMO_TARIFFS["RCP"], "version": "2027-01", "tax_rate": "0.25"},
    )


def test_the_renewal_is_a_draft_for_the_next_period_with_the_tariff_valid_then(collaborator_a):
    # given
    old = expiring(collaborator_a)
    tariff = next_year_tariff(old.product, valid_from=old.end_date)
    # when
    renewal = services.renew_practice(actor=collaborator_a, practice=old)
    # then
    assert renewal.status == S.DRAFT
    assert renewal.renewal_of == old
    assert (renewal.client, renewal.product, renewal.answers) == (
        old.client,
        old.product,
        old.answers,
    )
    assert renewal.effective_date == old.end_date
    assert renewal.end_date == old.end_date.replace(year=old.end_date.year + 1)
    assert renewal.tariff == tariff
    assert TariffVersion.objects.get(pk=tariff.pk).in_use
    assert (renewal.net, renewal.tax, renewal.gross) == (
        Decimal("689.85"),
        Decimal("172.46"),
        Decimal("862.31"),
    )
    old.refresh_from_db()
    assert old.status == S.IN_FORCE


def test_when_the_renewal_is_perfezionata_the_old_practice_is_renewed(collaborator_a, operator):
    # given
    old = expiring(collaborator_a)
    renewal = services.renew_practice(actor=collaborator_a, practice=old)
    Practice.objects.filter(pk=renewal.pk).update(status=S.SIGNED)  # the signature flow
    # when
    payment = pay(collaborator_a, renewal, amount=renewal.instalments[0])
    # then: the renewal starts on the old end date, ahead: perfezionata until then
    old.refresh_from_db()
    renewal.refresh_from_db()
    assert (old.status, renewal.status) == (S.RENEWED, S.COMPLETED)
    # and a rejected payment undoes both
    services.reject_payment(actor=operator, payment=payment, reason="Non pervenuto")
    old.refresh_from_db()
    renewal.refresh_from_db()
    assert (old.status, renewal.status) == (S.IN_FORCE, S.SIGNED)


def test_a_recently_expired_practice_can_be_renewed_and_becomes_renewed(collaborator_a, operator):
    # given
    old = expiring(collaborator_a, days=-10, status=S.EXPIRED)
    # when
    renewal = services.renew_practice(actor=collaborator_a, practice=old)
    Practice.objects.filter(pk=renewal.pk).update(status=S.SIGNED)
    payment = pay(collaborator_a, renewal, amount=renewal.instalments[0])
    # then
    old.refresh_from_db()
    assert old.status == S.RENEWED
    services.reject_payment(actor=operator, payment=payment, reason="Non pervenuto")
    old.refresh_from_db()
    assert old.status == S.EXPIRED


def test_one_live_renewal_at_a_time(collaborator_a):
    # given
    old = expiring(collaborator_a)
    first = services.renew_practice(actor=collaborator_a, practice=old)
    # when / then
    with pytest.raises(DomainError, match="già un rinnovo"):
        services.renew_practice(actor=collaborator_a, practice=old)
    Practice.objects.filter(pk=first.pk).update(status=S.CANCELLED)
    assert services.renew_practice(actor=collaborator_a, practice=old).renewal_of == old


@pytest.mark.parametrize(
    ("days", "status", "error"),
    [
        (200, S.IN_FORCE, "ultimi 90 giorni"),
        (-61, S.EXPIRED, "troppo tempo"),
        (20, S.SIGNED, "in vigore o scadute"),
        (20, S.RENEWED, "in vigore o scadute"),
        (20, S.DRAFT, "in vigore o scadute"),
    ],
)
def test_what_cannot_be_renewed(collaborator_a, days, status, error):
    # given
    old = expiring(collaborator_a, days=days, status=status)
    # when / then
    with pytest.raises(DomainError, match=error):
        services.renew_practice(actor=collaborator_a, practice=old)
    assert not Practice.objects.filter(renewal_of=old).exists()


def test_only_the_firm_renews_its_practices(collaborator_b, operator, collaborator_a):
    # given
    old = expiring(collaborator_a)
    # when / then
    with pytest.raises(PermissionDenied):
        services.renew_practice(actor=collaborator_b, practice=old)
    with pytest.raises(PermissionDenied):
        services.renew_practice(actor=operator, practice=old)


def test_a_product_no_longer_sold_cannot_be_renewed(collaborator_a):
    # given
    old = expiring(collaborator_a)
    old.product.active = False
    old.product.save()
    # when / then
    with pytest.raises(DomainError, match="non è più in vendita"):
        services.renew_practice(actor=collaborator_a, practice=old)


def test_transitions_allowed_and_forbidden():
    # then: the lifecycle after signature (DESIGN §3)
    table = services.TRANSITIONS
    assert table[S.SIGNED] >= {S.IN_FORCE}
    assert S.IN_FORCE not in table[S.ISSUED]
    assert table[S.IN_FORCE] == {S.RENEWED, S.EXPIRED, S.SIGNED}
    assert table[S.EXPIRED] == {S.RENEWED}
    for final in (S.DECLINED, S.CANCELLED):
        assert table[final] == set()
    with pytest.raises(InvalidTransition):
        _guard(Practice(status=S.ISSUED), S.IN_FORCE)


def test_a_renewal_obeys_the_product_rules_of_the_tariff_valid_then(collaborator_a):
    # given a lawyer's policy written with 5 years of retroactivity, before the rules
    old = expiring(collaborator_a)
    old.answers = {**old.answers, "professional_class": "LEG", "retroactivity": "5"}
    old.save(update_fields=["answers"])
    # when / then: the renewal is refused with the reason, and nothing is created
    with pytest.raises(DomainError, match="retroattività è illimitata"):
        services.renew_practice(actor=collaborator_a, practice=old)
    assert not old.renewals.exists()


def test_at_renewal_the_questionnaire_changes_and_the_difference_shows(client_for, collaborator_a):
    # given: an architect's renewal, now with a higher limit, a lower deductible, more turnover
    old = expiring(collaborator_a)
    renewal = services.renew_practice(actor=collaborator_a, practice=old)
    page = client_for(collaborator_a)
    changed = {
        **old.answers,
        "limit": "1000000",
        "deductible": "1000",
        "turnover_band": "F3",
    }
    # when
    page.post(reverse("practices:change_renewal", args=[renewal.pk]), changed)
    # then: re-rated with the renewal's tariff, the difference and the changes shown
    renewal.refresh_from_db()
    expected = price(product=old.product, on=renewal.effective_date, answers=changed)[1]
    assert renewal.answers.items() >= changed.items()
    assert (renewal.gross, renewal.net) == (expected.gross, expected.net)
    assert renewal.premium_difference == expected.gross - old.gross > 0
    shown = page.get(reverse("practices:detail", args=[renewal.pk])).content.decode()
    assert f"+ € {renewal.premium_difference:.2f}".replace(".", ",") in shown
    assert "Massimale: € 500.000 → <strong>€ 1.000.000</strong>" in shown
    assert "Franchigia: € 2.500 → <strong>€ 1.000</strong>" in shown
    assert "Fatturato dell&#x27;ultimo esercizio: € 30.000 – 70.000" in shown
    assert "Sinistri o circostanze" not in shown.split("renewal-changes")[1].split("</ul>")[0]


def test_a_renewal_answer_the_tariff_cannot_price_changes_nothing(collaborator_a):
    # given
    renewal = services.renew_practice(actor=collaborator_a, practice=expiring(collaborator_a))
    before = (renewal.answers, renewal.gross)
    # when / then: a limit the tariff refers to the MGA
    with pytest.raises(DomainError, match="preventivo personalizzato"):
        services.change_renewal_answers(
            actor=collaborator_a,
            practice=renewal,
            answers={**renewal.answers, "limit": "3000000"},
        )
    renewal.refresh_from_db()
    assert (renewal.answers, renewal.gross) == before


def test_only_a_renewal_not_yet_issued_changes_its_answers(collaborator_a, collaborator_b):
    # given
    old = expiring(collaborator_a)
    renewal = services.renew_practice(actor=collaborator_a, practice=old)
    # when / then
    with pytest.raises(InvalidTransition):
        services.change_renewal_answers(actor=collaborator_a, practice=old, answers=old.answers)
    with pytest.raises(PermissionDenied):
        services.change_renewal_answers(
            actor=collaborator_b, practice=renewal, answers=renewal.answers
        )
