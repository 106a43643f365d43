"""Expiries: one digest per collaborator of the practices reaching 60, 30 or 7 days, each once
per threshold; practices past their end expire."""

import re
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from polis.accounts.tests.factories import UserFactory
from polis.audit.models import AuditEvent
from polis.notify.models import OutboundMessage
from polis.practices import services
from polis.practices.models import ExpiryReminder, Practice
from polis.practices.services import renewals
from polis.practices.tasks import process_expiries
from polis.practices.tests.factories import PracticeFactory

pytestmark = pytest.mark.django_db
S = Practice.Status
END = date(2027, 3, 31)


ROW = re.compile(r"^- \d\d/\d\d/\d{4} \((.+?)\) · (\S+) ·", re.MULTILINE)


def digests(user) -> list[list[tuple[str, str]]]:
    """The expiry digests e-mailed to `user`, oldest first, each as its rows (policy, when)."""
    messages = OutboundMessage.objects.filter(
        recipient=user.email, subject__startswith="Pratiche in scadenza"
    ).order_by("pk")
    return [[(policy, when) for when, policy in ROW.findall(m.body_text)] for m in messages]


def ending(user, *days_left: int, today: date = END) -> list[Practice]:
    """Practices of `user` in force, ending `days_left` days after `today`."""
    return [
        PracticeFactory(
            created_by=user,
            status=S.IN_FORCE,
            effective_date=today + timedelta(days=days - 365),
            end_date=today + timedelta(days=days),
        )
        for days in days_left
    ]


@pytest.fixture
def in_force(collaborator_a):
    return ending(collaborator_a, 0)[0]


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
    assert digests(collaborator_a) == [
        [(in_force.policy_number, f"tra {days} giorni")] for days in (60, 30, 7)
    ]
    assert sorted(in_force.expiry_reminders.values_list("days", flat=True)) == [7, 30, 60]


def test_after_missed_days_only_the_nearest_threshold_is_emailed(collaborator_a, in_force):
    # when: the first run happens 20 days before the end
    services.send_expiry_reminders(today=END - timedelta(days=20))
    services.send_expiry_reminders(today=END - timedelta(days=19))
    # then
    assert digests(collaborator_a) == [[(in_force.policy_number, "tra 20 giorni")]]
    assert sorted(in_force.expiry_reminders.values_list("days", flat=True)) == [30, 60]


def test_one_digest_lists_all_the_expiring_practices_by_end_date(collaborator_a):
    # given: a catch-up run (nothing reminded yet), practices out of order, one too far away
    late, soon, today, middle = ending(collaborator_a, 45, 5, 0, 20)
    ending(collaborator_a, 61)
    # when
    reminded = services.send_expiry_reminders(today=END)
    # then
    assert reminded == 4
    assert digests(collaborator_a) == [
        [
            (today.policy_number, "oggi"),
            (soon.policy_number, "tra 5 giorni"),
            (middle.policy_number, "tra 20 giorni"),
            (late.policy_number, "tra 45 giorni"),
        ]
    ]


def test_the_digest_shows_each_practice_and_links_without_personal_data(settings, collaborator_a):
    # given
    settings.SITE_URL = "https://polis.example.it/"
    first, second = ending(collaborator_a, 7, 40)
    # when
    services.send_expiry_reminders(today=END)
    # then
    email = OutboundMessage.objects.get(recipient=collaborator_a.email)
    assert email.subject == "Pratiche in scadenza: 2 polizze da rinnovare"
    html = email.body_html
    for practice in (first, second):
        assert practice.client.display_name in html
        assert practice.product.name in html
        assert practice.end_date.strftime("%d/%m/%Y") in html
    *links, unsubscribe = re.findall(r'href="([^"]+)"', html)
    assert links == [
        f"https://polis.example.it/pratiche/{first.pk}/",
        f"https://polis.example.it/pratiche/{second.pk}/",
        "https://polis.example.it/pratiche/in-scadenza/?giorni=60",
    ]
    # every e-mail's footer: the signed link names the message, not the person
    assert unsubscribe.startswith("https://polis.example.it/privacy/disiscrizione/")
    assert collaborator_a.email not in unsubscribe
    assert "https://polis.example.it/pratiche/in-scadenza/?giorni=60" in email.body_text


def test_a_long_digest_lists_the_nearest_and_counts_all(monkeypatch, collaborator_a):
    # given
    monkeypatch.setattr(renewals, "EXPIRY_DIGEST_ROWS", 2)
    far, near, nearest = ending(collaborator_a, 50, 20, 10)
    # when
    services.send_expiry_reminders(today=END)
    # then
    email = OutboundMessage.objects.get(recipient=collaborator_a.email)
    assert email.subject == "Pratiche in scadenza: 3 polizze da rinnovare"
    assert digests(collaborator_a) == [
        [(nearest.policy_number, "tra 10 giorni"), (near.policy_number, "tra 20 giorni")]
    ]
    assert "L'elenco mostra le prime 2." in email.body_text
    assert sorted(ExpiryReminder.objects.values_list("practice", flat=True).distinct()) == sorted(
        p.pk for p in (far, near, nearest)
    )


def test_each_collaborator_gets_a_digest_of_their_own_practices(
    collaborator_a, collaborator_b, firm_a
):
    # given: a colleague in the same firm and a collaborator of another firm
    colleague = UserFactory(firm=firm_a)
    (mine,) = ending(collaborator_a, 10)
    (theirs,) = ending(colleague, 12)
    (other_firm,) = ending(collaborator_b, 14)
    # when
    services.send_expiry_reminders(today=END)
    # then
    assert digests(collaborator_a) == [[(mine.policy_number, "tra 10 giorni")]]
    assert digests(colleague) == [[(theirs.policy_number, "tra 12 giorni")]]
    assert digests(collaborator_b) == [[(other_firm.policy_number, "tra 14 giorni")]]


def test_a_rerun_sends_nothing(collaborator_a, collaborator_b):
    # given
    ending(collaborator_a, 10, 40)
    ending(collaborator_b, 3)
    services.send_expiry_reminders(today=END)
    # when
    again = services.send_expiry_reminders(today=END)
    next_day = services.send_expiry_reminders(today=END + timedelta(days=1))
    # then
    assert (again, next_day) == (0, 0)
    assert OutboundMessage.objects.count() == 2


def test_a_later_threshold_sends_a_digest_of_only_the_newly_due(collaborator_a):
    # given: reminded at 60 days (A, 40 days left) and at 30 days (B, 25 days left)
    a, b = ending(collaborator_a, 40, 25)
    services.send_expiry_reminders(today=END)
    # when: ten days later A reaches 30 days; B reaches 7 days eight days after that
    services.send_expiry_reminders(today=END + timedelta(days=10))
    services.send_expiry_reminders(today=END + timedelta(days=18))
    # then
    assert digests(collaborator_a) == [
        [(b.policy_number, "tra 25 giorni"), (a.policy_number, "tra 40 giorni")],
        [(a.policy_number, "tra 30 giorni")],
        [(b.policy_number, "tra 7 giorni")],
    ]


def test_practices_of_an_inactive_author_go_to_the_firms_active_users(collaborator_a, firm_a):
    # given: a colleague who left, another one still active (and one who left long ago)
    former = UserFactory(firm=firm_a)
    colleague = UserFactory(firm=firm_a)
    gone = UserFactory(firm=firm_a, is_active=False)
    (orphan,) = ending(former, 20)
    (own,) = ending(collaborator_a, 8)
    former.is_active = False
    former.save(update_fields=["is_active"])
    # when
    services.send_expiry_reminders(today=END)
    # then
    assert digests(collaborator_a) == [
        [(own.policy_number, "tra 8 giorni"), (orphan.policy_number, "tra 20 giorni")]
    ]
    assert digests(colleague) == [[(orphan.policy_number, "tra 20 giorni")]]
    assert digests(former) == digests(gone) == []


def test_a_collaborators_practices_in_several_chunks_make_one_digest(collaborator_a):
    # given
    three, two, one = ending(collaborator_a, 3, 2, 1)
    # when
    reminded = services.send_expiry_reminders(today=END, chunk=2)
    # then
    assert reminded == 3
    assert digests(collaborator_a) == [
        [
            (one.policy_number, "domani"),
            (two.policy_number, "tra 2 giorni"),
            (three.policy_number, "tra 3 giorni"),
        ]
    ]


def test_the_queries_do_not_grow_with_the_practices(collaborator_a, collaborator_b):
    # given: one practice of one collaborator, then six of each of two
    ending(collaborator_a, 10)
    with CaptureQueriesContext(connection) as one:
        services.send_expiry_reminders(today=END)
    ending(collaborator_a, 10, 11, 12, 13, 14, 15)
    ending(collaborator_b, 10, 11, 12, 13, 14, 15)
    # when
    with CaptureQueriesContext(connection) as twelve:
        services.send_expiry_reminders(today=END)
    # then: the same queries (the two digests are one INSERT)
    assert len(twelve) == len(one)


def test_a_failure_loses_nothing(monkeypatch, collaborator_a, collaborator_b):
    # given: queuing the second firm's digest fails
    (a,) = ending(collaborator_a, 10)
    (b,) = ending(collaborator_b, 10)
    queue_emails = renewals.queue_emails

    def failing_for_b(emails):
        if any(email["to"] == collaborator_b.email for email in emails):
            raise ConnectionError
        return queue_emails(emails)

    monkeypatch.setattr(renewals, "queue_emails", failing_for_b)
    with pytest.raises(ConnectionError):
        services.send_expiry_reminders(today=END, chunk=1)
    assert list(ExpiryReminder.objects.values_list("practice", flat=True).distinct()) == [a.pk]
    # when: the next run
    monkeypatch.setattr(renewals, "queue_emails", queue_emails)
    services.send_expiry_reminders(today=END)
    # then
    assert digests(collaborator_a) == [[(a.policy_number, "tra 10 giorni")]]
    assert digests(collaborator_b) == [[(b.policy_number, "tra 10 giorni")]]


def test_no_reminder_once_a_renewal_is_on_its_way(collaborator_a, in_force):
    # given
    PracticeFactory(created_by=collaborator_a, status=S.DRAFT, renewal_of=in_force)
    # when
    services.send_expiry_reminders(today=END - timedelta(days=7))
    # then
    assert digests(collaborator_a) == []


def test_an_abandoned_renewal_does_not_silence_the_reminder(collaborator_a, in_force):
    # given
    PracticeFactory(created_by=collaborator_a, status=S.CANCELLED, renewal_of=in_force)
    # when
    services.send_expiry_reminders(today=END - timedelta(days=7))
    # then
    assert digests(collaborator_a) == [[(in_force.policy_number, "tra 7 giorni")]]


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


def test_an_expiry_is_audited_and_tells_an_open_form_the_practice_changed(in_force):
    # given
    shown = in_force.version
    # when
    services.expire_practices(today=END + timedelta(days=1))
    # then
    in_force.refresh_from_db()
    assert (in_force.status, in_force.version) == (S.EXPIRED, shown + 1)
    event = AuditEvent.objects.get(object_type="practices.practice", object_id=str(in_force.pk))
    assert (event.action, event.actor, event.data) == (
        "practice.expired",
        None,
        {"from": "in_force", "to": "expired"},
    )


def test_the_daily_job_is_scheduled_and_runs(settings, in_force):
    # given
    entry = settings.CELERY_BEAT_SCHEDULE["practice-expiries"]
    Practice.objects.filter(pk=in_force.pk).update(end_date=date(2020, 1, 1))
    # when
    result = process_expiries.apply().get()
    # then
    assert entry["task"] == "polis.practices.tasks.process_expiries"
    assert result == {"reminders": 0, "expired": 1}
