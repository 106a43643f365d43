"""seed_demo: the demo data every role starts from, loaded the way the services make them."""

from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from polis.accounting import selectors
from polis.accounting.models import Account, Transaction
from polis.accounts.models import Firm, User
from polis.audit.models import AuditEvent
from polis.devdata.demo import DEMO_TOTP_HEX
from polis.ledger import note
from polis.ledger.keys import log_signer
from polis.ledger.models import LedgerCheckpoint, LedgerEntry
from polis.practices import services
from polis.practices.models import Practice
from polis.web.models import FaqEntry
from tests.servers import running_witness

pytestmark = pytest.mark.django_db


def test_seed_demo_is_idempotent_and_gives_every_role(settings):
    # given
    settings.DEBUG = True
    # when
    call_command("seed_demo")
    call_command("seed_demo")
    # then
    assert Firm.objects.filter(status=Firm.Status.APPROVED).count() == 2
    # approved once each, by the administrator, as a registration is
    approvals = AuditEvent.objects.filter(action="firm.approved")
    assert sorted(approvals.values_list("actor__email", "object_type")) == [
        ("admin@polis.local", "accounts.firm"),
        ("admin@polis.local", "accounts.firm"),
    ]
    assert set(User.objects.values_list("role", flat=True)) == set(User.Role.values)
    assert User.objects.count() == 6
    staff = User.objects.get(email="operatore@polis.local")
    assert staff.check_password("polis-demo-2026")
    device = TOTPDevice.objects.get(user=staff)
    assert device.verify_token(f"{totp(device.bin_key):06d}")
    # the demo premiums earn the MGA its commission, beyond its collaborators' and taxes apart
    figures = selectors.operator_figures(timezone.localdate())
    premiums = Transaction.objects.filter(kind=Transaction.Kind.PREMIUM)
    totals = selectors.statement_totals(premiums)
    assert totals["commission"] > 0
    assert totals["taxes"] > 0
    kept = selectors.balance(Account.objects.get(kind=Account.Kind.MGA_COMMISSION))
    assert kept < 0  # credited: the MGA's share
    assert figures["mga_commission"] >= 0


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


def test_seed_demo_publishes_its_ledger_entries_cosigned_and_time_stamped(
    settings, tmp_path, django_capture_on_commit_callbacks
):
    # given the embedded default: a witness process and the development TSA
    settings.DEBUG = True
    settings.LEDGER_DEV_TSA = True
    with running_witness(log_signer(), tmp_path / "witness.json") as (witness, url):
        settings.LEDGER_WITNESSES = [f"{witness}={url}"]
        # when the demo data are loaded
        with django_capture_on_commit_callbacks(execute=True):
            call_command("seed_demo", verbosity=0)
    # then the log's latest checkpoint holds them, cosigned by the witness and time-stamped
    latest = LedgerCheckpoint.objects.first()
    assert latest.size == LedgerEntry.objects.count() > 0
    assert note.open_note(latest.signed_note, witness)
    assert latest.timestamp_token


def test_seed_demo_is_refused_in_production(settings):
    # given
    settings.DEBUG = False
    # when / then
    with pytest.raises(CommandError, match="development only"):
        call_command("seed_demo")
    assert not User.objects.exists()


def test_seed_demo_gives_the_adjuster_the_staffs_demo_key(settings):
    # given a demo database whose adjuster was seeded when adjusters used a password alone
    settings.DEBUG = True
    call_command("seed_demo")
    TOTPDevice.objects.filter(user__email="liquidatore@polis.local").delete()
    # when
    call_command("seed_demo")
    # then
    keys = {
        email: TOTPDevice.objects.get(user__email=email, confirmed=True).key
        for email in ("liquidatore@polis.local", "operatore@polis.local", "admin@polis.local")
    }
    assert set(keys.values()) == {DEMO_TOTP_HEX}
