"""Expiries: reminders at 60, 30 and 7 days, once per threshold; practices past their end expire."""

from datetime import date, timedelta

import pytest

from polis.notify.models import OutboundMessage
from polis.practices import services
from polis.practices.models import ExpiryReminder, Practice
from polis.practices.tasks import process_expiries
from polis.practices.tests.factories import PracticeFactory

pytestmark = pytest.mark.django_db
S = Practice.Status
END = date(2027, 3, 31)


def reminders(user):
    return list(
        OutboundMessage.objects.filter(recipient=user.email, subject__contains="in scadenza")
        .order_by("pk")
        .values_list("subject", flat=True)
    )


@pytest.fixture
def in_force(collaborator_a):
    return PracticeFactory(
        created_by=collaborator_a,
        status=S.IN_FORCE,
        effective_date=END - timedelta(days=365),
        end_date=END,
    )


def test_one_email_per_threshold_however_often_the_job_runs(collaborator_a, in_force):
    # given: the fake clock walks day by day through the last 90 days, the job runs twice a day
    day = END - timedelta(days=90)
    sent = []
    while day <= END:
        sent += [day] * services.send_expiry_reminders(today=day)
        services.send_expiry_reminders(today=day)
        day += timedelta(days=1)
    # then
    assert [(END - d).days for d in sent] == [60, 30, 7]
    assert reminders(collaborator_a) == [
        f"Polizza in scadenza tra {days} giorni: {in_force.policy_number}" for days in (60, 30, 7)
    ]
    assert sorted(in_force.expiry_reminders.values_list("days", flat=True)) == [7, 30, 60]


def test_after_missed_days_only_the_nearest_threshold_is_emailed(collaborator_a, in_force):
    # when: the first run happens 20 days before the end
    services.send_expiry_reminders(today=END - timedelta(days=20))
    services.send_expiry_reminders(today=END - timedelta(days=19))
    # then
    assert reminders(collaborator_a) == [
        f"Polizza in scadenza tra 20 giorni: {in_force.policy_number}"
    ]
    assert sorted(in_force.expiry_reminders.values_list("days", flat=True)) == [30, 60]


def test_no_reminder_once_a_renewal_is_on_its_way(collaborator_a, in_force):
    # given
    PracticeFactory(created_by=collaborator_a, status=S.DRAFT, renewal_of=in_force)
    # when
    services.send_expiry_reminders(today=END - timedelta(days=7))
    # then
    assert reminders(collaborator_a) == []


def test_an_abandoned_renewal_does_not_silence_the_reminder(collaborator_a, in_force):
    # given
    PracticeFactory(created_by=collaborator_a, status=S.CANCELLED, renewal_of=in_force)
    # when
    services.send_expiry_reminders(today=END - timedelta(days=7))
    # then
    assert len(reminders(collaborator_a)) == 1


@pytest.mark.parametrize("status", [S.SIGNED, S.RENEWED, S.EXPIRED, S.CANCELLED])
def test_only_practices_in_force_are_reminded(collaborator_a, status):
    # given
    PracticeFactory(created_by=collaborator_a, status=status, end_date=END)
    # when
    services.send_expiry_reminders(today=END - timedelta(days=7))
    # then
    assert not ExpiryReminder.objects.exists()


def test_practices_past_their_end_expire_once(in_force, collaborator_a):
    # given
    signed = PracticeFactory(created_by=collaborator_a, end_date=END - timedelta(days=10))
    # when
    on_the_day = services.expire_practices(today=END)
    after = services.expire_practices(today=END + timedelta(days=1))
    again = services.expire_practices(today=END + timedelta(days=1))
    # then
    in_force.refresh_from_db()
    signed.refresh_from_db()
    assert (on_the_day, after, again) == (0, 1, 0)
    assert (in_force.status, signed.status) == (S.EXPIRED, S.SIGNED)


def test_the_daily_job_is_scheduled_and_runs(settings, in_force):
    # given
    entry = settings.CELERY_BEAT_SCHEDULE["practice-expiries"]
    Practice.objects.filter(pk=in_force.pk).update(end_date=date(2020, 1, 1))
    # when
    result = process_expiries.apply().get()
    # then
    assert entry["task"] == "polis.practices.tasks.process_expiries"
    assert result == {"reminders": 0, "expired": 1}
