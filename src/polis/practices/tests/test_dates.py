"""Issue #17 §2: the status follows the dates. A practice signed and paid before its start
date is perfezionata and in force only from that day (the daily job moves it, once); lists and
the dashboard say "decorre dal dd/mm"; APRI SINISTRO does not offer it before then."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from polis.claims.selectors import eligible_policies
from polis.ledger.models import LedgerEntry as Entry
from polis.practices import services
from polis.practices.models import Practice
from polis.practices.tasks import follow_practice_dates
from polis.practices.tests.factories import PracticeFactory
from polis.practices.tests.test_completion import pay

pytestmark = pytest.mark.django_db
S = Practice.Status


@pytest.fixture
def starts_later(collaborator_a):
    """Signed and paid, starting in 20 days."""
    start = timezone.localdate() + timedelta(days=20)
    practice = PracticeFactory(created_by=collaborator_a, effective_date=start)
    pay(collaborator_a, practice)
    practice.refresh_from_db()
    return practice


def test_paid_before_its_start_it_is_perfezionata_not_in_force(starts_later):
    # then
    assert starts_later.status == S.COMPLETED
    assert starts_later.in_force_at is None
    assert not Entry.objects.filter(type="practice.in_force").exists()


def test_paid_on_or_after_its_start_it_is_in_force_at_once(collaborator_a):
    # given
    practice = PracticeFactory(created_by=collaborator_a)
    # when
    pay(collaborator_a, practice)
    # then
    assert Practice.objects.get(pk=practice.pk).status == S.IN_FORCE


def test_the_daily_job_puts_it_in_force_on_its_start_date_once(starts_later):
    # when
    before = services.start_practices(today=starts_later.effective_date - timedelta(days=1))
    on_the_day = services.start_practices(today=starts_later.effective_date)
    again = services.start_practices(today=starts_later.effective_date)
    # then
    starts_later.refresh_from_db()
    assert (before, on_the_day, again) == (0, 1, 0)
    assert starts_later.status == S.IN_FORCE
    receipt = starts_later.payments.get().receipt
    assert Entry.objects.get(type="practice.in_force").sha256 == receipt.sha256


def test_the_dates_job_runs_after_midnight(settings, starts_later, collaborator_a):
    # given: one practice starting today, one that ended yesterday
    entry = settings.CELERY_BEAT_SCHEDULE["practice-dates"]
    Practice.objects.filter(pk=starts_later.pk).update(effective_date=timezone.localdate())
    ended = PracticeFactory(
        created_by=collaborator_a,
        status=S.IN_FORCE,
        effective_date=timezone.localdate() - timedelta(days=366),
        end_date=timezone.localdate() - timedelta(days=1),
    )
    # when
    result = follow_practice_dates.apply().get()
    # then
    assert entry["task"] == "polis.practices.tasks.follow_practice_dates"
    assert (entry["schedule"].hour, entry["schedule"].minute) == ({0}, {5})
    assert result == {"started": 1, "expired": 1}
    assert Practice.objects.get(pk=ended.pk).status == S.EXPIRED
    assert Practice.objects.get(pk=starts_later.pk).status == S.IN_FORCE


def test_a_rejected_payment_takes_it_back_to_signed(starts_later, operator):
    # when
    services.reject_payment(actor=operator, payment=starts_later.payments.get(), reason="No")
    # then
    assert Practice.objects.get(pk=starts_later.pk).status == S.SIGNED
    assert services.start_practices(today=starts_later.effective_date) == 0


def test_pages_say_decorre_dal(client_for, collaborator_a, starts_later):
    # given
    page = client_for(collaborator_a)
    says = f"decorre dal {starts_later.effective_date:%d/%m}"
    # when
    detail = page.get(reverse("practices:detail", args=[starts_later.pk])).content.decode()
    listed = page.get(reverse("practices:list")).content.decode()
    dashboard = page.get(reverse("web:dashboard")).content.decode()
    # then
    for shown in (detail, listed, dashboard):
        assert "Perfezionata" in shown
        assert says in shown
    assert f"decorre dal {starts_later.effective_date:%d/%m/%Y} ed è in vigore da quel" in detail
    assert "practice-in_force" not in listed


def test_apri_sinistro_does_not_offer_a_policy_not_yet_started(
    client_for, collaborator_a, starts_later
):
    # when
    offered = eligible_policies(collaborator_a)
    page = client_for(collaborator_a).get(reverse("claims:eligible_policies")).content.decode()
    opening = client_for(collaborator_a).get(reverse("claims:open", args=[starts_later.pk]))
    # then
    assert starts_later not in offered
    assert starts_later.policy_number not in page
    assert opening.status_code == 404
    # and from its start date it is offered
    services.start_practices(today=starts_later.effective_date)
    assert starts_later in eligible_policies(collaborator_a)
