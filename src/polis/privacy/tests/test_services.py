import datetime
import hashlib
import json
import os
import re

import pytest
from django.utils import timezone

from polis.audit.models import AuditEvent
from polis.clients.models import Client
from polis.clients.tests.factories import ClientFactory
from polis.core.errors import DomainError, PermissionDenied
from polis.notify.models import OutboundMessage
from polis.privacy import services
from polis.privacy.models import DataSubjectRequest, add_months
from polis.privacy.selectors import overdue_requests, requests_visible_to
from polis.quotes import services as quotes
from polis.quotes.tests.factories import demo_product
from polis.quotes.tests.test_quotes import ARCHITECT

K = DataSubjectRequest.Kind
BASE = "https://polis.example"


def _register(actor, client, kind=K.ACCESS, received_on=None):
    return services.register_request(
        actor=actor,
        client=client,
        kind=kind,
        channel=DataSubjectRequest.Channel.EMAIL,
        received_on=received_on or timezone.localdate(),
        identity_check="Documento d'identità allegato alla e-mail",
    )


def _last_email(to: str) -> OutboundMessage:
    return OutboundMessage.objects.filter(recipient=to).latest("pk")


@pytest.mark.parametrize(
    ("received", "months", "due"),
    [
        (datetime.date(2026, 3, 10), 1, datetime.date(2026, 4, 10)),
        (datetime.date(2027, 1, 31), 1, datetime.date(2027, 2, 28)),
        (datetime.date(2028, 1, 31), 1, datetime.date(2028, 2, 29)),
        (datetime.date(2026, 12, 15), 1, datetime.date(2027, 1, 15)),
        (datetime.date(2026, 11, 30), 3, datetime.date(2027, 2, 28)),
    ],
)
def test_the_deadline_counts_calendar_months(received, months, due):
    assert add_months(received, months) == due


def test_a_request_is_due_one_month_after_it_was_received(operator, collaborator_a):
    # given
    client = ClientFactory(created_by=collaborator_a)
    received = timezone.localdate() - datetime.timedelta(days=3)
    # when
    request = _register(operator, client, received_on=received)
    # then
    assert request.due_on == add_months(received, 1)
    assert request.status == DataSubjectRequest.Status.RECEIVED
    assert request.firm_id == collaborator_a.firm_id
    event = AuditEvent.objects.get(action="privacy_request.received")
    assert event.data == {
        "kind": "access",
        "channel": "email",
        "due_on": request.due_on.isoformat(),
    }


def test_the_extension_adds_two_months_and_tells_the_person_why(operator, collaborator_a):
    # given
    client = ClientFactory(created_by=collaborator_a, email="mario@example.it")
    received = timezone.localdate() - datetime.timedelta(days=10)
    request = _register(operator, client, received_on=received)
    # when
    request = services.extend_deadline(
        actor=operator, request=request, reason="Richiesta molto ampia: archivi da consultare"
    )
    # then
    assert request.status == DataSubjectRequest.Status.EXTENDED
    assert request.due_on == add_months(received, 3)
    email = _last_email("mario@example.it")
    assert "archivi da consultare" in email.body_text
    assert request.due_on.strftime("%d/%m/%Y") in email.body_text


def test_the_extension_is_refused_once_the_first_month_has_passed(operator, collaborator_a):
    # given
    received = timezone.localdate() - datetime.timedelta(days=40)
    request = _register(operator, ClientFactory(created_by=collaborator_a), received_on=received)
    # when
    with pytest.raises(DomainError, match="entro il primo mese"):
        services.extend_deadline(actor=operator, request=request, reason="Troppo lavoro")
    # then
    request.refresh_from_db()
    assert (request.status, request.due_on) == ("received", add_months(received, 1))
    assert [r.pk for r in overdue_requests(operator)] == [request.pk]


def test_a_firm_administrator_registers_only_for_his_own_clients(collaborator_a, collaborator_b):
    # given
    theirs = ClientFactory(created_by=collaborator_b)
    # when
    with pytest.raises(PermissionDenied):
        _register(collaborator_a, theirs)
    # then
    assert not DataSubjectRequest.objects.exists()


def test_a_firm_administrator_sees_only_his_firms_requests(
    operator, collaborator_a, collaborator_b
):
    # given
    ours = _register(operator, ClientFactory(created_by=collaborator_a))
    theirs = _register(operator, ClientFactory(created_by=collaborator_b))
    # then
    assert list(requests_visible_to(collaborator_a)) == [ours]
    assert set(requests_visible_to(operator)) == {ours, theirs}


@pytest.fixture
def client_with_claim(collaborator_a):
    from polis.privacy.tests.support import signed_policy_with_claim

    return signed_policy_with_claim(
        collaborator_a, description="Frattura del polso durante il sopralluogo"
    )


def test_the_export_holds_the_persons_data_and_reaches_only_him(
    operator, collaborator_a, client_with_claim, client
):
    # given
    practice, claim = client_with_claim
    person = practice.client
    other = ClientFactory(created_by=collaborator_a, first_name="Giulia", last_name="Bianchi")
    quotes.create_quote(
        actor=collaborator_a,
        client=other,
        product=demo_product("RCP"),
        answers=dict(ARCHITECT),
        effective_date=timezone.localdate(),
    )
    request = _register(operator, person, kind=K.PORTABILITY)
    # when
    request = services.send_export(actor=operator, request=request, base_url=BASE)
    # then the person gets two signed links by e-mail
    email = _last_email(person.email)
    links = re.findall(rf"{BASE}(/privacy/dati/[^\s]+/)", email.body_text)
    assert len(links) == 2
    response = client.get(links[1])  # the JSON
    body = b"".join(response.streaming_content)
    assert hashlib.sha256(body).hexdigest() == request.export_json_sha256
    data = json.loads(body)
    sections = {s["sezione"]: s["dati"] for s in data["sezioni"]}
    assert sections["cliente"][0]["codice fiscale"] == person.codice_fiscale
    assert [p["numero_polizza"] for p in sections["practices"]] == [practice.policy_number]
    assert sections["practices"][0]["evidenze_di_firma"]
    assert sections["claims"][0]["numero"] == claim.number
    assert sections["claims"][0]["descrizione"] == "Frattura del polso durante il sopralluogo"
    assert "Richiesta dell'interessato registrata" in [e["azione"] for e in sections["audit"]]
    assert other.codice_fiscale not in body.decode()
    assert "Bianchi" not in body.decode()
    pdf = b"".join(client.get(links[0]).streaming_content)
    assert pdf.startswith(b"%PDF")
    assert hashlib.sha256(pdf).hexdigest() == request.export_pdf_sha256
    # and the audit keeps the hashes, not the data
    exported = AuditEvent.objects.get(action="privacy_request.exported")
    assert exported.data == {
        "json_sha256": request.export_json_sha256,
        "pdf_sha256": request.export_pdf_sha256,
    }


def test_an_export_link_stops_working_when_it_expires_or_is_forged(
    operator, collaborator_a, client, settings
):
    # given
    request = _register(operator, ClientFactory(created_by=collaborator_a))
    request = services.send_export(actor=operator, request=request, base_url=BASE)
    link = services.export_link(request, "json", "")
    # then
    assert client.get(link).status_code == 200
    assert client.get(link[:-3] + "xx/").status_code == 404
    settings.PRIVACY_EXPORT_LINK_DAYS = -1
    assert client.get(link).status_code == 404


def test_an_access_request_is_answered_only_after_the_export(operator, collaborator_a):
    # given
    request = _register(operator, ClientFactory(created_by=collaborator_a))
    # when
    with pytest.raises(DomainError, match="esportazione"):
        services.answer_request(actor=operator, request=request, answer="Ecco i dati.")
    # then
    request.refresh_from_db()
    assert request.status == DataSubjectRequest.Status.RECEIVED


def test_erasure_is_refused_naming_the_duty_while_a_policy_is_kept(
    operator, collaborator_a, client_with_claim
):
    # given
    practice, _claim = client_with_claim
    person = practice.client
    request = _register(operator, person, kind=K.ERASURE)
    # when
    request = services.answer_request(actor=operator, request=request, answer="")
    # then
    assert request.outcome == DataSubjectRequest.Outcome.REFUSED
    assert "Contratto e documenti precontrattuali: conservazione 5 anni" in request.answer
    assert "art. 67 Reg. IVASS 40/2018" in request.answer
    assert "soltanto le impronte (SHA-256)" in request.answer
    person.refresh_from_db()
    assert person.last_name == "Rossi"
    assert "art. 67 Reg. IVASS 40/2018" in _last_email(person.email).body_text
    answered = AuditEvent.objects.get(action="privacy_request.answered")
    assert answered.data["outcome"] == "refused"
    assert answered.data["answer_sha256"] == hashlib.sha256(request.answer.encode()).hexdigest()


def test_erasure_without_a_duty_erases_the_client_record(operator, collaborator_a):
    # given: a client with only a quote, no contract
    person = ClientFactory(created_by=collaborator_a, email="solo.preventivo@example.it")
    quotes.create_quote(
        actor=collaborator_a,
        client=person,
        product=demo_product("RCP"),
        answers=dict(ARCHITECT),
        effective_date=timezone.localdate(),
    )
    request = _register(operator, person, kind=K.ERASURE)
    # when
    request = services.answer_request(actor=operator, request=request, answer="Come richiesto.")
    # then
    assert request.outcome == DataSubjectRequest.Outcome.FULFILLED
    person.refresh_from_db()
    assert (person.first_name, person.last_name, person.mobile) == (
        "",
        "Interessato cancellato",
        "",
    )
    assert "RSSMRA" not in person.codice_fiscale
    assert "cancellati" in _last_email("solo.preventivo@example.it").body_text
    assert AuditEvent.objects.filter(action="client.erased", object_id=str(person.pk)).exists()


def test_restriction_without_a_duty_marks_the_client(operator, collaborator_a):
    # given
    person = ClientFactory(created_by=collaborator_a)
    request = _register(operator, person, kind=K.RESTRICTION)
    # when
    services.answer_request(actor=operator, request=request, answer="")
    # then
    assert Client.objects.get(pk=person.pk).processing_restricted_at is not None


def test_a_signed_contract_also_keeps_the_fea_evidence_and_a_claim_its_file(
    operator, client_with_claim
):
    # given
    practice, _claim = client_with_claim
    # when
    duties = services.retention_duties(practice.client)
    # then
    by_title = {duty.split(":")[0]: duty for duty in duties}
    assert set(by_title) == {
        "Contratto e documenti precontrattuali",
        "Firma elettronica avanzata (evidenze e documento d'identità)",
        "Fascicoli dei sinistri (con i dati sulla salute)",
    }
    assert "20 anni" in by_title["Firma elettronica avanzata (evidenze e documento d'identità)"]


def test_a_contract_ended_more_than_five_years_ago_no_longer_blocks_erasure(collaborator_a):
    from polis.practices.models import Practice
    from polis.practices.tests.factories import PracticeFactory

    # given: an unsigned (paper) contract that ended six years ago, and one that ended four
    old = PracticeFactory(
        created_by=collaborator_a,
        status=Practice.Status.EXPIRED,
        effective_date=timezone.localdate().replace(year=timezone.localdate().year - 7),
    )
    recent = PracticeFactory(
        created_by=collaborator_a,
        status=Practice.Status.EXPIRED,
        effective_date=timezone.localdate().replace(year=timezone.localdate().year - 5),
    )
    # then
    assert services.retention_duties(old.client) == []
    assert services.retention_duties(recent.client)[0].startswith(
        "Contratto e documenti precontrattuali: conservazione 5"
    )


def test_an_objection_withdraws_the_marketing_consent(operator, collaborator_a):
    # given
    person = ClientFactory(created_by=collaborator_a, marketing_consent_at=timezone.now())
    request = _register(operator, person, kind=K.OBJECTION)
    # when
    request = services.answer_request(actor=operator, request=request, answer="")
    # then
    person.refresh_from_db()
    assert person.marketing_consent_at is None
    assert "comunicazioni commerciali" in request.answer
    assert AuditEvent.objects.filter(action="client.marketing_withdrawn").count() == 1


def test_the_daily_report_tells_the_operators_of_overdue_requests_without_names(
    operator, collaborator_a
):
    # given
    late = _register(
        operator,
        ClientFactory(created_by=collaborator_a, last_name="Verdi"),
        received_on=timezone.localdate() - datetime.timedelta(days=35),
    )
    _register(operator, ClientFactory(created_by=collaborator_a))
    # when
    count = services.send_overdue_report()
    # then
    assert count == 1
    email = _last_email(operator.email)
    assert f"n. {late.pk}, Accesso (art. 15)" in email.body_text
    assert "Verdi" not in email.body_text


def test_an_exports_files_are_deleted_when_its_link_expires_and_the_hashes_stay(
    operator, collaborator_a, client, settings, django_capture_on_commit_callbacks
):
    from polis.documents.models import StoredFile

    # given
    request = _register(operator, ClientFactory(created_by=collaborator_a))
    request = services.send_export(actor=operator, request=request, base_url=BASE)
    link = services.export_link(request, "pdf", "")
    stored = StoredFile.objects.get(pk=request.export_pdf_id)
    path = stored.file.path
    hashes = (request.export_json_sha256, request.export_pdf_sha256)
    # when: a week later
    settings.PRIVACY_EXPORT_LINK_DAYS = 0
    with django_capture_on_commit_callbacks(execute=True):
        forgotten = services.forget_expired_exports()
    # then
    request.refresh_from_db()
    assert forgotten == 1
    assert (request.export_json_id, request.export_pdf_id) == (None, None)
    assert (request.export_json_sha256, request.export_pdf_sha256) == hashes
    assert not StoredFile.objects.filter(pk=stored.pk).exists()
    assert not os.path.exists(path)
    settings.PRIVACY_EXPORT_LINK_DAYS = 7
    assert client.get(link).status_code == 404
    assert services.forget_expired_exports() == 0
