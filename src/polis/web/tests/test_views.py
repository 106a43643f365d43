import pytest
from django.db import OperationalError, connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from polis.accounts.models import Firm
from polis.accounts.tests.factories import FirmFactory
from polis.notify.models import OutboundMessage
from polis.web.models import ContactRequest, FaqEntry

pytestmark = pytest.mark.django_db

CONTACT = {
    "name": "Ada Lovelace",
    "email": "ada@example.it",
    "phone": "333 123 4567",
    "subject": "Preventivo con sinistri",
    "message": "Un cliente ha avuto due sinistri: potete aiutarmi?",
    "privacy": "on",
}


def test_home_offers_login_top_right_and_registration(client):
    # when
    page = client.get(reverse("web:home")).content.decode()
    # then
    assert 'href="/accedi/"' in page
    assert "Registrati" in page


def test_faq_lists_the_seed_questions_by_section(client):
    # when
    response = client.get(reverse("web:faq"))
    # then
    page = response.content.decode()
    assert "Come usare la Firma Digitale?" in page
    assert "Come funziona la Blockchain, e perché usarla?" in page
    assert page.count("<details") == 9


def test_the_blockchain_answer_says_what_the_register_is(client):
    # when
    page = client.get(reverse("web:faq")).content.decode()
    # then it promises detection, not the impossible, and no personal data
    assert "non sarà possibile in alcun modo alterare" not in page
    assert "soltanto la sua impronta digitale (hash SHA-256)" in page
    assert "mai nomi, codici fiscali o altri dati personali" in page
    assert "senza che se ne accorga chiunque conservi un checkpoint precedente" in page


def test_an_faq_answer_edited_in_the_admin_shows_at_once(
    client, client_for, admin_user, django_capture_on_commit_callbacks
):
    # given: the FAQ and a search were shown (and cached) with the old answer
    entry = FaqEntry.objects.get(question="Come usare la Firma Digitale?")
    for _ in range(2):
        client.get(reverse("web:faq"))
        client.get(reverse("web:faq"), {"q": "firma"})
    # when the MGA rewrites it in the admin
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(admin_user).post(
            reverse("admin:web_faqentry_change", args=[entry.pk]),
            {
                "section": entry.section,
                "question": entry.question,
                "answer": "Risposta riscritta dall'MGA.",
                "position": entry.position,
                "published": "on",
            },
        )
    # then visitors read the new answer, searching or not
    assert response.status_code == 302
    assert "Risposta riscritta dall&#x27;MGA." in client.get(reverse("web:faq")).content.decode()
    searched = client.get(reverse("web:faq"), {"q": "firma"}).content.decode()
    assert "Risposta riscritta dall&#x27;MGA." in searched


def test_faq_search_returns_only_the_matching_partial_to_htmx(client):
    # when
    response = client.get(reverse("web:faq"), {"q": "quietanza"}, HTTP_HX_REQUEST="true")
    # then
    page = response.content.decode()
    assert "<html" not in page
    assert page.count("<summary>") == 3
    assert "Gestione interna dei sinistri" in page
    assert "Cosa succede al momento della liquidazione del danno?" in page
    assert "Come funziona la Blockchain, e perché usarla?" in page  # signed quietanze are logged
    assert "Come usare la Firma Digitale?" not in page


def test_faq_search_finds_other_forms_of_a_word_on_postgresql(client):
    if connection.vendor != "postgresql":
        pytest.skip("Italian stemming is PostgreSQL's full-text search")
    # «rinnovare» is nowhere in the FAQ; «rinnovo» and «rinnovi» are
    page = client.get(reverse("web:faq"), {"q": "rinnovare"}).content.decode()
    assert "<summary>" in page
    assert all("rinnov" in entry.lower() for entry in page.split("<summary>")[1:])


def test_contact_request_is_stored_and_emailed_to_the_mga(client):
    # when
    response = client.post(reverse("web:contact"), CONTACT)
    # then
    assert response["Location"] == reverse("web:contact_done")
    contact = ContactRequest.objects.get()
    assert (contact.phone, contact.privacy_accepted_at is not None) == ("+393331234567", True)
    email = OutboundMessage.objects.get()
    assert (email.recipient, email.subject) == (
        "assistenza@polis.local",
        "Contattaci: Preventivo con sinistri",
    )


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("email", "ada@", "Inserisci un indirizzo email valido."),
        ("phone", "12", "Numero di telefono non valido."),
        ("privacy", "", "Questo campo è obbligatorio."),
        ("message", "", "Questo campo è obbligatorio."),
    ],
)
def test_contact_refuses_bad_input_and_stores_nothing(client, field, value, message):
    # when
    response = client.post(reverse("web:contact"), {**CONTACT, field: value})
    # then
    assert response.context["form"].errors[field] == [message]
    assert not ContactRequest.objects.exists()
    assert not OutboundMessage.objects.exists()


def test_honeypot_looks_accepted_but_stores_nothing(client):
    # when
    response = client.post(reverse("web:contact"), {**CONTACT, "website": "http://spam"})
    # then
    assert response["Location"] == reverse("web:contact_done")
    assert not ContactRequest.objects.exists()


def test_the_privacy_checkbox_links_to_the_privacy_notice(client, settings):
    # when
    form = client.get("/contattaci/").content.decode()
    notice = client.get("/privacy/").content.decode()
    # then
    label = form[
        form.index('for="id_privacy"') : form.index("</label>", form.index('for="id_privacy"'))
    ]
    assert 'href="/privacy/"' in label
    assert "Informativa privacy del modulo Contattaci" in notice
    assert settings.MGA_LEGAL_NAME in notice
    assert "Garante per la protezione dei dati personali" in notice


def test_contact_is_rate_limited_per_address(client, settings):
    # given
    settings.CONTACT_RATE = "2/h"
    for _ in range(2):
        client.post(reverse("web:contact"), CONTACT)
    # when
    response = client.post(reverse("web:contact"), CONTACT)
    # then
    assert response.context["form"].non_field_errors() == [
        "Hai inviato troppi messaggi. Riprova più tardi."
    ]
    assert ContactRequest.objects.count() == 2


def test_collaborator_dashboard_shows_the_four_actions_each_live_once_it_lands(
    client_for, collaborator_a
):
    # when
    response = client_for(collaborator_a).get(reverse("web:dashboard"))
    # then
    tiles = response.context["tiles"]
    assert [str(t.label) for t in tiles] == [
        "AGGIUNGI PRATICA",
        "RINNOVA PRATICA",
        "FAI PREVENTIVO",
        "PRATICHE E PREVENTIVI",
    ]
    page = response.content.decode()
    assert f'href="{reverse("claims:eligible_policies")}"' in page
    assert f'href="{reverse("practices:renewals")}"' in page
    assert page.count("disponibile a breve") == sum(tile.url is None for tile in tiles)


def test_operator_dashboard_counts_the_queues(client_for, operator, firm_a, client):
    # given
    FirmFactory(status=Firm.Status.PENDING)
    client.post(reverse("web:contact"), CONTACT)
    # when
    response = client_for(operator).get(reverse("web:dashboard"))
    # then
    assert (response.context["pending_firms"], response.context["open_contacts"]) == (1, 1)
    assert response.context["tiles"] == []


def test_operator_marks_a_contact_request_handled(client_for, operator, client):
    # given
    client.post(reverse("web:contact"), CONTACT)
    contact = ContactRequest.objects.get()
    staff = client_for(operator)
    # when
    staff.post(reverse("web:contact_request_handled", args=[contact.pk]))
    # then
    contact.refresh_from_db()
    assert contact.handled_by == operator
    assert len(staff.get(reverse("web:contact_requests")).context["page"]) == 0


def test_pages_send_a_strict_content_security_policy(client):
    # when
    response = client.get(reverse("web:home"))
    # then
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert response["X-Frame-Options"] == "DENY"


def test_an_unreachable_database_gives_a_clear_503(client, monkeypatch):
    # given
    def down(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr("polis.web.selectors.faq_entries", down)
    # when
    response = client.get(reverse("web:faq"))
    # then
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "Servizio momentaneamente non disponibile" in response.content.decode()


def test_contact_requests_are_paginated_with_constant_queries(
    client_for, operator, django_assert_num_queries
):
    # given
    ContactRequest.objects.bulk_create(
        ContactRequest(
            name="A",
            email="a@example.it",
            subject=f"Oggetto {n}",
            message="m",
            privacy_accepted_at=timezone.now(),
        )
        for n in range(60)
    )
    staff = client_for(operator)
    # when
    with django_assert_num_queries(6):
        first = staff.get(reverse("web:contact_requests"))
    with django_assert_num_queries(6):
        last = staff.get(reverse("web:contact_requests"), {"pagina": 3})
    # then
    assert len(first.context["page"]) == 25
    assert len(last.context["page"]) == 10
    assert "pagina=2" in first.content.decode()


@pytest.mark.parametrize("path", ["/nessuna-pagina/", "/clienti/999999/"])
@pytest.mark.parametrize("debug", [True, False], ids=["embedded-default", "production"])
def test_a_missing_page_answers_the_projects_own_italian_404(
    client, collaborator_a, settings, debug, path
):
    # given the embedded default (DEBUG on) or production; a URL no pattern matches, or an
    # object that does not exist
    settings.DEBUG = debug
    client.force_login(collaborator_a)
    # when
    response = client.get(path)
    # then
    assert response.status_code == 404
    assert "Pagina non trovata" in response.text
    assert "DEBUG = True" not in response.text


@pytest.mark.parametrize("debug", [True, False], ids=["embedded-default", "production"])
def test_a_failure_answers_the_projects_own_italian_500(settings, monkeypatch, debug, caplog):
    # given the embedded default (DEBUG on) or production, and a page that fails
    settings.DEBUG = debug

    def broken(**kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr("polis.web.selectors.faq_entries_html", broken)
    # when
    response = Client(raise_request_exception=False).get(reverse("web:faq"))
    # then the visitor reads the project's page, the log keeps the traceback
    assert response.status_code == 500
    assert "Si è verificato un errore" in response.text
    assert "Traceback" not in response.text
    assert "RuntimeError: boom" in caplog.text


def test_a_refused_permission_answers_the_projects_own_italian_403(
    client, collaborator_a, settings
):
    settings.DEBUG = True
    client.force_login(collaborator_a)
    response = client.get(reverse("accounts:firm_queue"))
    assert response.status_code == 403
    assert "Accesso negato" in response.text
