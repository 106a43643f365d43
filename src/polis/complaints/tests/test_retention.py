"""An open complaint is a legal hold: the records of the client it concerns outlive their
period until it is answered (regulatory brief §7)."""

from datetime import date, timedelta

import pytest

from polis.clients.tests.factories import ClientFactory
from polis.complaints import services
from polis.complaints.models import Complaint
from polis.complaints.tests.factories import registered
from polis.core.retention import add_months, held_clients, is_held
from polis.quotes.models import Quote
from polis.retention import services as retention
from polis.retention.tests.support import make_quote

pytestmark = pytest.mark.django_db

TODAY = date(2026, 12, 7)
EXPIRED = add_months(TODAY, -24) - timedelta(days=10)  # a quote past its 24 months


def test_an_open_complaint_under_the_clients_tax_code_holds_his_records(collaborator_a, operator):
    client = ClientFactory(firm=collaborator_a.firm)
    old = make_quote(client, valid_until=EXPIRED)
    complaint = registered(operator, complainant_tax_code=client.codice_fiscale)

    retention.purge_expired(today=TODAY)
    assert Quote.objects.filter(pk=old.pk).exists()

    complaint = services.assign_complaint(actor=operator, complaint=complaint, assignee=operator)
    services.answer_complaint(
        actor=operator,
        complaint=complaint,
        answer="Il certificato è stato inviato di nuovo.",
        outcome=Complaint.Outcome.ACCEPTED,
    )
    retention.purge_expired(today=TODAY)
    assert not Quote.objects.filter(pk=old.pk).exists()


def test_a_client_is_held_while_a_complaint_under_his_tax_code_is_open(operator, collaborator_a):
    client = ClientFactory(created_by=collaborator_a)
    other = ClientFactory(created_by=collaborator_a)
    complaint = registered(operator, complainant_tax_code=client.codice_fiscale.lower())
    registered(operator, complainant_tax_code="")
    assert is_held(client.pk)
    assert not is_held(other.pk)
    assert client.pk in held_clients()
    assert other.pk not in held_clients()

    complaint = services.assign_complaint(actor=operator, complaint=complaint, assignee=operator)
    services.answer_complaint(
        actor=operator, complaint=complaint, answer="x", outcome=Complaint.Outcome.REJECTED
    )
    assert not is_held(client.pk)
    assert client.pk not in held_clients()
