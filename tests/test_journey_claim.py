"""Browser journey (GESTIONE SINISTRI): the firm opens a claim with its documents, the operator
assigns the adjuster, the adjuster posts a quietanza, the insured contests it with an objection
on a phone, a new quietanza (typed "7.345,60") is accepted with the SMS code on the phone, with
the quietanza's own texts; the MGA pays and closes."""

import re

import pytest
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from polis.accounts.models import User
from polis.accounts.tests.factories import PASSWORD, UserFactory
from polis.claims.models import Claim
from polis.claims.tests.support import policy_in_force
from polis.notify.models import OutboundMessage
from polis.signatures.tests.support import PNG

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def _log_in(page, user, *, second_factor: bool = False):
    page.goto("/accedi/")
    page.get_by_label("E-mail").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Accedi").click()
    if second_factor:
        device = TOTPDevice.objects.get(user=user)
        page.get_by_label("Codice a 6 cifre").fill(f"{totp(device.bin_key):06d}")
        page.get_by_role("button", name="Verifica").click()
    page.get_by_role("button", name=user.get_full_name()).wait_for()


def _log_out(page, user):
    page.get_by_role("button", name=user.get_full_name()).click()
    page.get_by_role("button", name="Esci").click()


def _insured_link(client) -> str:
    sms = OutboundMessage.objects.filter(recipient=client.mobile, body_text__contains="quietanza")
    return re.search(r"https?://\S+/firma/\S+/", sms.latest("pk").body_text).group(0)


def _post_quietanza(page, amount: str):
    page.get_by_label("Importo (€)").first.fill(amount)
    page.get_by_label("Condizioni").fill("A saldo e stralcio di ogni pretesa per il sinistro.")
    page.get_by_role("button", name="Invia all'assicurato").click()
    page.get_by_text("Quietanza inviata all'assicurato").wait_for()


@pytest.mark.slow
def test_claim_from_opening_to_closing(browser_page, screenshot, live_server, settings, tmp_path):
    settings.SITE_URL = live_server.url
    page = browser_page
    agent = UserFactory(email="agente@example.it", first_name="Marco")
    operator = UserFactory(role=User.Role.OPERATOR, email="op@example.it", with_totp=True)
    adjuster = UserFactory(
        role=User.Role.ADJUSTER, email="liq@example.it", first_name="Carla", with_totp=True
    )
    policy = policy_in_force(agent)
    client = policy.client
    form = tmp_path / "modulo-denuncia.png"
    form.write_bytes(PNG)

    # APRI SINISTRO: the policy, the form, the documents of the claim type.
    _log_in(page, agent)
    page.get_by_role("link", name="APRI SINISTRO", exact=True).click()
    page.get_by_label("Cerca numero di polizza").fill(policy.policy_number)
    page.get_by_role("link", name="Apri sinistro", exact=True).first.click()
    page.get_by_label("Tipo di sinistro").select_option("richiesta_danni")
    page.get_by_label("Lettera del terzo danneggiato").wait_for()
    page.get_by_label("Data dell'evento").fill(timezone.localdate().isoformat())
    page.get_by_label("Luogo").fill("Milano")
    page.get_by_label("Descrizione").fill("Il committente contesta un errore nel progetto.")
    page.get_by_label("Modulo di denuncia").set_input_files(str(form))
    page.get_by_label("Lettera del terzo danneggiato").set_input_files(str(form))
    screenshot(page, "01-open-claim")
    page.get_by_role("button", name="Apri sinistro").click()
    page.get_by_text(re.compile(r"Sinistro aperto con il numero SIN-\d{4}-\d{6}")).wait_for()
    claim = Claim.objects.get()
    assert (
        page.get_by_text("20 giorni lavorativi").count()
        + page.get_by_text("giorni lavorativi").count()
        >= 1
    )
    screenshot(page, "02-claim-opened")
    _log_out(page, agent)

    # The operator (in a browser of their own) assigns the adjuster and records the insurer's
    # claim number.
    mga = page.context.browser.new_context(base_url=live_server.url, locale="it-IT")
    desk = mga.new_page()
    desk.set_default_timeout(15_000)
    _log_in(desk, operator, second_factor=True)
    desk.goto(f"/sinistri/{claim.pk}/")
    desk.get_by_label("Liquidatore", exact=True).select_option(label=adjuster.get_full_name())
    desk.get_by_role("button", name="Assegna").click()
    desk.get_by_text("Liquidatore assegnato.").wait_for()
    desk.get_by_label("Numero sinistro della compagnia").fill("CMP-2026-778")
    desk.get_by_role("button", name="Registra", exact=True).click()
    desk.get_by_text("Numero della compagnia registrato.").wait_for()

    # The adjuster posts the quietanza.
    _log_in(page, adjuster, second_factor=True)
    page.get_by_role("link", name="Sinistri").first.click()
    page.get_by_role("link", name=claim.number).click()
    _post_quietanza(page, "8000")
    screenshot(page, "03-quietanza-posted")

    # The insured contests it on a phone, with an objection and a file.
    phone = page.context.browser.new_context(viewport=PHONE, locale="it-IT", is_mobile=True)
    insured = phone.new_page()
    insured.set_default_timeout(15_000)
    first_link = _insured_link(client)
    insured.goto(first_link)
    insured.get_by_role("heading", name=re.compile("Quietanza del sinistro")).wait_for()
    screenshot(insured, "04-phone-quietanza")
    insured.get_by_label("Motivo").fill("L'importo non copre le spese legali sostenute.")
    insured.get_by_label("Allegati").set_input_files(str(form))
    insured.get_by_role("button", name="Contesta").click()
    insured.get_by_text("Hai contestato la quietanza").wait_for()
    # the contested quietanza's link says so, and no longer offers to accept it
    insured.goto(first_link)
    insured.get_by_text("Hai contestato la quietanza").wait_for()
    assert insured.get_by_text("Accetta la liquidazione").count() == 0

    # A new quietanza typed as Italians do, with its own e-mail and SMS to the insured.
    page.reload()
    assert page.get_by_text("L'importo non copre le spese legali").count() >= 1
    _post_quietanza(page, "7.345,60")
    _log_out(page, adjuster)
    email = OutboundMessage.objects.filter(recipient=client.email).latest("pk")
    assert email.subject == (
        f"Sinistro {claim.number}: liquidazione di € 7.345,60 da accettare o contestare"
    )
    assert (
        "€ 7.345,60"
        in OutboundMessage.objects.filter(recipient=client.mobile).latest("pk").body_text
    )
    insured.goto(_insured_link(client))
    insured.get_by_role("heading", name=re.compile("7.345,60")).wait_for()
    insured.get_by_text("Accetta la liquidazione con il codice SMS").wait_for()
    insured.get_by_label(re.compile("Ho letto la nota informativa")).check()
    insured.get_by_role("button", name="Accetto").click()
    insured.get_by_role("button", name="Invia codice").click()
    insured.get_by_text("Ti abbiamo inviato il codice via SMS.").wait_for()
    sms = OutboundMessage.objects.filter(recipient=client.mobile, body_text__startswith="Codice")
    code = re.search(r"Codice firma (\d{6})", sms.latest("pk").body_text).group(1)
    insured.get_by_label(re.compile("Codice ricevuto")).fill(code)
    insured.get_by_role("button", name="Accetta la liquidazione").click()
    insured.get_by_text("Hai accettato la liquidazione. Te ne abbiamo inviato").wait_for()
    screenshot(insured, "05-phone-accepted")
    phone.close()
    done = OutboundMessage.objects.filter(recipient=client.email).latest("pk")
    assert done.subject == f"Hai accettato la liquidazione del sinistro {claim.number}"

    # The MGA pays and closes.
    desk.goto(f"/sinistri/{claim.pk}/")
    desk.get_by_label("Importo (€)").fill("7.345,60")
    desk.get_by_label("IBAN del beneficiario").fill("IT60X0542811101000000123456")
    desk.get_by_role("button", name="Registra pagamento").click()
    desk.get_by_text("Pagamento registrato.").wait_for()
    desk.get_by_role("button", name="Chiudi il sinistro").click()
    desk.get_by_text("Sinistro chiuso.").first.wait_for()
    screenshot(desk, "06-closed")
    desk.get_by_role("link", name="Dashboard").click()
    desk.get_by_text("Giorni lavorativi medi al numero della compagnia").wait_for()
    desk.wait_for_timeout(500)  # the chart draws itself
    screenshot(desk, "07-operator-dashboard")
    mga.close()
    claim.refresh_from_db()
    assert claim.status == Claim.Status.CLOSED
    assert list(claim.quietanze.values_list("status", flat=True)) == ["refused", "accepted"]
