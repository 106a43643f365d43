"""Firms and users: registration, approval, invitations, two-factor devices."""

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.tokens import default_token_generator
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from polis.accounts.audit import AccountAudit
from polis.accounts.models import Firm, User
from polis.accounts.selectors import role_emails
from polis.audit.services import record_audit
from polis.core.access import OPERATOR, require
from polis.core.errors import DomainError, InvalidTransition
from polis.lifecycle import lock, transition
from polis.notify.services import queue_email


@dataclass(frozen=True)
class FirmData:
    name: str
    partita_iva: str
    rui_section: str
    rui_number: str
    address: str
    city: str
    postal_code: str
    province: str
    pec: str
    phone: str = ""


@dataclass(frozen=True)
class PersonData:
    first_name: str
    last_name: str
    email: str


def _set_password_link(user: User, base_url: str, route: str) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return base_url + reverse(route, kwargs={"uidb64": uid, "token": token})


def register_firm(*, firm: FirmData, person: PersonData, password: str) -> Firm | None:
    """Create a pending firm with its first user (the firm's administrator).

    The caller shows the same answer whatever happens, so nobody learns whether an e-mail or a
    firm is already registered: a duplicate only gets an explanatory e-mail to the address given.
    Returns the new firm, or None for a duplicate.
    """
    email = person.email.lower()
    with transaction.atomic():
        duplicate = (
            User.objects.filter(email=email).exists()
            or Firm.objects.filter(partita_iva=firm.partita_iva).exists()
            or Firm.objects.filter(rui_number=firm.rui_number).exists()
        )
        if duplicate:
            make_password(password)  # same work as a real sign-up: timing tells nothing
            queue_email(to=email, template="registration_duplicate", context={})
            return None
        try:
            with transaction.atomic():
                new_firm = Firm.objects.create(**firm.__dict__)
                user = User.objects.create_user(
                    email,
                    password,
                    first_name=person.first_name,
                    last_name=person.last_name,
                    role=User.Role.COLLABORATOR,
                    firm=new_firm,
                    is_firm_admin=True,
                )
        except IntegrityError:  # a concurrent registration took the same identifiers
            queue_email(to=email, template="registration_duplicate", context={})
            return None
        record_audit(actor=user, action=AccountAudit.FIRM_REGISTERED, target=new_firm)
        queue_email(to=email, template="registration_received", context={"firm": new_firm})
        for staff_email in role_emails(OPERATOR):
            queue_email(
                to=staff_email, template="registration_to_review", context={"firm": new_firm}
            )
        return new_firm


def _review_firm(*, actor: User, firm: Firm, status: str, reason: str) -> Firm:
    require(actor, "review_firms")
    with transaction.atomic():
        firm = lock(firm)
        if not Firm.lifecycle.allows(firm.status, status):
            raise InvalidTransition(
                _("Questa registrazione è già stata esaminata (stato: %(status)s).")
                % {"status": firm.get_status_display()}
            )
        firm.rejection_reason = reason
        firm.reviewed_by = actor
        firm.reviewed_at = timezone.now()
        transition(
            firm,
            status,
            actor=actor,
            fields=("rejection_reason", "reviewed_by", "reviewed_at"),
            data={"reason": reason} if reason else None,
        )
        template = (
            "registration_approved" if status == Firm.Status.APPROVED else ("registration_rejected")
        )
        login_link = settings.SITE_URL.rstrip("/") + reverse("accounts:login")
        for user in firm.users.all():
            queue_email(
                to=user.email,
                template=template,
                context={"firm": firm, "user": user, "login_link": login_link},
            )
        return firm


def approve_firm(*, actor: User, firm: Firm) -> Firm:
    """An operator approves a pending firm; its users can log in and are e-mailed."""
    return _review_firm(actor=actor, firm=firm, status=Firm.Status.APPROVED, reason="")


def reject_firm(*, actor: User, firm: Firm, reason: str) -> Firm:
    """An operator rejects a pending firm with a reason, which is e-mailed to its users."""
    if not reason.strip():
        raise DomainError(_("Indica il motivo del rifiuto."), field="reason")
    return _review_firm(actor=actor, firm=firm, status=Firm.Status.REJECTED, reason=reason.strip())


def invite_colleague(*, actor: User, person: PersonData, base_url: str) -> User | None:
    """A firm administrator invites a colleague, who sets a password from the e-mailed link.

    An address that already has an account is not told apart: nothing is created (None).
    """
    require(actor, "invite_colleagues")
    email = person.email.lower()
    with transaction.atomic():
        if User.objects.filter(email=email).exists():
            return None
        user = User.objects.create_user(
            email,
            None,
            first_name=person.first_name,
            last_name=person.last_name,
            role=User.Role.COLLABORATOR,
            firm=actor.firm,
        )
        record_audit(actor=actor, action=AccountAudit.USER_INVITED, target=user)
        queue_email(
            to=email,
            template="colleague_invitation",
            context={
                "user": user,
                "inviter": actor,
                "firm": actor.firm,
                "link": _set_password_link(user, base_url, "accounts:invitation"),
            },
        )
        return user


def start_totp_enrollment(*, actor: User) -> TOTPDevice:
    """Create (or reuse) the user's unconfirmed TOTP device to show as a QR code."""
    with transaction.atomic():
        device = TOTPDevice.objects.filter(user=actor, confirmed=False).first()
        if device is None:
            device = TOTPDevice.objects.create(user=actor, name="app", confirmed=False)
        return device


def _lock_devices(actor: User) -> TOTPDevice | None:
    """Lock the user's row (device changes of one user run one at a time); the confirmed device."""
    User.objects.select_for_update().filter(pk=actor.pk).exists()
    return TOTPDevice.objects.filter(user=actor, confirmed=True).first()


def _checked_current_device(actor: User, token: str, *, missing: str, field: str) -> TOTPDevice:
    """The user's confirmed device, once `token` is its code. Checked before the change's
    transaction: a wrong code's throttling (django-otp's growing delay) is kept, not rolled
    back with the refused change."""
    device = TOTPDevice.objects.filter(user=actor, confirmed=True).first()
    if device is None:
        raise DomainError(missing)
    if not device.verify_token(token):
        raise DomainError(_("Il codice dell'app attuale non è valido."), field=field)
    return device


def _confirm_new_device(actor: User, token: str) -> TOTPDevice:
    device = TOTPDevice.objects.select_for_update().filter(user=actor, confirmed=False).first()
    if device is None or not device.verify_token(token):
        raise DomainError(
            _("Codice non valido. Controlla l'ora del telefono e riprova."), field="token"
        )
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return device


def _device_changed(actor: User, action: AccountAudit) -> None:
    """Audit a change of the user's second factor and tell the user by e-mail."""
    record_audit(actor=actor, action=action, target=actor)
    queue_email(
        to=actor.email,
        template="two_factor_changed",
        context={"user": actor, "action": action, "at": timezone.now()},
    )


def confirm_totp_enrollment(*, actor: User, token: str) -> TOTPDevice:
    """Confirm a first device with a code from the authenticator app.

    Only for a user without a confirmed device: replacing one needs its current code
    (`replace_totp_device`). The user is e-mailed and the change audited.
    """
    with transaction.atomic():
        if _lock_devices(actor) is not None:
            raise DomainError(
                _("Hai già un'app di autenticazione: per sostituirla serve il suo codice.")
            )
        device = _confirm_new_device(actor, token)
        _device_changed(actor, AccountAudit.TWO_FACTOR_ENABLED)
        return device


def replace_totp_device(*, actor: User, current_token: str, token: str) -> TOTPDevice:
    """Replace the user's device: a code of the current one, then a code of the new one.

    Nothing changes unless both are right. The user is e-mailed and the change audited.
    """
    current = _checked_current_device(
        actor,
        current_token,
        missing=_("Non hai un'app di autenticazione da sostituire."),
        field="current_token",
    )
    with transaction.atomic():
        if _lock_devices(actor) != current:
            raise DomainError(_("L'app di autenticazione è appena cambiata: ricarica la pagina."))
        device = _confirm_new_device(actor, token)
        current.delete()
        _device_changed(actor, AccountAudit.TWO_FACTOR_REPLACED)
        return device


def disable_totp(*, actor: User, token: str) -> None:
    """Turn two-factor off with a code of the current device; not for users who must use it
    (MGA staff, adjusters, a firm that made it mandatory). E-mailed and audited."""
    if actor.requires_two_factor:
        raise DomainError(_("L'autenticazione a due fattori è obbligatoria per il tuo account."))
    current = _checked_current_device(
        actor, token, missing=_("L'autenticazione a due fattori non è attiva."), field="token"
    )
    with transaction.atomic():
        if _lock_devices(actor) != current:
            raise DomainError(_("L'app di autenticazione è appena cambiata: ricarica la pagina."))
        TOTPDevice.objects.filter(user=actor).delete()
        _device_changed(actor, AccountAudit.TWO_FACTOR_DISABLED)


def set_firm_two_factor(*, actor: User, required: bool) -> Firm:
    """A firm's administrator makes two-factor login mandatory (or optional) for the firm.

    To make it mandatory the administrator must use it already; the firm's users without a
    second factor are then sent to set one up at their next request or login.
    """
    require(actor, "manage_firm_security")
    with transaction.atomic():
        firm = Firm.objects.select_for_update().get(pk=actor.firm_id)
        if firm.two_factor_required == required:
            return firm
        if required and not TOTPDevice.objects.filter(user=actor, confirmed=True).exists():
            raise DomainError(
                _("Attiva prima la verifica in due passaggi sul tuo account (Sicurezza).")
            )
        firm.two_factor_required = required
        firm.save(update_fields=["two_factor_required"])
        record_audit(
            actor=actor,
            action=AccountAudit.FIRM_TWO_FACTOR_REQUIRED
            if required
            else AccountAudit.FIRM_TWO_FACTOR_OPTIONAL,
            target=firm,
        )
        return firm
