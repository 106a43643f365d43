"""Browser journey (reclami): a client complains through the public form linked from the
footer, on a phone; the operator assigns the complaint to himself and answers it; the answer
e-mailed to the complainant tells his right to go to IVASS and to the Arbitro Assicurativo."""

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from polis.accounts.models import User
from polis.accounts.tests.factories import PASSWORD, UserFactory
from polis.complaints.categories import install_categories
from polis.complaints.models import Category, Complaint
from polis.notify.models import OutboundMessage

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 360, "height": 800}


def test_a_complaint_from_the_public_form_to_the_answer(browser_page, screenshot):
    install_categories(Category)  # a transactional test may follow one that emptied them
    page = browser_page
    operator = UserFactory(
        role=User.Role.OPERATOR, email="op@example.it", first_name="Olga", with_totp=True
    )

    # The client, on a phone, from the footer of the home page.
    page.set_viewport_size(PHONE)
    page.goto("/")
    page.get_by_role("contentinfo").get_by_role("link", name="Reclami").click()
    page.get_by_role("heading", name="Presenta un reclamo").wait_for()
    page.get_by_label("Nome e cognome o ragione sociale").fill("Anna Neri")
    page.get_by_label("Lei è").select_option("policyholder")
    page.get_by_label("E-mail per la risposta").fill("anna.neri@example.it")
    page.get_by_label("Il reclamo riguarda").select_option("mga")
    page.get_by_label("Argomento").select_option(label="Sinistri e liquidazione")
    page.get_by_label("Testo del reclamo").fill(
        "Ho denunciato il sinistro due mesi fa e nessuno mi ha ancora contattato."
    )
    page.get_by_label("Ho letto l'informativa privacy").check()
    screenshot(page, "01-public-form-phone")
    page.get_by_role("button", name="Invia il reclamo").click()
    complaint = Complaint.objects.get()
    page.get_by_text(complaint.number).wait_for()
    screenshot(page, "02-public-done-phone")

    # The operator, at a desk.
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto("/accedi/")
    page.get_by_label("E-mail").fill(operator.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Accedi").click()
    device = TOTPDevice.objects.get(user=operator)
    page.get_by_label("Codice a 6 cifre").fill(f"{totp(device.bin_key):06d}")
    page.get_by_role("button", name="Verifica").click()
    page.get_by_role("link", name="Reclami", exact=True).first.click()
    page.get_by_role("link", name=complaint.number).click()
    page.get_by_text("Rispondere entro").wait_for()
    page.get_by_label("Assegna a").select_option(str(operator.pk))
    page.get_by_role("button", name="Assegna").click()
    page.get_by_text("Reclamo assegnato.").wait_for()
    page.get_by_label("Esito").select_option("accepted")
    page.get_by_label("Risposta al reclamante").fill(
        "Il perito la contatterà entro venerdì; ci scusiamo per il ritardo."
    )
    screenshot(page, "03-operator-answers")
    page.get_by_role("button", name="Registra e invia la risposta").click()
    page.get_by_text("Risposta registrata").wait_for()
    screenshot(page, "04-answered")
    page.set_viewport_size(PHONE)
    screenshot(page, "05-answered-phone")

    answer = OutboundMessage.objects.filter(
        recipient="anna.neri@example.it", subject__contains="Risposta al suo reclamo"
    ).get()
    assert "Il perito la contatterà entro venerdì" in answer.body_text
    assert "IVASS" in answer.body_text
    assert "Arbitro Assicurativo" in answer.body_text
