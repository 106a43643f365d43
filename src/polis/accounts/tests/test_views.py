import re

import pytest
from django.db import OperationalError
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from polis.accounts import services
from polis.accounts.models import Firm, User
from polis.accounts.tests.factories import PASSWORD, FirmFactory, UserFactory
from polis.audit.models import AuditEvent
from polis.notify.models import OutboundMessage

pytestmark = pytest.mark.django_db

REGISTRATION = {
    "name": "Agenzia Nuova S.r.l.",
    "partita_iva": "IT 12345670157",
    "rui_section": "B",
    "rui_number": "b000137064",
    "address": "Via Verdi 3",
    "city": "Bologna",
    "postal_code": "40121",
    "province": "bo",
    "pec": "nuova@pec.example.it",
    "first_name": "Sara",
    "last_name": "Neri",
    "email": "sara@example.it",
    "password": "Cavallo-Batteria-42",
    "password_confirm": "Cavallo-Batteria-42",
    "privacy": "on",
}


def code_for(user) -> str:
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    return f"{totp(device.bin_key):06d}"


def test_registration_stores_normalized_identifiers(client):
    # when
    response = client.post(reverse("accounts:register"), REGISTRATION)
    # then
    assert response.status_code == 302
    firm = Firm.objects.get()
    assert (firm.partita_iva, firm.rui_number, firm.province, firm.status) == (
        "12345670157",
        "B000137064",
        "BO",
        Firm.Status.PENDING,
    )


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("partita_iva", "12345670158", "Partita IVA non valida"),
        ("rui_number", "B12345", "Numero RUI non valido"),
        ("rui_number", "A000137064", "ma la sezione indicata è B"),
        ("postal_code", "4012", "Il CAP ha 5 cifre."),
        ("email", "non-una-email", "Inserisci un indirizzo email valido."),
        ("password_confirm", "Diversa-Password-42", "Le due password non coincidono."),
        ("password", "73916482057", "Questa password è interamente numerica."),
    ],
)
def test_registration_refuses_bad_input_next_to_the_field(client, field, value, message):
    # when
    data = {**REGISTRATION, field: value}
    if field == "password":
        data["password_confirm"] = value
    response = client.post(reverse("accounts:register"), data)
    # then
    assert response.status_code == 200
    assert message in response.context["form"].errors[field][0]
    assert 'aria-invalid="true"' in response.content.decode()
    assert not Firm.objects.exists()
    assert not User.objects.exists()


def test_registration_answers_the_same_for_a_known_email(client, collaborator_a):
    # when
    response = client.post(
        reverse("accounts:register"), {**REGISTRATION, "email": "alfa@example.it"}
    )
    # then
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:register_done")
    assert not Firm.objects.filter(name="Agenzia Nuova S.r.l.").exists()


def test_collaborator_logs_in_with_email_and_password(client, collaborator_a):
    # when
    response = client.post(
        reverse("accounts:login"), {"email": "ALFA@example.it", "password": PASSWORD}
    )
    # then
    assert response.status_code == 302
    assert response["Location"] == reverse("web:dashboard")
    assert client.get(reverse("web:dashboard")).status_code == 200


def test_wrong_password_and_unknown_email_read_the_same(client, collaborator_a):
    # when
    wrong = client.post(reverse("accounts:login"), {"email": "alfa@example.it", "password": "x"})
    unknown = client.post(reverse("accounts:login"), {"email": "no@example.it", "password": "x"})
    # then
    assert wrong.context["form"].non_field_errors() == ["E-mail o password non corretti."]
    assert unknown.context["form"].non_field_errors() == ["E-mail o password non corretti."]


def test_pending_firm_cannot_log_in_yet(client):
    # given
    user = UserFactory(firm=FirmFactory(status=Firm.Status.PENDING))
    # when
    response = client.post(reverse("accounts:login"), {"email": user.email, "password": PASSWORD})
    # then
    assert response.context["form"].non_field_errors() == [
        "La registrazione della tua agenzia non è ancora approvata."
    ]
    assert "_auth_user_id" not in client.session


def log_in(client, email: str, password: str, address: str = "203.0.113.7", **headers):
    return client.post(
        reverse("accounts:login"),
        {"email": email, "password": password},
        REMOTE_ADDR=address,
        **headers,
    )


def refusal(response) -> list[str]:
    return response.context["form"].non_field_errors() if response.status_code == 200 else []


@pytest.fixture
def clock(monkeypatch):
    """time.time() under the test's control (the cache's expiry reads it too)."""
    now = [1_800_000_000.0]
    monkeypatch.setattr("time.time", lambda: now[0])
    return now


def test_successful_logins_do_not_count_towards_any_limit(client, collaborator_a):
    # when the same person logs in 12 times in a few minutes from one address
    outcomes = [log_in(client, "alfa@example.it", PASSWORD).status_code for _ in range(12)]
    # then every login works
    assert outcomes == [302] * 12


def test_failures_delay_that_account_from_that_address_only(client, collaborator_a, clock):
    # given five wrong passwords for alfa from one address
    for _ in range(5):
        assert refusal(log_in(client, "alfa@example.it", "x")) == [
            "E-mail o password non corretti."
        ]
    # when the right password is tried at once from the same address, and from a colleague's
    same = log_in(client, "alfa@example.it", PASSWORD)
    other = log_in(client, "alfa@example.it", PASSWORD, address="198.51.100.2")
    # then the first waits, the colleague is not locked out
    assert refusal(same) == ["Troppi tentativi non riusciti: riprova tra 30 secondi."]
    assert other.status_code == 302


def test_the_delay_grows_with_each_further_failure(client, collaborator_a, clock):
    # given five failures: 30 seconds to wait
    for _ in range(5):
        log_in(client, "alfa@example.it", "x")
    clock[0] += 30
    # when one more fails after the wait
    assert refusal(log_in(client, "alfa@example.it", "x")) == ["E-mail o password non corretti."]
    # then the next wait is 60 seconds
    assert refusal(log_in(client, "alfa@example.it", PASSWORD)) == [
        "Troppi tentativi non riusciti: riprova tra 1 minuto."
    ]
    clock[0] += 59
    assert log_in(client, "alfa@example.it", PASSWORD).status_code == 200
    clock[0] += 1
    assert log_in(client, "alfa@example.it", PASSWORD).status_code == 302


def test_a_success_forgets_the_failures(client, collaborator_a, clock):
    # given
    for _ in range(4):
        log_in(client, "alfa@example.it", "x")
    log_in(client, "alfa@example.it", PASSWORD)
    # when four more fail
    for _ in range(4):
        log_in(client, "alfa@example.it", "x")
    # then the right password still works at once
    assert log_in(client, "alfa@example.it", PASSWORD).status_code == 302


def test_unknown_emails_are_delayed_the_same_way(client, clock):
    # when
    for _ in range(5):
        log_in(client, "no@example.it", "x")
    # then
    assert refusal(log_in(client, "no@example.it", "x")) == [
        "Troppi tentativi non riusciti: riprova tra 30 secondi."
    ]


def test_behind_the_proxy_each_client_is_counted_on_its_own_address(
    client, collaborator_a, settings, clock
):
    # given the reverse proxy at 10.0.0.2, and a client there failing five times
    settings.TRUSTED_PROXIES = ["10.0.0.2"]
    for _ in range(5):
        log_in(client, "alfa@example.it", "x", "10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.7")
    # when
    attacker = log_in(
        client, "alfa@example.it", PASSWORD, "10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.7"
    )
    office = log_in(
        client, "alfa@example.it", PASSWORD, "10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.2"
    )
    # then
    assert refusal(attacker) == ["Troppi tentativi non riusciti: riprova tra 30 secondi."]
    assert office.status_code == 302


def test_one_address_trying_many_accounts_hits_the_flood_limit(client, settings):
    # given
    settings.LOGIN_FLOOD_RATE = "3/15m"
    for n in range(3):
        log_in(client, f"utente{n}@example.it", "x")
    # when
    response = log_in(client, "altro@example.it", "x")
    # then
    assert refusal(response) == ["Troppi tentativi di accesso. Riprova tra qualche minuto."]


def test_operator_needs_the_second_factor(client, operator, settings):
    # given
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # the device's own delay after a wrong code
    # when
    first = client.post(reverse("accounts:login"), {"email": operator.email, "password": PASSWORD})
    # then
    assert first["Location"] == reverse("accounts:login_otp")
    assert client.get(reverse("web:dashboard")).status_code == 302
    wrong = client.post(reverse("accounts:login_otp"), {"token": "000000"})
    assert wrong.context["form"].errors["token"] == ["Codice non valido."]
    right = client.post(reverse("accounts:login_otp"), {"token": code_for(operator)})
    assert right["Location"] == reverse("web:dashboard")
    assert client.get(reverse("web:dashboard")).status_code == 200


def test_otp_attempts_are_bounded(client, operator):
    # given
    client.post(reverse("accounts:login"), {"email": operator.email, "password": PASSWORD})
    for _ in range(5):
        client.post(reverse("accounts:login_otp"), {"token": "000000"})
    # when
    response = client.post(reverse("accounts:login_otp"), {"token": code_for(operator)})
    # then
    assert response.context["form"].errors["token"] == [
        "Troppi tentativi. Riprova tra qualche minuto."
    ]
    assert "_auth_user_id" not in client.session


def test_new_operator_must_enroll_an_authenticator_before_entering(client):
    # given
    user = UserFactory(role=User.Role.OPERATOR, email="nuovo.op@example.it")
    # when
    first = client.post(reverse("accounts:login"), {"email": user.email, "password": PASSWORD})
    page = client.get(reverse("accounts:login_enroll"))
    # then
    assert first["Location"] == reverse("accounts:login_enroll")
    assert "<svg" in page.content.decode()
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    done = client.post(reverse("accounts:login_enroll"), {"token": f"{totp(device.bin_key):06d}"})
    assert done["Location"] == reverse("web:dashboard")
    assert TOTPDevice.objects.get(user=user).confirmed


def test_password_reset_does_not_reveal_accounts(client, collaborator_a):
    # when
    known = client.post(reverse("accounts:password_reset"), {"email": "alfa@example.it"})
    unknown = client.post(reverse("accounts:password_reset"), {"email": "no@example.it"})
    # then
    assert known["Location"] == unknown["Location"] == reverse("accounts:password_reset_done")
    email = OutboundMessage.objects.get(recipient="alfa@example.it")
    link = next(line for line in email.body_text.splitlines() if "/password/nuova/" in line)
    path = link[link.index("/password/nuova/") :]
    form_page = client.get(path, follow=True)
    assert form_page.context["validlink"]
    client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "Nuova-Password-99", "new_password2": "Nuova-Password-99"},
    )
    collaborator_a.refresh_from_db()
    assert collaborator_a.check_password("Nuova-Password-99")


def test_invited_colleague_sets_a_password_and_logs_in(client, client_for, collaborator_a):
    # given
    inviter = client_for(collaborator_a)
    inviter.post(
        reverse("accounts:colleagues"),
        {"first_name": "Ugo", "last_name": "Blu", "email": "ugo@example.it"},
    )
    email = OutboundMessage.objects.get(recipient="ugo@example.it")
    path = email.body_text[email.body_text.index("/invito/") :].split()[0]
    # when
    page = client.get(path, follow=True)
    client.post(
        page.redirect_chain[-1][0],
        {"new_password1": "Nuova-Password-99", "new_password2": "Nuova-Password-99"},
    )
    response = client.post(
        reverse("accounts:login"), {"email": "ugo@example.it", "password": "Nuova-Password-99"}
    )
    # then
    assert response["Location"] == reverse("web:dashboard")
    assert User.objects.get(email="ugo@example.it").firm == collaborator_a.firm


def test_admin_site_requires_the_two_factor_session(client, admin_user):
    # given
    client.force_login(admin_user)
    # when
    response = client.get(reverse("admin:index"))
    # then
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_a_user_with_a_device_cannot_skip_its_code_by_enrolling_a_new_one(client, operator):
    # given: the password step passed, the second factor not
    client.post(reverse("accounts:login"), {"email": operator.email, "password": PASSWORD})
    old = TOTPDevice.objects.get(user=operator)
    # when the attacker opens the enrollment page and confirms a fresh secret
    page = client.get(reverse("accounts:login_enroll"))
    fresh = services.start_totp_enrollment(actor=operator)  # as the page used to show it
    post = client.post(reverse("accounts:login_enroll"), {"token": f"{totp(fresh.bin_key):06d}"})
    # then: sent to the code of the real device, not logged in, the device untouched
    assert page["Location"] == post["Location"] == reverse("accounts:login_otp")
    assert "_auth_user_id" not in client.session
    assert TOTPDevice.objects.get(user=operator, confirmed=True) == old
    assert client.get(reverse("web:dashboard"))["Location"].startswith(reverse("accounts:login"))
    assert not OutboundMessage.objects.exists()


def test_adjuster_without_a_device_must_enroll_at_login(client):
    # given
    adjuster = UserFactory(role=User.Role.ADJUSTER, email="nuovo.liq@example.it")
    # when
    first = client.post(reverse("accounts:login"), {"email": adjuster.email, "password": PASSWORD})
    # then
    assert first["Location"] == reverse("accounts:login_enroll")
    assert client.get(reverse("claims:list"))["Location"].startswith(reverse("accounts:login"))


def test_adjuster_session_without_the_second_factor_cannot_read_claims(client, adjuster):
    # given: a session opened with the password alone (as before two factors were required)
    client.force_login(adjuster)
    # when
    page = client.get(reverse("claims:list"))
    # then
    assert page.status_code == 302
    assert page["Location"].startswith(reverse("accounts:login"))
    assert "_auth_user_id" not in client.session
    assert "richiede la verifica in due passaggi" in client.get(page["Location"]).content.decode()


def test_a_pending_firms_session_is_not_a_login(client):
    # given
    user = UserFactory(firm=FirmFactory(status=Firm.Status.PENDING))
    client.force_login(user)
    # when
    response = client.get(reverse("web:dashboard"))
    # then
    assert response["Location"].startswith(reverse("accounts:login"))


def test_firm_admin_makes_two_factor_mandatory_and_colleagues_enroll(client, client_for, firm_a):
    # given
    admin = UserFactory(firm=firm_a, is_firm_admin=True, with_totp=True)
    colleague = UserFactory(firm=firm_a)
    colleague_session = client_for(colleague)
    # when
    response = client_for(admin).post(
        reverse("accounts:firm_two_factor"), {"two_factor_required": "on"}
    )
    # then
    assert response["Location"] == reverse("accounts:colleagues")
    firm_a.refresh_from_db()
    assert firm_a.two_factor_required
    assert colleague_session.get("/api/claims").status_code == 401
    dashboard = colleague_session.get(reverse("web:dashboard"))
    assert dashboard["Location"].startswith(reverse("accounts:login"))
    login = client.post(reverse("accounts:login"), {"email": colleague.email, "password": PASSWORD})
    assert login["Location"] == reverse("accounts:login_enroll")
    page = client_for(admin).get(reverse("accounts:colleagues")).content.decode()
    assert page.count("verifica in due passaggi attiva") == 1  # the administrator's
    assert re.search(r'<input type="checkbox" name="two_factor_required"[^>]* checked', page)


def test_security_page_replaces_the_device_with_the_current_code(client_for, operator, settings):
    # given
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    client = client_for(operator)
    old = TOTPDevice.objects.get(user=operator)
    page = client.get(reverse("accounts:security") + "?sostituisci=1")
    new = TOTPDevice.objects.get(user=operator, confirmed=False)
    assert "<svg" in page.content.decode()
    # when the current code is wrong
    wrong = client.post(
        reverse("accounts:security"),
        {"action": "replace", "current_token": "000000", "token": f"{totp(new.bin_key):06d}"},
    )
    # then nothing changed
    assert wrong.status_code == 200
    assert wrong.context["form"].errors["current_token"] == [
        "Il codice dell'app attuale non è valido."
    ]
    assert TOTPDevice.objects.get(user=operator, confirmed=True) == old
    # when both codes are right
    done = client.post(
        reverse("accounts:security"),
        {
            "action": "replace",
            "current_token": f"{totp(old.bin_key):06d}",
            "token": f"{totp(new.bin_key):06d}",
        },
    )
    # then the new device counts, this session stays in, the user is told
    assert done["Location"] == reverse("accounts:security")
    assert list(TOTPDevice.objects.filter(user=operator)) == [new]
    assert client.get(reverse("web:dashboard")).status_code == 200
    assert OutboundMessage.objects.get().recipient == operator.email
    assert AuditEvent.objects.filter(action="user.2fa_replaced").count() == 1


def test_security_page_turns_two_factor_off_only_with_a_code(client_for, collaborator_a, settings):
    # given
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    device = TOTPDevice.objects.create(user=collaborator_a, name="app", confirmed=True)
    client = client_for(collaborator_a)
    # when
    refused = client.post(reverse("accounts:security"), {"action": "disable"})
    wrong = client.post(reverse("accounts:security"), {"action": "disable", "token": "000000"})
    # then
    assert refused.status_code == wrong.status_code == 200
    assert TOTPDevice.objects.filter(user=collaborator_a).exists()
    right = client.post(
        reverse("accounts:security"), {"action": "disable", "token": f"{totp(device.bin_key):06d}"}
    )
    assert right["Location"] == reverse("accounts:security")
    assert not TOTPDevice.objects.filter(user=collaborator_a).exists()
    assert OutboundMessage.objects.get().subject == (
        "Verifica in due passaggi disattivata sul tuo account"
    )


def test_password_reset_queues_an_email_for_an_unknown_address_too(client, collaborator_a):
    # when
    client.post(reverse("accounts:password_reset"), {"email": "alfa@example.it"})
    client.post(reverse("accounts:password_reset"), {"email": "no@example.it"})
    # then the same work is done for both: one e-mail queued each, with the same subject
    known = OutboundMessage.objects.get(recipient="alfa@example.it")
    unknown = OutboundMessage.objects.get(recipient="no@example.it")
    assert known.subject == unknown.subject == "Recupero password"
    assert "/password/nuova/" in known.body_text
    assert "non corrisponde a un account attivo" in unknown.body_text
    assert "/password/nuova/" not in unknown.body_text


def reset(client, email: str, address: str = "203.0.113.7"):
    return client.post(reverse("accounts:password_reset"), {"email": email}, REMOTE_ADDR=address)


def test_password_reset_is_throttled_per_email_from_any_address(client, settings, collaborator_a):
    # given
    settings.PASSWORD_RESET_RATE = "3/h"
    for n in range(3):
        assert reset(client, "alfa@example.it", f"198.51.100.{n}").status_code == 302
    # when
    response = reset(client, "alfa@example.it", "198.51.100.9")
    # then
    assert refusal(response) == ["Troppe richieste di recupero password. Riprova più tardi."]
    assert OutboundMessage.objects.filter(recipient="alfa@example.it").count() == 3


def test_password_reset_is_throttled_per_address(client, settings):
    # given
    settings.PASSWORD_RESET_RATE = "3/h"
    for n in range(3):
        reset(client, f"utente{n}@example.it")
    # when
    response = reset(client, "altro@example.it")
    # then
    assert refusal(response) == ["Troppe richieste di recupero password. Riprova più tardi."]
    assert not OutboundMessage.objects.filter(recipient="altro@example.it").exists()


def test_staff_are_told_two_factor_cannot_be_turned_off(client_for, operator):
    # given
    device = TOTPDevice.objects.get(user=operator)
    # when
    response = client_for(operator).post(
        reverse("accounts:security"), {"action": "disable", "token": f"{totp(device.bin_key):06d}"}
    )
    # then
    assert "obbligatoria per il tuo account" in response.content.decode()
    assert TOTPDevice.objects.filter(user=operator).exists()


def test_a_direct_client_cannot_dodge_the_delay_by_writing_the_header(
    client, collaborator_a, settings, clock
):
    # given the app behind a proxy at 10.0.0.2; the attacker reaches the app directly
    settings.TRUSTED_PROXIES = ["10.0.0.2"]
    for n in range(5):
        log_in(client, "alfa@example.it", "x", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}")
    # when
    response = log_in(client, "alfa@example.it", "x", HTTP_X_FORWARDED_FOR="198.51.100.99")
    # then
    assert refusal(response) == ["Troppi tentativi non riusciti: riprova tra 30 secondi."]


def test_a_database_down_while_reading_the_user_answers_503(client_for, adjuster, monkeypatch):
    # given a logged-in session, and the database failing when the user is read
    client = client_for(adjuster)

    def unavailable(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr("polis.accounts.backends.FirmModelBackend.get_user", unavailable)
    # when
    response = client.get(reverse("claims:list"))
    # then the page says so, as every page does with the database down
    assert response.status_code == 503
