"""The complaints pages: the public form (no login, rate-limited, Italian and English), the
operator's register, a complaint's page and its actions, the exports; and the API."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from polis.complaints.categories import install_categories
from polis.complaints.models import Category, Complaint
from polis.complaints.tests.factories import registered

pytestmark = pytest.mark.django_db


def _public_data(**extra):
    install_categories(Category)
    return {
        "complainant_name": "Anna Neri",
        "complainant_kind": "policyholder",
        "complainant_email": "anna.neri@example.it",
        "against": "mga",
        "category": Category.objects.get(code="claim").pk,
        "text": "Il sinistro è fermo da tre mesi senza risposte.",
        "privacy": "on",
        **extra,
    }


def test_the_footer_links_the_public_form_which_registers_without_login(client):
    home = client.get(reverse("web:home"))
    assert reverse("complaints:public") in home.content.decode()
    # when
    response = client.post(
        reverse("complaints:public"),
        _public_data(files=SimpleUploadedFile("nota.txt", b"not a pdf")),
    )
    # then a file that is not a document is refused, nothing registered
    assert response.status_code == 200
    assert not Complaint.objects.exists()
    response = client.post(reverse("complaints:public"), _public_data(), follow=True)
    complaint = Complaint.objects.get()
    assert complaint.channel == Complaint.Channel.WEB
    assert complaint.created_by is None
    assert complaint.number in response.content.decode()


def test_the_public_form_speaks_english(client):
    response = client.get(reverse("complaints:public"), HTTP_ACCEPT_LANGUAGE="en")
    page = response.content.decode()
    assert 'lang="en"' in page
    assert "Make a complaint" in page
    assert "Insurance Arbitrator" in page
    client.post(reverse("complaints:public"), _public_data(), HTTP_ACCEPT_LANGUAGE="en")
    ack = Complaint.objects.get().acknowledgement
    assert ack.language == "en"
    assert "We have received your complaint" in ack.subject


def test_the_public_form_is_rate_limited_per_address(client, settings):
    settings.COMPLAINT_RATE = "2/h"
    for _ in range(2):
        client.post(reverse("complaints:public"), _public_data())
    response = client.post(reverse("complaints:public"), _public_data())
    assert response.context["form"].non_field_errors() == [
        "Hai inviato troppi reclami. Riprova più tardi."
    ]
    assert Complaint.objects.count() == 2


def test_a_bot_filling_the_honeypot_registers_nothing(client):
    client.post(reverse("complaints:public"), _public_data(website="http://spam.example"))
    assert not Complaint.objects.exists()


def test_an_operator_registers_a_letter_assigns_and_answers(client_for, operator):
    web = client_for(operator)
    received = timezone.localdate() - datetime.timedelta(days=10)
    response = web.post(
        reverse("complaints:create"),
        {
            **_public_data(complainant_email=""),
            "channel": "post",
            "received_on": received.isoformat(),
        },
    )
    complaint = Complaint.objects.get()
    assert response.status_code == 302
    assert complaint.received_on == received
    page = web.get(reverse("complaints:detail", args=[complaint.pk])).content.decode()
    assert (received + datetime.timedelta(days=45)).strftime("%d/%m/%Y") in page
    assert "nessun indirizzo e-mail: per posta" in page
    web.post(
        reverse("complaints:assign", args=[complaint.pk]),
        {"assignee": operator.pk, "version": complaint.version},
    )
    complaint.refresh_from_db()
    web.post(
        reverse("complaints:answer", args=[complaint.pk]),
        {"answer": "Abbiamo sollecitato il perito.", "outcome": "partly", "version": 2},
    )
    complaint.refresh_from_db()
    assert complaint.status == Complaint.Status.ANSWERED
    assert complaint.outcome == Complaint.Outcome.PARTLY


def test_the_operators_dashboard_alerts_the_complaints_near_their_deadline(client_for, operator):
    due = registered(operator, received_on=timezone.localdate() - datetime.timedelta(days=40))
    page = client_for(operator).get(reverse("web:dashboard")).content.decode()
    assert "Reclami in scadenza" in page
    assert due.number in page


def test_the_register_exports_a_period_as_excel_and_csv(client_for, operator):
    today = timezone.localdate()
    inside = registered(operator, received_on=today)
    registered(operator, received_on=today - datetime.timedelta(days=400))
    web = client_for(operator)
    url = reverse("complaints:export")
    period = {"start": today.replace(day=1).isoformat(), "end": today.isoformat()}
    book = load_workbook(io.BytesIO(web.get(url, {**period, "formato": "xlsx"}).content))
    rows = list(book.active.values)
    assert rows[0][:3] == ("Numero", "Data di ricezione", "Canale")
    assert [row[0] for row in rows[1:]] == [inside.number]
    csv = b"".join(web.get(url, {**period, "formato": "csv"}).streaming_content).decode()
    assert inside.number in csv
    assert "Giorni trascorsi" in csv


def test_the_quarterly_summary_downloads(client_for, operator):
    registered(operator)
    web = client_for(operator)
    page = web.get(reverse("complaints:summary"))
    assert page.status_code == 200
    assert "Contratto e gestione della polizza" in page.content.decode()
    csv = b"".join(web.get(reverse("complaints:summary"), {"formato": "csv"}).streaming_content)
    assert "Contratto e gestione della polizza;1;1" in csv.decode()


def test_the_api_registers_and_answers_with_the_deadline(client_for, operator, collaborator_a):
    api = client_for(operator)
    received = timezone.localdate() - datetime.timedelta(days=3)
    created = api.post(
        "/api/complaints",
        {
            "channel": "pec",
            "received_on": str(received),
            "complainant_name": "Mario Bianchi",
            "complainant_kind": "policyholder",
            "complainant_email": "mario@example.it",
            "against": "collaborator",
            "firm_id": collaborator_a.firm_id,
            "category": "distribution",
            "text": "Il collaboratore non mi ha consegnato l'informativa.",
        },
        content_type="application/json",
    )
    assert created.status_code == 201
    body = created.json()
    assert body["due_on"] == str(received + datetime.timedelta(days=45))
    assert body["days_left"] == 42
    assert body["acknowledgement"] == "pending"
    assert body["allowed_actions"] == ["assign"]
    url = f"/api/complaints/{body['id']}"
    # the firm's administrator reads it (it is about his firm) but may not answer it
    assert client_for(collaborator_a).get(url).status_code == 200
    assigned = api.post(
        f"{url}/assign", {"assignee_id": operator.pk}, content_type="application/json"
    ).json()
    answered = api.post(
        f"{url}/answer",
        {
            "answer": "Le inviamo l'informativa.",
            "outcome": "accepted",
            "version": assigned["version"],
        },
        content_type="application/json",
    )
    assert answered.status_code == 200
    assert answered.json()["status"] == "answered"
