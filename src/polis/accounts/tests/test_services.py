import threading

import pytest
from django.db import connection
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from polis.accounts import services
from polis.accounts.models import Firm, User
from polis.accounts.services import FirmData, PersonData
from polis.accounts.tests.factories import UserFactory
from polis.audit.models import AuditEvent
from polis.core.errors import DomainError, InvalidTransition, PermissionDenied
from polis.notify.models import OutboundMessage

pytestmark = pytest.mark.django_db


def firm_data(**overrides) -> FirmData:
    data = {
        "name": "Agenzia Nuova S.r.l.",
        "partita_iva": "12345670157",
        "rui_section": "A",
        "rui_number": "A000999888",
        "address": "Via Verdi 3",
        "city": "Bologna",
        "postal_code": "40121",
        "province": "BO",
        "pec": "nuova@pec.example.it",
    }
    return FirmData(**{**data, **overrides})


PERSON = PersonData(first_name="Sara", last_name="Neri", email="Sara.Neri@Example.it")


def test_register_firm_creates_a_pending_firm_with_its_admin_and_emails(operator):
    # when
    firm = services.register_firm(firm=firm_data(), person=PERSON, password="una-password-lunga")
    # then
    assert firm.status == Firm.Status.PENDING
    user = firm.users.get()
    assert (user.email, user.role, user.is_firm_admin) == (
        "sara.neri@example.it",
        User.Role.COLLABORATOR,
        True,
    )
    assert user.check_password("una-password-lunga")
    recipients = set(OutboundMessage.objects.values_list("recipient", "subject"))
    assert recipients == {
        ("sara.neri@example.it", "Abbiamo ricevuto la registrazione di Agenzia Nuova S.r.l."),
        (operator.email, "Nuova registrazione da approvare: Agenzia Nuova S.r.l."),
    }
    assert AuditEvent.objects.filter(action="firm.registered", object_id=str(firm.pk)).exists()


@pytest.mark.parametrize(
    "change",
    [
        {"person": PersonData("Altro", "Utente", "sara.neri@example.it")},
        {"firm": firm_data(rui_number="A000111222", pec="x@pec.example.it")},
        {"firm": firm_data(partita_iva="11111110018")},
    ],
    ids=["same-email", "same-partita-iva", "same-rui"],
)
def test_register_duplicate_creates_nothing_and_only_explains_by_email(change):
    # given
    services.register_firm(firm=firm_data(), person=PERSON, password="una-password-lunga")
    OutboundMessage.objects.all().delete()
    counts = (Firm.objects.count(), User.objects.count())
    # when
    args = {"firm": firm_data(), "person": PersonData("Altro", "Utente", "altro@example.it")}
    result = services.register_firm(**{**args, **change}, password="altra-password-lunga")
    # then
    assert result is None
    assert (Firm.objects.count(), User.objects.count()) == counts
    message = OutboundMessage.objects.get()
    assert message.subject == "Richiesta di registrazione a Heca"


def test_operator_approves_a_pending_firm_and_its_users_are_emailed(operator):
    # given
    firm = services.register_firm(firm=firm_data(), person=PERSON, password="una-password-lunga")
    # when
    services.approve_firm(actor=operator, firm=firm)
    # then
    firm.refresh_from_db()
    assert (firm.status, firm.reviewed_by) == (Firm.Status.APPROVED, operator)
    event = AuditEvent.objects.get(action="firm.approved")
    assert (event.actor, event.data) == (operator, {"from": "pending", "to": "approved"})
    assert OutboundMessage.objects.filter(
        recipient="sara.neri@example.it", subject="Registrazione approvata: benvenuto in Heca"
    ).exists()


def test_the_approval_email_has_a_login_link(operator, settings):
    # given
    settings.SITE_URL = "https://polis.example.it/"
    firm = services.register_firm(firm=firm_data(), person=PERSON, password="una-password-lunga")
    # when
    services.approve_firm(actor=operator, firm=firm)
    # then
    message = OutboundMessage.objects.get(subject__startswith="Registrazione approvata")
    assert "https://polis.example.it/accedi/" in message.body_text
    assert 'href="https://polis.example.it/accedi/"' in message.body_html


def test_reject_needs_a_reason_and_sends_it(operator):
    # given
    firm = services.register_firm(firm=firm_data(), person=PERSON, password="una-password-lunga")
    # when / then
    with pytest.raises(DomainError, match="Indica il motivo"):
        services.reject_firm(actor=operator, firm=firm, reason="  ")
    firm.refresh_from_db()
    assert firm.status == Firm.Status.PENDING
    services.reject_firm(actor=operator, firm=firm, reason="Numero RUI non trovato")
    firm.refresh_from_db()
    assert (firm.status, firm.rejection_reason) == (Firm.Status.REJECTED, "Numero RUI non trovato")
    assert AuditEvent.objects.get(action="firm.rejected").data == {
        "from": "pending",
        "to": "rejected",
        "reason": "Numero RUI non trovato",
    }
    email = OutboundMessage.objects.get(subject="Registrazione non approvata")
    assert "Numero RUI non trovato" in email.body_text


def test_a_firm_is_reviewed_only_once(operator, admin_user):
    # given
    firm = services.register_firm(firm=firm_data(), person=PERSON, password="una-password-lunga")
    services.approve_firm(actor=operator, firm=firm)
    # when / then
    with pytest.raises(InvalidTransition):
        services.reject_firm(actor=admin_user, firm=firm, reason="ripensamento")
    firm.refresh_from_db()
    assert firm.status == Firm.Status.APPROVED


@pytest.mark.parametrize("who", ["collaborator_a", "adjuster"])
def test_only_mga_staff_review_firms(who, request):
    # given
    actor = request.getfixturevalue(who)
    firm = services.register_firm(firm=firm_data(), person=PERSON, password="una-password-lunga")
    # when / then
    with pytest.raises(PermissionDenied):
        services.approve_firm(actor=actor, firm=firm)
    firm.refresh_from_db()
    assert firm.status == Firm.Status.PENDING


def test_firm_admin_invites_a_colleague_who_gets_a_link(collaborator_a):
    # when
    user = services.invite_colleague(
        actor=collaborator_a,
        person=PersonData("Ugo", "Blu", "ugo@example.it"),
        base_url="https://polis.example.it",
    )
    # then
    assert (user.firm, user.is_firm_admin, user.has_usable_password()) == (
        collaborator_a.firm,
        False,
        False,
    )
    email = OutboundMessage.objects.get(recipient="ugo@example.it")
    assert "https://polis.example.it/invito/" in email.body_text


def test_inviting_an_existing_address_creates_nothing(collaborator_a, collaborator_b):
    # when
    result = services.invite_colleague(
        actor=collaborator_a,
        person=PersonData("X", "Y", collaborator_b.email),
        base_url="https://polis.example.it",
    )
    # then
    assert result is None
    collaborator_b.refresh_from_db()
    assert collaborator_b.firm != collaborator_a.firm
    assert not OutboundMessage.objects.exists()


def test_a_plain_collaborator_cannot_invite(firm_a):
    # given

    plain = UserFactory(firm=firm_a, is_firm_admin=False)
    # when / then
    with pytest.raises(PermissionDenied):
        services.invite_colleague(
            actor=plain, person=PersonData("U", "V", "uv@example.it"), base_url="http://x"
        )
    assert not User.objects.filter(email="uv@example.it").exists()


def test_totp_enrollment_needs_a_right_code(collaborator_a):
    # given
    device = services.start_totp_enrollment(actor=collaborator_a)
    # when / then
    with pytest.raises(DomainError):
        services.confirm_totp_enrollment(actor=collaborator_a, token="000000")
    assert not TOTPDevice.objects.filter(user=collaborator_a, confirmed=True).exists()
    services.confirm_totp_enrollment(actor=collaborator_a, token=f"{totp(device.bin_key):06d}")
    assert TOTPDevice.objects.filter(user=collaborator_a, confirmed=True).count() == 1


def test_staff_cannot_turn_two_factor_off(operator):
    # given
    device = TOTPDevice.objects.get(user=operator)
    # when / then
    with pytest.raises(DomainError):
        services.disable_totp(actor=operator, token=f"{totp(device.bin_key):06d}")
    assert TOTPDevice.objects.filter(user=operator).exists()


@pytest.mark.django_db(transaction=True)
def test_two_operators_reviewing_at_once_one_wins_the_other_is_told():
    # given
    if connection.vendor != "postgresql":
        pytest.skip("concurrent row locks need PostgreSQL")
    first = UserFactory(role=User.Role.OPERATOR, email="op1@example.it")
    second = UserFactory(role=User.Role.OPERATOR, email="op2@example.it")
    firm = services.register_firm(firm=firm_data(), person=PERSON, password="una-password-lunga")
    barrier, outcomes = threading.Barrier(2), []

    def review(actor, action):
        barrier.wait()
        try:
            action(actor=actor, firm=firm)
            outcomes.append("ok")
        except InvalidTransition as error:
            outcomes.append(error.message)
        finally:
            connection.close()

    # when
    threads = [
        threading.Thread(target=review, args=(first, services.approve_firm)),
        threading.Thread(
            target=review,
            args=(second, lambda **kw: services.reject_firm(**kw, reason="doppione")),
        ),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # then
    firm.refresh_from_db()
    assert sorted(outcomes)[0].startswith("Questa registrazione è già stata esaminata")
    assert sorted(outcomes)[1] == "ok"
    assert (
        AuditEvent.objects.filter(object_id=str(firm.pk)).exclude(action="firm.registered").count()
        == 1
    )


def new_code(device) -> str:
    return f"{totp(device.bin_key):06d}"


def test_a_user_with_a_device_cannot_enroll_another_without_its_code(operator):
    # given
    old = TOTPDevice.objects.get(user=operator, confirmed=True)
    pending = services.start_totp_enrollment(actor=operator)
    # when / then
    with pytest.raises(DomainError):
        services.confirm_totp_enrollment(actor=operator, token=new_code(pending))
    assert list(TOTPDevice.objects.filter(user=operator, confirmed=True)) == [old]
    assert not OutboundMessage.objects.exists()


def test_replacing_a_device_needs_the_current_code_and_is_emailed_and_audited(operator, settings):
    # given
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    old = TOTPDevice.objects.get(user=operator, confirmed=True)
    pending = services.start_totp_enrollment(actor=operator)
    # when a wrong current code is given nothing changes
    with pytest.raises(DomainError) as refused:
        services.replace_totp_device(
            actor=operator, current_token="000000", token=new_code(pending)
        )
    assert refused.value.field == "current_token"
    assert list(TOTPDevice.objects.filter(user=operator, confirmed=True)) == [old]
    # when both codes are right
    device = services.replace_totp_device(
        actor=operator, current_token=new_code(old), token=new_code(pending)
    )
    # then
    assert list(TOTPDevice.objects.filter(user=operator)) == [device]
    assert device.pk == pending.pk
    email = OutboundMessage.objects.get()
    assert (email.recipient, email.subject) == (
        operator.email,
        "Verifica in due passaggi modificata: nuova app di autenticazione sul tuo account",
    )
    assert AuditEvent.objects.filter(action="user.2fa_replaced", actor=operator).count() == 1


def test_turning_two_factor_off_needs_a_code(collaborator_a, settings):
    # given
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    device = TOTPDevice.objects.create(user=collaborator_a, name="app", confirmed=True)
    # when / then
    with pytest.raises(DomainError):
        services.disable_totp(actor=collaborator_a, token="000000")
    assert TOTPDevice.objects.filter(user=collaborator_a).exists()
    services.disable_totp(actor=collaborator_a, token=new_code(device))
    assert not TOTPDevice.objects.filter(user=collaborator_a).exists()
    assert OutboundMessage.objects.get().subject == (
        "Verifica in due passaggi disattivata sul tuo account"
    )
    assert AuditEvent.objects.filter(action="user.2fa_disabled", actor=collaborator_a).exists()


def test_a_first_enrollment_is_emailed_and_audited(collaborator_a):
    # given
    pending = services.start_totp_enrollment(actor=collaborator_a)
    # when
    services.confirm_totp_enrollment(actor=collaborator_a, token=new_code(pending))
    # then
    email = OutboundMessage.objects.get()
    assert (email.recipient, email.subject) == (
        collaborator_a.email,
        "Verifica in due passaggi attivata sul tuo account",
    )
    assert "Se non sei stato tu" in email.body_text
    assert AuditEvent.objects.filter(action="user.2fa_enabled", actor=collaborator_a).exists()


@pytest.mark.parametrize("role", [User.Role.OPERATOR, User.Role.ADJUSTER, User.Role.ADMIN])
def test_every_role_that_sees_claim_details_must_use_two_factor(role):
    assert UserFactory(role=role).requires_two_factor


def test_a_firm_admin_makes_two_factor_mandatory_for_the_firm(collaborator_a, firm_a):
    # given
    colleague = UserFactory(firm=firm_a)
    assert not colleague.requires_two_factor
    # when the administrator has no device yet
    with pytest.raises(DomainError):
        services.set_firm_two_factor(actor=collaborator_a, required=True)
    # then nothing changed; with a device it works
    firm_a.refresh_from_db()
    assert not firm_a.two_factor_required
    TOTPDevice.objects.create(user=collaborator_a, name="app", confirmed=True)
    services.set_firm_two_factor(actor=collaborator_a, required=True)
    colleague = User.objects.select_related("firm").get(pk=colleague.pk)
    assert colleague.requires_two_factor
    assert AuditEvent.objects.filter(action="firm.2fa_required").count() == 1
    with pytest.raises(DomainError):
        services.disable_totp(actor=collaborator_a, token="000000")


def test_a_plain_collaborator_cannot_make_two_factor_mandatory(firm_a):
    # given
    plain = UserFactory(firm=firm_a, is_firm_admin=False, with_totp=True)
    # when / then
    with pytest.raises(PermissionDenied):
        services.set_firm_two_factor(actor=plain, required=True)
    firm_a.refresh_from_db()
    assert not firm_a.two_factor_required


def test_a_wrong_current_code_is_throttled_not_rolled_back(operator):
    # given django-otp's own delay after a wrong code (1 s, doubled at each further one)
    old = TOTPDevice.objects.get(user=operator, confirmed=True)
    pending = services.start_totp_enrollment(actor=operator)
    with pytest.raises(DomainError):
        services.replace_totp_device(
            actor=operator, current_token="000000", token=new_code(pending)
        )
    # when the right code follows at once
    with pytest.raises(DomainError):
        services.replace_totp_device(
            actor=operator, current_token=new_code(old), token=new_code(pending)
        )
    # then it waits too: the failure was recorded
    old.refresh_from_db()
    assert old.throttling_failure_count >= 1
    assert TOTPDevice.objects.get(user=operator, confirmed=True) == old
