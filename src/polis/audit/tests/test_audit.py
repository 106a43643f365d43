from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from polis.accounts.models import Firm
from polis.accounts.tests.factories import FirmFactory
from polis.audit.models import AuditEvent
from polis.retention.services import purge_expired

pytestmark = pytest.mark.django_db


def test_a_state_change_through_a_view_records_actor_action_object_and_ip(client_for, operator):
    # given
    firm = FirmFactory(status=Firm.Status.PENDING)
    staff = client_for(operator)
    # when
    staff.post(
        reverse("accounts:firm_review", args=[firm.pk]), {"approve": "1"}, REMOTE_ADDR="203.0.113.7"
    )
    # then
    event = AuditEvent.objects.get(action="firm.approved")
    assert (event.actor, event.object_type, event.object_id, event.ip_address) == (
        operator,
        "accounts.firm",
        str(firm.pk),
        "203.0.113.7",
    )
    history = staff.get(reverse("audit:object_history", args=["accounts.firm", firm.pk]))
    assert [e.action for e in history.context["events"]] == ["firm.approved"]


@pytest.mark.parametrize(
    ("proxies", "recorded"),
    [([], "10.0.0.2"), (["10.0.0.2"], "203.0.113.7")],
    ids=["direct", "behind-the-proxy"],
)
def test_the_audit_log_records_the_clients_address(
    client_for, operator, settings, proxies, recorded
):
    # given
    settings.TRUSTED_PROXIES = proxies
    firm = FirmFactory(status=Firm.Status.PENDING)
    # when the request reaches the app from 10.0.0.2 on behalf of 203.0.113.7
    client_for(operator).post(
        reverse("accounts:firm_review", args=[firm.pk]),
        {"approve": "1"},
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR="203.0.113.7",
    )
    # then only a listed proxy is believed
    assert AuditEvent.objects.get(action="firm.approved").ip_address == recorded


def test_old_client_addresses_are_forgotten(settings):
    # given
    settings.RETENTION_MONTHS = {"audit.ip_address": 1}
    firm = FirmFactory()
    old = AuditEvent.objects.create(
        action="x",
        object_type="accounts.firm",
        object_id=firm.pk,
        ip_address="203.0.113.7",
        at=timezone.now() - timedelta(days=40),
    )
    recent = AuditEvent.objects.create(
        action="y", object_type="accounts.firm", object_id=firm.pk, ip_address="203.0.113.8"
    )
    # when
    run = purge_expired()
    # then
    old.refresh_from_db()
    recent.refresh_from_db()
    purged = run.lines.get(record_class="audit.ip_address").count
    assert (purged, old.ip_address, recent.ip_address) == (1, None, "203.0.113.8")


def test_the_history_of_a_firm_with_no_event_yet_is_an_empty_page_not_a_404(client_for, operator):
    # given a firm created outside the services (as the demo data does): nothing recorded yet
    firm = FirmFactory(status=Firm.Status.APPROVED)
    staff = client_for(operator)
    # when the operator follows the registration page's history link
    review = staff.get(reverse("accounts:firm_review", args=[firm.pk]))
    history = staff.get(reverse("audit:object_history", args=["accounts.firm", firm.pk]))
    # then
    assert reverse("audit:object_history", args=["accounts.firm", firm.pk]) in review.text
    assert history.status_code == 200
    assert "Nessuna attività registrata" in history.text


@pytest.mark.parametrize("object_type", ["accounts.firm", "accounts.nosuchmodel", "nonsense"])
def test_the_history_of_an_object_that_does_not_exist_is_a_404(client_for, operator, object_type):
    response = client_for(operator).get(
        reverse("audit:object_history", args=[object_type, "999999"])
    )
    assert response.status_code == 404
