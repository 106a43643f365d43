"""The complaints register, from the rules (regulatory brief §6): a number, the date received,
an acknowledgement, the answer within 45 days from receipt with the IVASS and Arbitro
Assicurativo notice, complaints about an insurer forwarded and the complainant told."""

import datetime
import threading

import pytest
from django.db import connection
from django.utils import timezone

from polis.catalog.models import Insurer
from polis.complaints import services
from polis.complaints.models import Complaint
from polis.complaints.selectors import (
    complaints_due,
    complaints_visible_to,
    quarterly_summary,
)
from polis.complaints.tests.factories import complaint_data, registered
from polis.core.errors import DomainError, InvalidTransition, PermissionDenied
from polis.notify.models import OutboundMessage

pytestmark = pytest.mark.django_db
S = Complaint.Status


def _emails_to(address: str) -> list[OutboundMessage]:
    return list(OutboundMessage.objects.filter(recipient=address).order_by("pk"))


def test_a_complaint_by_letter_is_due_45_days_after_it_was_received(operator):
    # given a letter received on 10 November, registered later
    received = timezone.localdate() - datetime.timedelta(days=20)
    # when
    complaint = registered(operator, received_on=received, channel=Complaint.Channel.POST)
    # then the 45 days run from receipt, not from the registration
    assert complaint.due_on == received + datetime.timedelta(days=45)
    assert complaint.days_left() == 25
    assert not complaint.is_overdue()
    assert complaint.number == f"REC-{received.year}-00001"


def test_a_complaint_past_45_days_is_overdue_and_from_day_30_near_due(operator):
    today = timezone.localdate()
    overdue = registered(operator, received_on=today - datetime.timedelta(days=46))
    last_day = registered(operator, received_on=today - datetime.timedelta(days=45))
    day_30 = registered(operator, received_on=today - datetime.timedelta(days=30))
    day_29 = registered(operator, received_on=today - datetime.timedelta(days=29))
    assert overdue.is_overdue()
    assert not overdue.is_near_due()
    assert not last_day.is_overdue()
    assert last_day.is_near_due()
    assert last_day.days_left() == 0
    assert day_30.is_near_due()
    assert day_30.days_left() == 15
    assert not day_29.is_near_due()
    # the dashboard lists exactly the overdue and the near-due ones, overdue first
    assert list(complaints_due(operator)) == [overdue, last_day, day_30]


def test_the_daily_job_alerts_operators_by_number_without_names(operator):
    today = timezone.localdate()
    late = registered(operator, received_on=today - datetime.timedelta(days=50))
    registered(operator, received_on=today - datetime.timedelta(days=2))
    before = len(_emails_to(operator.email))
    # when
    count = services.send_due_report()
    # then
    assert count == 1
    (email,) = _emails_to(operator.email)[before:]
    assert late.number in email.body_text
    assert "Giulia" not in email.body_text


def test_the_future_cannot_be_a_receipt_date(operator):
    with pytest.raises(DomainError):
        registered(operator, received_on=timezone.localdate() + datetime.timedelta(days=1))


def test_the_public_form_acknowledges_in_the_complainants_language():
    # when
    complaint = services.submit_complaint(data=complaint_data(), language="en")
    # then the acknowledgement is queued (its delivery is the outbox's to record)
    assert complaint.channel == Complaint.Channel.WEB
    assert complaint.received_on == timezone.localdate()
    ack = complaint.acknowledgement
    assert ack.recipient == "giulia.verdi@example.it"
    assert ack.language == "en"
    assert ack.status == OutboundMessage.Status.PENDING
    assert complaint.number in ack.subject
    assert complaint.due_on.strftime("%d/%m/%Y") in ack.body_text
    assert "within 45 days" in ack.body_text


def test_numbers_are_unique_and_sequential_per_year(operator):
    last_year = timezone.localdate().replace(month=1, day=1) - datetime.timedelta(days=1)
    first = registered(operator)
    second = registered(operator)
    old = registered(operator, received_on=last_year)
    year = timezone.localdate().year
    assert (first.number, second.number) == (f"REC-{year}-00001", f"REC-{year}-00002")
    assert old.number == f"REC-{last_year.year}-00001"


@pytest.mark.django_db(transaction=True)
def test_numbers_stay_unique_under_concurrent_registrations(operator):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers: concurrency is checked on PostgreSQL")
    numbers, errors = [], []

    def register():
        try:
            numbers.append(registered(operator).number)
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=register) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(set(numbers)) == 6


def test_the_answer_tells_the_right_to_go_to_ivass_and_the_arbitro(operator):
    complaint = registered(operator)
    complaint = services.assign_complaint(actor=operator, complaint=complaint, assignee=operator)
    # when
    complaint = services.answer_complaint(
        actor=operator,
        complaint=complaint,
        answer="Il certificato le è stato rispedito oggi.",
        outcome=Complaint.Outcome.ACCEPTED,
    )
    # then
    assert complaint.status == S.ANSWERED
    assert complaint.answered_on == timezone.localdate()
    body = complaint.answer_message.body_text
    assert "Il certificato le è stato rispedito oggi." in body
    assert "IVASS" in body
    assert "Arbitro Assicurativo" in body
    assert complaint.answer_message.recipient == "giulia.verdi@example.it"


def test_an_answer_in_english_keeps_the_notice_in_english(operator):
    complaint = services.submit_complaint(data=complaint_data(), language="en")
    services.assign_complaint(actor=operator, complaint=complaint, assignee=operator)
    complaint.refresh_from_db()
    complaint = services.answer_complaint(
        actor=operator, complaint=complaint, answer="Done.", outcome=Complaint.Outcome.ACCEPTED
    )
    body = complaint.answer_message.body_text
    assert "Insurance Arbitrator" in body
    assert "IVASS" in body


def test_a_complaint_is_answered_only_once_assigned_and_never_twice(operator):
    complaint = registered(operator)
    with pytest.raises(InvalidTransition):
        services.answer_complaint(
            actor=operator, complaint=complaint, answer="x", outcome=Complaint.Outcome.REJECTED
        )
    services.assign_complaint(actor=operator, complaint=complaint, assignee=operator)
    complaint.refresh_from_db()
    services.answer_complaint(
        actor=operator, complaint=complaint, answer="x", outcome=Complaint.Outcome.REJECTED
    )
    with pytest.raises(InvalidTransition):
        services.answer_complaint(
            actor=operator, complaint=complaint, answer="y", outcome=Complaint.Outcome.ACCEPTED
        )


def test_a_letter_without_email_is_answered_by_post(operator):
    complaint = registered(operator, complainant_email="", channel=Complaint.Channel.POST)
    assert complaint.acknowledgement is None
    services.assign_complaint(actor=operator, complaint=complaint, assignee=operator)
    complaint.refresh_from_db()
    complaint = services.answer_complaint(
        actor=operator, complaint=complaint, answer="Risposta.", outcome=Complaint.Outcome.PARTLY
    )
    assert complaint.answer_message is None
    assert complaint.status == S.ANSWERED


def test_a_complaint_about_the_insurer_is_forwarded_and_the_complainant_told(operator):
    insurer = Insurer.objects.create(name="Compagnia Prova S.p.A.", ivass_code="T001")
    received = timezone.localdate() - datetime.timedelta(days=1)
    complaint = registered(
        operator,
        received_on=received,
        against=Complaint.Against.INSURER,
        insurer=insurer,
        category=complaint_data().category,
    )
    # it is due for forwarding "without delay", not in 45 days
    assert complaint.due_on == received + datetime.timedelta(days=Complaint.FORWARD_DAYS)
    # when
    complaint = services.forward_complaint(
        actor=operator, complaint=complaint, to="reclami@compagnia.example"
    )
    # then
    assert complaint.status == S.FORWARDED
    assert complaint.forwarded_on == timezone.localdate()
    assert complaint.forward_message.recipient == "reclami@compagnia.example"
    assert "Non ho ricevuto il certificato" in complaint.forward_message.body_text
    notice = complaint.forward_notice
    assert notice.recipient == "giulia.verdi@example.it"
    assert "Compagnia Prova" in notice.body_text
    assert "IVASS" in notice.body_text
    # it is no longer the MGA's to answer
    assert not complaint.is_open
    with pytest.raises(InvalidTransition):
        services.answer_complaint(
            actor=operator, complaint=complaint, answer="x", outcome=Complaint.Outcome.REJECTED
        )


def test_a_complaint_about_the_mga_is_not_forwarded(operator):
    complaint = registered(operator)
    with pytest.raises(DomainError):
        services.forward_complaint(actor=operator, complaint=complaint, to="x@example.it")


def test_only_the_mga_registers_assigns_and_answers(operator, collaborator_a, adjuster):
    with pytest.raises(PermissionDenied):
        registered(collaborator_a)
    complaint = registered(operator)
    with pytest.raises(PermissionDenied):
        services.assign_complaint(actor=collaborator_a, complaint=complaint, assignee=operator)
    with pytest.raises(DomainError):
        services.assign_complaint(actor=operator, complaint=complaint, assignee=adjuster)


def test_a_firm_admin_sees_only_the_complaints_about_his_firm(
    operator, collaborator_a, collaborator_b
):
    about_a = registered(operator, against=Complaint.Against.COLLABORATOR, firm=collaborator_a.firm)
    registered(operator, against=Complaint.Against.COLLABORATOR, firm=collaborator_b.firm)
    registered(operator)
    assert list(complaints_visible_to(collaborator_a)) == [about_a]
    assert complaints_visible_to(operator).count() == 3


def test_the_quarterly_summary_counts_per_category(operator):
    today = timezone.localdate()
    start = today.replace(month=3 * ((today.month - 1) // 3) + 1, day=1)
    claim_category = complaint_data().category.__class__.objects.get(code="claim")
    first = registered(operator, received_on=start)
    registered(operator, received_on=start, category=claim_category)
    registered(operator, received_on=start - datetime.timedelta(days=1))  # previous quarter
    services.assign_complaint(actor=operator, complaint=first, assignee=operator)
    first.refresh_from_db()
    services.answer_complaint(
        actor=operator, complaint=first, answer="x", outcome=Complaint.Outcome.REJECTED
    )
    rows = {row["category"].code: row for row in quarterly_summary(operator, start, today)}
    assert rows["contract"]["received"] == 1
    assert rows["contract"]["rejected"] == 1
    assert rows["contract"]["average_days"] == (today - start).days
    assert rows["claim"]["received"] == 1
    assert rows["claim"]["open"] == 1
    assert rows["privacy"]["received"] == 0
