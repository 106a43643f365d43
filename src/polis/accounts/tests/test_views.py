import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from polis.accounts.models import Firm, User
from polis.accounts.tests.factories import PASSWORD, FirmFactory, UserFactory
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


def test_login_is_throttled_per_email_even_for_unknown_addresses(client, settings):
    # given
    settings.LOGIN_RATE = "3/15m"
    for _ in range(3):
        client.post(reverse("accounts:login"), {"email": "no@example.it", "password": "x"})
    # when
    response = client.post(reverse("accounts:login"), {"email": "no@example.it", "password": "x"})
    # then
    assert response.context["form"].non_field_errors() == [
        "Troppi tentativi di accesso. Riprova tra qualche minuto."
    ]


def test_throttled_login_refuses_even_the_right_password(client, settings, collaborator_a):
    # given
    settings.LOGIN_RATE = "3/15m"
    for _ in range(3):
        client.post(reverse("accounts:login"), {"email": "alfa@example.it", "password": "x"})
    # when
    client.post(reverse("accounts:login"), {"email": "alfa@example.it", "password": PASSWORD})
    # then
    assert "_auth_user_id" not in client.session


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
    email = OutboundMessage.objects.get()
    assert email.recipient == "alfa@example.it"
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
