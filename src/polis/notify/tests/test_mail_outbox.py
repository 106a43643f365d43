"""Posta inviata: administrators read the sent e-mails in the app with the development backends."""

import runpy
import secrets

import pytest

import polis.settings
from polis.documents.services import store_file
from polis.documents.validation import ValidatedFile
from polis.notify.models import OutboundMessage

pytestmark = pytest.mark.django_db

SIGNING_LINK = "http://127.0.0.1:8000/firma/abc123/"


def sent_email(**fields) -> OutboundMessage:
    values = {
        "channel": OutboundMessage.Channel.EMAIL,
        "recipient": "cliente@example.it",
        "subject": "Documenti da firmare",
        "body_text": f"Firma qui: {SIGNING_LINK}",
        "body_html": (
            '<!doctype html><html><head><meta charset="utf-8"></head><body>'
            f'<a href="{SIGNING_LINK}">Firma</a><script>alert(1)</script></body></html>'
        ),
        "status": OutboundMessage.Status.SENT,
    }
    return OutboundMessage.objects.create(**(values | fields))


def attachment(name="contratto.pdf"):
    return store_file(
        actor=None,
        validated=ValidatedFile(
            name=name, content_type="application/pdf", size=8, sha256="0" * 64, content=b"%PDF-1.7"
        ),
    )


def test_admin_finds_the_sent_emails_in_posta_inviata_from_the_menu(client_for, admin_user):
    # given
    email = sent_email()
    OutboundMessage.objects.create(channel="sms", recipient="+393331234567", body_text="SMS")
    client = client_for(admin_user)
    # when
    dashboard = client.get("/back-office/sms/").content.decode()
    page = client.get("/back-office/posta/").content.decode()
    # then
    assert "Posta inviata" in dashboard
    assert "Documenti da firmare" in page
    assert "cliente@example.it" in page
    assert f"/back-office/posta/{email.pk}/" in page
    assert "+393331234567" not in page


def test_older_emails_are_reached_page_by_page(client_for, admin_user):
    # given
    oldest = sent_email(subject="La prima e-mail")
    for n in range(50):
        sent_email(subject=f"E-mail {n}")
    client = client_for(admin_user)
    # when
    first = client.get("/back-office/posta/").content.decode()
    second = client.get("/back-office/posta/?pagina=2").content.decode()
    # then
    assert "La prima e-mail" not in first
    assert "?pagina=2" in first
    assert f"/back-office/posta/{oldest.pk}/" in second


def test_the_email_detail_shows_headers_attachments_and_the_body_in_a_sandboxed_frame(
    client_for, admin_user
):
    # given
    email = sent_email()
    email.attachments.add(attachment())
    client = client_for(admin_user)
    # when
    page = client.get(f"/back-office/posta/{email.pk}/").content.decode()
    download = client.get(f"/back-office/posta/{email.pk}/allegati/{email.attachments.get().pk}/")
    # then
    assert "cliente@example.it" in page
    assert "Inviato" in page
    assert "contratto.pdf" in page
    assert f'src="/back-office/posta/{email.pk}/corpo/"' in page
    assert 'sandbox="allow-popups allow-popups-to-escape-sandbox"' in page
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"%PDF-1.7"
    assert "attachment" in download["Content-Disposition"]


def test_the_html_body_is_served_sandboxed_with_links_opening_outside(client_for, admin_user):
    # given
    email = sent_email()
    # when
    response = client_for(admin_user).get(f"/back-office/posta/{email.pk}/corpo/")
    # then
    body = response.content.decode()
    csp = response["Content-Security-Policy"]
    assert '<head><base target="_blank"><meta charset="utf-8">' in body
    assert f'href="{SIGNING_LINK}"' in body
    assert "sandbox allow-popups" in csp
    assert "default-src 'none'" in csp
    assert "script-src" not in csp  # scripts fall back to default-src 'none'
    assert response["X-Frame-Options"] == "SAMEORIGIN"


def test_a_text_only_body_is_escaped_and_its_links_clickable(client_for, admin_user):
    # given
    email = sent_email(body_html="", body_text=f"<b>Ciao</b> apri {SIGNING_LINK}")
    # when
    body = client_for(admin_user).get(f"/back-office/posta/{email.pk}/corpo/").content.decode()
    # then
    assert "&lt;b&gt;Ciao&lt;/b&gt;" in body
    assert f'<a href="{SIGNING_LINK}"' in body


def test_an_attachment_of_another_email_is_not_served(client_for, admin_user):
    # given
    email, other = sent_email(), sent_email()
    other.attachments.add(attachment("altrui.pdf"))
    # when
    response = client_for(admin_user).get(
        f"/back-office/posta/{email.pk}/allegati/{other.attachments.get().pk}/"
    )
    # then
    assert response.status_code == 404


def test_with_a_real_mail_server_posta_inviata_is_not_offered(client_for, admin_user, settings):
    # given
    settings.EMAIL_OUTBOX_PAGE = False
    email = sent_email()
    client = client_for(admin_user)
    # when
    dashboard = client.get("/back-office/sms/").content.decode()
    responses = [
        client.get(url).status_code
        for url in (
            "/back-office/posta/",
            f"/back-office/posta/{email.pk}/",
            f"/back-office/posta/{email.pk}/corpo/",
        )
    ]
    # then
    assert "Posta inviata" not in dashboard
    assert responses == [404, 404, 404]


@pytest.mark.parametrize(
    ("debug", "backend", "offered"),
    [("1", "console", True), ("1", "file", True), ("1", "smtp", False), ("0", "file", False)],
)
def test_the_page_is_offered_in_development_with_the_development_backends(
    debug, backend, offered, monkeypatch
):
    # given
    monkeypatch.setenv("DEBUG", debug)
    monkeypatch.setenv("EMAIL_BACKEND", backend)
    monkeypatch.setenv("SECRET_KEY", secrets.token_urlsafe(50))
    # when the settings are read as a process starting with this environment reads them
    loaded = runpy.run_path(polis.settings.__file__)
    # then
    assert loaded["EMAIL_OUTBOX_PAGE"] is offered
