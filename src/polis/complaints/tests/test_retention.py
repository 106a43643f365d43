"""An open complaint is a legal hold: the records of the client it concerns outlive their
period until it is answered (regulatory brief §7)."""

from datetime import date, timedelta

import pytest

from polis.clients.tests.factories import ClientFactory
from polis.complaints import services
from polis.complaints.models import Complaint
from polis.complaints.tests.factories import registered
from polis.core.retention import add_months
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
