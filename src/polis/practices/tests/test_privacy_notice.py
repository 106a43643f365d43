"""Issue #26 §3: the client's privacy notice (art. 13 GDPR) is versioned like the MUP, handed
over with the pre-contractual set, and recorded on the client as delivered only once the
delivery really happened (the outbox's sent e-mail, the signed paper receipt)."""

import hashlib
import subprocess
from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from polis.accounts.tests.factories import FirmFactory, UserFactory
from polis.clients.tests.factories import ClientFactory
from polis.core.errors import DomainError
from polis.core.retention import record_classes
from polis.documents.tests.test_validation import pdf_bytes
from polis.notify.delivery import deliver_message
from polis.notify.models import OutboundMessage
from polis.practices.disclosures import PRIVACY_NOTICE_START, render_disclosures, templates_in_force
from polis.practices.services import DISCLOSURE_RECEIPT
from polis.practices.tests.test_disclosure_delivery import _documents_email, _issued
from polis.signatures.tests.support import send

pytestmark = pytest.mark.django_db
NOTICE = "privacy_notice"


def _notice(practice) -> dict:
    return next(d for d in practice.disclosures if d["kind"] == NOTICE)


def _pdf_text(pdf: bytes) -> str:
    text = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True)
    return " ".join(text.stdout.decode().split())


def test_the_notice_joins_the_set_from_its_valid_from_and_older_sets_stay_as_they_were():
    before = PRIVACY_NOTICE_START - timedelta(days=1)
    assert [t.kind for t in templates_in_force(before)] == ["mup"]
    assert [t.kind for t in templates_in_force(PRIVACY_NOTICE_START)] == ["mup", NOTICE]
    assert [t.kind for t in templates_in_force(date(2024, 5, 10))] == [
        "allegato_3",
        "allegato_4",
        "allegato_4ter",
    ]


@pytest.mark.real_pdf
def test_the_notice_names_the_mga_as_controller_the_bases_the_rights_and_the_garante(settings):
    # given
    firm = FirmFactory(name="Agenzia Serena S.r.l.")
    person = UserFactory(firm=firm)
    # when
    _, notice = render_disclosures(
        firm=firm, person=person, on=PRIVACY_NOTICE_START, insurers=["Compagnia Esempio S.p.A."]
    )
    text = _pdf_text(notice.pdf)
    # then
    assert notice.template.version in text
    assert f"Titolare del trattamento è {settings.MGA_LEGAL_NAME}" in text
    assert settings.MGA_PEC in text
    for basis in ("art. 6.1.b", "art. 6.1.c", "art. 6.1.f", "art. 6.1.a"):
        assert basis in text
    assert "solo con il Suo consenso" in text
    assert "Compagnia Esempio S.p.A." in text
    assert "Agenzia Serena S.r.l." in text
    assert "periti" in text
    assert "non sono trasferiti fuori dall'Unione europea" in text
    for article in range(15, 23):
        assert f"art. {article}" in text
    assert "Garante per la protezione dei dati personali" in text
    assert len(notice.sha256) == 64


@pytest.mark.real_pdf
def test_the_notice_lists_every_registered_retention_class_with_its_period(settings):
    # given: a period configured differently from the registered one
    settings.RETENTION_MONTHS = {"quotes.quote": 18}
    # when
    _, notice = render_disclosures(
        firm=FirmFactory(), person=UserFactory(), on=PRIVACY_NOTICE_START, insurers=["X"]
    )
    text = _pdf_text(notice.pdf)
    # then: the notice says what the purge does
    classes = record_classes()
    assert len(classes) >= 5
    for record_class in classes:
        assert f"{record_class.title}: {record_class.period_label}" in text
    assert "Preventivi non trasformati in pratica: 18 mesi" in text


def test_the_notice_is_attached_to_the_email_and_recorded_on_the_client_once_sent(
    collaborator_a, mailoutbox
):
    # given: a practice issued today, its documents to go by e-mail
    practice = _issued(collaborator_a, "email")
    notice = _notice(practice)
    client = practice.client
    assert (client.privacy_notice_version, client.privacy_notice_delivered_at) == ("", None)
    # when: the outbox sends the e-mail, then the contract goes in firma
    message = _documents_email(practice)
    deliver_message(message.pk)
    send(collaborator_a, practice)
    # then
    (email,) = [m for m in mailoutbox if m.to == [practice.client.email]]
    attached = {hashlib.sha256(content).hexdigest() for _, content, _ in email.attachments}
    assert notice["sha256"] in attached
    message.refresh_from_db()
    client.refresh_from_db()
    assert client.privacy_notice_version == notice["version"]
    assert client.privacy_notice_delivered_at == message.sent_at


def test_a_failed_email_records_no_notice_delivered(collaborator_a):
    # given
    practice = _issued(collaborator_a, "email")
    OutboundMessage.objects.filter(pk=_documents_email(practice).pk).update(status="failed")
    # when
    with pytest.raises(DomainError, match="non è stata recapitata"):
        send(collaborator_a, practice)
    # then
    practice.client.refresh_from_db()
    assert practice.client.privacy_notice_delivered_at is None
    assert practice.client.privacy_notice_version == ""


def test_on_paper_the_notice_is_delivered_at_the_signed_receipt(client_for, collaborator_a):
    # given
    practice = _issued(collaborator_a, "paper")
    # when
    client_for(collaborator_a).post(
        reverse("practices:paper_delivery", args=[practice.pk]),
        {"receipt": SimpleUploadedFile("ricevuta.pdf", pdf_bytes())},
    )
    # then
    practice.refresh_from_db()
    practice.client.refresh_from_db()
    receipt = practice.documents.get(kind=DISCLOSURE_RECEIPT)
    assert practice.client.privacy_notice_delivered_at == receipt.uploaded_at
    assert practice.client.privacy_notice_version == _notice(practice)["version"]


def test_the_client_page_tells_the_delivered_notice_from_the_collaborator_declaration(
    client_for, collaborator_a
):
    # given
    waiting = ClientFactory(created_by=collaborator_a)
    delivered = ClientFactory(
        created_by=collaborator_a,
        privacy_notice_version="2026-12",
        privacy_notice_delivered_at=PRIVACY_NOTICE_START.strftime("%Y-%m-%dT10:00:00+01:00"),
    )
    page = client_for(collaborator_a)
    # when
    not_yet = page.get(reverse("clients:detail", args=[waiting.pk])).content.decode()
    shown = page.get(reverse("clients:detail", args=[delivered.pk])).content.decode()
    # then
    assert "Informativa privacy: non ancora consegnata" in not_yet
    assert "dichiarazione del collaboratore" in not_yet
    day = PRIVACY_NOTICE_START.strftime("%d/%m/%Y")
    assert f"Informativa privacy: versione 2026-12 consegnata il {day}" in shown
