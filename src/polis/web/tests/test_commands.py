from datetime import timedelta

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from polis.accounts.models import Firm, User
from polis.celery import app
from polis.notify.models import OutboundMessage
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


def test_serve_sends_links_to_the_address_it_serves(settings, monkeypatch):
    # given `make run HOST=127.0.0.1:8101` and no SITE_URL configured
    from django.core.management.commands.runserver import Command as Runserver

    from polis.web.management.commands.serve import Command

    monkeypatch.delenv("SITE_URL", raising=False)
    monkeypatch.setattr(Runserver, "inner_run", lambda self, *args, **options: None)
    settings.SITE_URL = "http://127.0.0.1:8000"
    command = Command()
    command.addr, command.port, command.protocol, command._raw_ipv6 = (
        "127.0.0.1",
        "8101",
        "http",
        False,
    )
    # when it starts serving
    command.inner_run()
    # then the background jobs' links use that address
    assert settings.SITE_URL == "http://127.0.0.1:8101"
    # and a configured SITE_URL is kept
    monkeypatch.setenv("SITE_URL", "https://polis.example.it")
    settings.SITE_URL = "https://polis.example.it"
    command.inner_run()
    assert settings.SITE_URL == "https://polis.example.it"
