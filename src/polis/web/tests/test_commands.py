import logging
import socket
import time
import urllib.error
import urllib.request
from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from polis.celery import app
from polis.ledger import services as ledger
from polis.notify.models import OutboundMessage
from polis.web.joblog import QuietPeriodicJobs
from polis.web.management.commands.serve import dev_witness, register_tasks, run_due_jobs
from tests.servers import free_port

pytestmark = pytest.mark.django_db


def test_serve_runs_the_development_witness_in_a_process_of_its_own(
    settings, monkeypatch, tmp_path
):
    # given the embedded default's witness address, and a var/ folder of this test
    port = free_port()
    settings.LEDGER_DEV_WITNESS_URL = f"http://127.0.0.1:{port}"
    monkeypatch.setenv("POLIS_VAR_DIR", str(tmp_path))
    # when serve's witness runs
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/add-checkpoint", data=b"nonsense", method="POST"
    )
    answer = None
    with dev_witness() as process:
        # it already listens when the server starts (the jobs do not meet a refusing witness)
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
        for _ in range(100):
            try:
                urllib.request.urlopen(request, timeout=2)  # noqa: S310 - loopback http
            except urllib.error.HTTPError as exc:
                answer = exc.code
                break
            except OSError:
                time.sleep(0.2)
        # then it answers as a tlog-witness, from its own key file under var/
        assert answer == 400
        assert (tmp_path / "ledger_witness_key").exists()
    # and it stops with the server
    assert process.poll() is not None


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


def _serve_log(caplog):
    """The log lines as `serve` writes them (its filter on the console handler)."""
    register_tasks()  # sets Django's logging up again: before the capture
    root = logging.getLogger()
    if caplog.handler not in root.handlers:
        root.addHandler(caplog.handler)
    caplog.set_level(logging.INFO)
    caplog.handler.addFilter(QuietPeriodicJobs())
    return caplog


def test_periodic_jobs_log_one_line_when_they_did_something_and_nothing_otherwise(caplog):
    # given the ledger's integration job, due every second, with nothing to integrate
    log = _serve_log(caplog)
    start = timezone.now()
    last_run: dict = {}
    run_due_jobs(last_run, start)
    for second in range(1, 6):
        run_due_jobs(last_run, start + timedelta(seconds=second))
    quiet = list(log.messages)
    # when an entry waits to be published
    ledger.record_event(type="policy.issued", ref="LOG-1", sha256="a" * 64)
    run_due_jobs(last_run, start + timedelta(seconds=6))
    # then
    assert quiet == []
    assert log.messages == ["periodic job ledger-integrate: 1"]


def test_a_warning_a_periodic_job_repeats_every_second_shows_once(caplog, monkeypatch):
    # given a witness that refuses every checkpoint
    def refused():
        logging.getLogger("polis.ledger.witnessing").warning(
            "witness %s refused checkpoint %s: %s", "http://127.0.0.1:8091", 3, 0
        )
        return 0

    monkeypatch.setattr(ledger, "publish_log", refused)
    log = _serve_log(caplog)
    start = timezone.now()
    last_run: dict = {}
    # when the job runs for ten seconds
    for second in range(11):
        run_due_jobs(last_run, start + timedelta(seconds=second))
    # then
    assert log.messages == ["witness http://127.0.0.1:8091 refused checkpoint 3: 0"]


def test_the_console_log_keeps_the_filter_when_django_sets_logging_up_again():
    # when the tasks are registered (as `serve`'s scheduler does, while requests set Django up)
    register_tasks()
    # then Django's console handler filters the periodic jobs' lines
    console = [h for h in logging.getLogger().handlers if type(h) is logging.StreamHandler]
    assert console
    assert all(any(isinstance(f, QuietPeriodicJobs) for f in h.filters) for h in console)


def test_the_web_requests_log_is_not_filtered(caplog):
    # given
    log = _serve_log(caplog)
    # when a request logs the same line twice
    for _ in range(2):
        logging.getLogger("django.request").warning("Not Found: /x/")
    # then
    assert log.messages == ["Not Found: /x/", "Not Found: /x/"]
