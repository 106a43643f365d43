from datetime import timedelta

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from polis.accounts.models import Firm, User
from polis.celery import app
from polis.notify.models import OutboundMessage
from polis.practices import services
from polis.practices.models import Practice
from polis.web.management.commands.serve import run_due_jobs
from polis.web.models import FaqEntry

pytestmark = pytest.mark.django_db


def test_seed_demo_is_idempotent_and_gives_every_role(settings):
    # given
    settings.DEBUG = True
    # when
    call_command("seed_demo")
    call_command("seed_demo")
    # then
    assert Firm.objects.filter(status=Firm.Status.APPROVED).count() == 2
    assert set(User.objects.values_list("role", flat=True)) == set(User.Role.values)
    assert User.objects.count() == 6
    staff = User.objects.get(email="operatore@polis.local")
    assert staff.check_password("polis-demo-2026")
    device = TOTPDevice.objects.get(user=staff)
    assert device.verify_token(f"{totp(device.bin_key):06d}")


def test_seed_demo_leaves_practices_to_renew_at_once(settings, client_for):
    # given
    settings.DEBUG = True
    call_command("seed_demo")
    mario = User.objects.get(email="mario.rossi@agenzia-rossi.example.it")
    page = client_for(mario)
    today = timezone.localdate()
    # when
    expiring = page.get(reverse("practices:expiring"), {"giorni": 90}).content.decode()
    renewable = page.get(reverse("practices:renewals")).content.decode()
    # then: ending in 7, 30 and 60 days, and one expired last week
    ends = sorted(
        (p.end_date - today).days
        for p in Practice.objects.filter(firm=mario.firm, status__in=("in_force", "expired"))
        if (p.end_date - today).days < 300
    )
    assert ends == [-7, 7, 30, 60]
    for days in (7, 30, 60):
        number = Practice.objects.get(end_date=today + timedelta(days=days)).policy_number
        assert number in expiring
        assert number in renewable
    expired = Practice.objects.get(end_date=today - timedelta(days=7))
    assert expired.status == "expired"
    assert expired.policy_number in renewable
    # and a renewal can be prepared from them
    assert services.renew_practice(actor=mario, practice=expired).renewal_of == expired


def test_seed_demo_restores_a_deleted_faq_entry_on_the_cached_page(
    settings, client, django_capture_on_commit_callbacks
):
    # given: the FAQ page cached without one of the seed's questions
    settings.DEBUG = True
    entry = FaqEntry.objects.order_by("position").first()
    entry.delete()
    for _ in range(2):  # the second read is served from the cache
        assert entry.question not in client.get("/faq/").content.decode()
    # when
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo")
    # then
    assert entry.question in client.get("/faq/").content.decode()


def test_seed_demo_is_refused_in_production(settings):
    # given
    settings.DEBUG = False
    # when / then
    with pytest.raises(CommandError, match="development only"):
        call_command("seed_demo")
    assert not User.objects.exists()


def test_embedded_scheduler_runs_jobs_when_due(settings, mailoutbox):
    # given: an e-mail whose delivery failed once and is due again
    message = OutboundMessage.objects.create(
        channel="email", recipient="a@example.it", subject="Prova", body_text="Testo"
    )
    start = timezone.now()
    last_run: dict = {}
    # when
    first = run_due_jobs(last_run, start)
    later = run_due_jobs(last_run, start + timedelta(seconds=31))
    # then
    assert "deliver-outbox" not in first
    assert "deliver-outbox" in later
    message.refresh_from_db()
    assert message.status == OutboundMessage.Status.SENT
    assert [m.subject for m in mailoutbox] == ["Prova"]


def test_every_periodic_job_names_a_registered_task():
    # given
    app.loader.import_default_modules()
    # then
    missing = [
        entry["task"]
        for entry in settings.CELERY_BEAT_SCHEDULE.values()
        if entry["task"] not in app.tasks
    ]
    assert missing == []
