import time
from base64 import b32encode

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login
from django.contrib.auth import views as auth_views
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp import match_token, user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice

from polis.accounts import forms, selectors, services
from polis.accounts.backends import BACKEND
from polis.accounts.models import Firm, User
from polis.audit.selectors import audit_events_for
from polis.core.access import capability_required
from polis.core.errors import DomainError
from polis.core.http import client_ip
from polis.core.links import base_url
from polis.core.ratelimit import FailureDelay, over_limit

PENDING_KEY = "pending_login"
PENDING_SECONDS = 300
BAD_CREDENTIALS = _("E-mail o password non corretti.")


def _safe_next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return str(reverse_lazy("web:dashboard"))


def _complete_login(request, user: User, device=None):
    login(request, user, backend=BACKEND)
    if device is not None:
        otp_login(request, device)
    next_url = request.session.pop(PENDING_KEY, {}).get("next") or _safe_next(request)
    return redirect(next_url)


def _pending_user(request) -> User | None:
    pending = request.session.get(PENDING_KEY)
    if not pending or time.time() - pending["at"] > PENDING_SECONDS:
        return None
    return User.objects.filter(pk=pending["user"], is_active=True).first()


def _login_failures() -> FailureDelay:
    return FailureDelay(
        "login",
        free=settings.LOGIN_FAILURES_FREE,
        base=settings.LOGIN_FAILURE_DELAY,
        cap=settings.LOGIN_FAILURE_MAX_DELAY,
        window=settings.LOGIN_FAILURE_WINDOW,
    )


def _duration(seconds: int) -> str:
    if seconds < 60:
        return ngettext("%(n)d secondo", "%(n)d secondi", seconds) % {"n": seconds}
    minutes = -(-seconds // 60)
    return ngettext("%(n)d minuto", "%(n)d minuti", minutes) % {"n": minutes}


def _authenticate(request, form) -> User | None:
    """The user whose e-mail and password these are, or None with the reason on the form.

    Wrong passwords are counted per (e-mail, client address), known e-mail or not, and delay
    only that pair: a colleague elsewhere is never locked out. A success forgets them.
    """
    email, address = form.cleaned_data["email"].lower(), client_ip(request)
    failures = _login_failures()
    if over_limit(request, group="login-ip", key=address, rate=settings.LOGIN_FLOOD_RATE):
        form.add_error(None, _("Troppi tentativi di accesso. Riprova tra qualche minuto."))
        return None
    if wait := failures.wait(email, address):
        form.add_error(
            None,
            _("Troppi tentativi non riusciti: riprova tra %(wait)s.") % {"wait": _duration(wait)},
        )
        return None
    user = authenticate(request, email=email, password=form.cleaned_data["password"])
    if user is None:
        failures.fail(email, address)
        form.add_error(None, BAD_CREDENTIALS)
    else:
        failures.clear(email, address)
    return user


@require_http_methods(["GET", "POST"])
def login_view(request):
    """Step one: e-mail and password. Every failure reads the same, known e-mail or not."""
    form = forms.LoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and (user := _authenticate(request, form)):
        if user.firm_id and user.firm.status != Firm.Status.APPROVED:
            form.add_error(
                None,
                _("La registrazione della tua agenzia non è ancora approvata.")
                if user.firm.status == Firm.Status.PENDING
                else _("La registrazione della tua agenzia è stata respinta."),
            )
        elif user_has_device(user) or user.requires_two_factor:
            request.session[PENDING_KEY] = {
                "user": user.pk,
                "at": time.time(),
                "next": _safe_next(request),
            }
            return redirect(
                "accounts:login_otp" if user_has_device(user) else "accounts:login_enroll"
            )
        else:
            return _complete_login(request, user)
    return render(request, "accounts/login.html", {"form": form, "next": _safe_next(request)})


@require_http_methods(["GET", "POST"])
def login_otp(request):
    """Step two for users with an authenticator app."""
    user = _pending_user(request)
    if user is None:
        return redirect("accounts:login")
    if not user_has_device(user):
        return redirect("accounts:login_enroll")
    form = forms.TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if over_limit(request, group="login-otp", key=str(user.pk), rate="5/5m"):
            form.add_error("token", _("Troppi tentativi. Riprova tra qualche minuto."))
        elif (device := match_token(user, form.cleaned_data["token"])) is not None:
            return _complete_login(request, user, device)
        else:
            form.add_error("token", _("Codice non valido."))
    return render(request, "accounts/login_otp.html", {"form": form})


def _qr_svg(device: TOTPDevice) -> str:
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage)
    return mark_safe(image.to_string(encoding="unicode"))  # noqa: S308 - generated by qrcode


def _enroll_context(device: TOTPDevice) -> dict:
    return {"qr": _qr_svg(device), "secret": b32encode(device.bin_key).decode()}


@require_http_methods(["GET", "POST"])
def login_enroll(request):
    """A pending login (password passed) of a user who must use two factors and has no device
    yet sets one up here. A user with a device gives its code at step two instead."""
    user = _pending_user(request)
    if user is None:
        return redirect("accounts:login")
    if user_has_device(user):
        return redirect("accounts:login_otp")
    device = services.start_totp_enrollment(actor=user)
    form = forms.TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = services.confirm_totp_enrollment(actor=user, token=form.cleaned_data["token"])
        except DomainError as exc:
            form.add_error("token", exc.message)
        else:
            return _complete_login(request, user, device)
    return render(request, "accounts/login_enroll.html", {"form": form, **_enroll_context(device)})


def _security_change(request, action: str):
    """Apply one change of the Sicurezza page (each needs a code, the current device's if there
    is one); the bound form with its errors, or None once done."""
    if action == "replace":
        form = forms.ReplaceDeviceForm(request.POST)
    else:
        form = forms.TokenForm(request.POST, auto_id="disable-%s" if action == "disable" else None)
    if not form.is_valid():
        return form
    user, data = request.user, form.cleaned_data
    try:
        if action == "disable":
            services.disable_totp(actor=user, token=data["token"])
            done = _("Autenticazione a due fattori disattivata.")
        elif action == "replace":
            # this session stays verified, with the new device
            otp_login(request, services.replace_totp_device(actor=user, **data))
            done = _("Nuova app di autenticazione attivata: quella precedente non vale più.")
        else:
            otp_login(request, services.confirm_totp_enrollment(actor=user, token=data["token"]))
            done = _("Autenticazione a due fattori attivata.")
    except DomainError as exc:
        if exc.field in form.fields:
            form.add_error(exc.field, exc.message)
        else:  # about the account, not a field: shown whichever form the page shows
            messages.error(request, exc.message)
        return form
    messages.success(request, done)
    return None


@capability_required("use_dashboard")
@require_http_methods(["GET", "POST"])
def security(request):
    """Profile page: set up, replace or turn off the authenticator app."""
    action = request.POST.get("action", "enable") if request.method == "POST" else None
    form = _security_change(request, action) if action else None
    if action and form is None:
        return redirect("accounts:security")
    has_device = user_has_device(request.user)
    replacing = has_device and (action == "replace" or "sostituisci" in request.GET)
    context = {"has_device": has_device, "replacing": replacing}
    if not has_device or replacing:
        context.update(_enroll_context(services.start_totp_enrollment(actor=request.user)))
        fresh = forms.ReplaceDeviceForm() if replacing else forms.TokenForm()
        context["form"] = form if action in ("enable", "replace") else fresh
    disable_form = forms.TokenForm(auto_id="disable-%s")  # ids apart from the other form's
    context["disable_form"] = form if action == "disable" else disable_form
    return render(request, "accounts/security.html", context)


@require_http_methods(["GET", "POST"])
def register(request):
    form = forms.RegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.register_firm(
            firm=form.firm_data(), person=form.person_data(), password=form.cleaned_data["password"]
        )
        return redirect("accounts:register_done")
    return render(request, "accounts/register.html", {"form": form})


def register_done(request):
    return render(request, "accounts/register_done.html")


@capability_required("review_firms")
def firm_queue(request):
    status = request.GET.get("stato", Firm.Status.PENDING)
    if status not in Firm.Status.values:
        status = Firm.Status.PENDING
    return render(
        request,
        "accounts/firm_queue.html",
        {
            "firms": selectors.firms_for_review(status=status),
            "status": status,
            "statuses": Firm.Status.choices,
        },
    )


@capability_required("review_firms")
@require_http_methods(["GET", "POST"])
def firm_review(request, pk: int):
    firm = selectors.get_firm_for_review(pk)
    reject_form = forms.RejectFirmForm(request.POST if "reject" in request.POST else None)
    if request.method == "POST":
        try:
            if "approve" in request.POST:
                services.approve_firm(actor=request.user, firm=firm)
                messages.success(request, _("Agenzia approvata: gli utenti sono stati avvisati."))
                return redirect("accounts:firm_queue")
            if reject_form.is_valid():
                services.reject_firm(
                    actor=request.user, firm=firm, reason=reject_form.cleaned_data["reason"]
                )
                messages.success(
                    request, _("Registrazione respinta: il richiedente è stato avvisato.")
                )
                return redirect("accounts:firm_queue")
        except DomainError as exc:
            messages.error(request, exc.message)
    return render(
        request,
        "accounts/firm_review.html",
        {
            "firm": firm,
            "users": firm.users.all(),
            "reject_form": reject_form,
            "events": audit_events_for(object_type="accounts.firm", object_id=str(firm.pk)),
        },
    )


@capability_required("manage_firm_security")
@require_http_methods(["POST"])
def firm_two_factor(request):
    """The firm's administrator makes two-factor login mandatory (or not) for the firm."""
    form = forms.FirmTwoFactorForm(request.POST)
    form.is_valid()  # a checkbox: absent is False
    required = form.cleaned_data.get("two_factor_required", False)
    try:
        services.set_firm_two_factor(actor=request.user, required=required)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("Verifica in due passaggi obbligatoria per l'agenzia.")
            if required
            else _("Verifica in due passaggi facoltativa per l'agenzia."),
        )
    return redirect("accounts:colleagues")


@capability_required("invite_colleagues")
@require_http_methods(["GET", "POST"])
def colleagues(request):
    form = forms.InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.invite_colleague(
            actor=request.user,
            person=form.person_data(),
            base_url=base_url(request),
        )
        messages.success(
            request,
            _("Se l'indirizzo non ha già un account, abbiamo inviato l'invito a %(email)s.")
            % {"email": form.cleaned_data["email"]},
        )
        return redirect("accounts:colleagues")
    return render(
        request,
        "accounts/colleagues.html",
        {
            "form": form,
            "colleagues": selectors.colleagues_of(request.user),
            "two_factor_form": forms.FirmTwoFactorForm(
                initial={"two_factor_required": request.user.firm.two_factor_required}
            ),
        },
    )


class PasswordResetView(auth_views.PasswordResetView):
    """Requests are limited per client address and per e-mail, known or not."""

    form_class = forms.OutboxPasswordResetForm
    template_name = "accounts/password_reset.html"
    success_url = reverse_lazy("accounts:password_reset_done")

    def form_valid(self, form):
        rate, email = settings.PASSWORD_RESET_RATE, form.cleaned_data["email"].lower()
        by_address = over_limit(
            self.request, group="reset-ip", key=client_ip(self.request), rate=rate
        )
        by_email = over_limit(self.request, group="reset-email", key=email, rate=rate)
        if by_address or by_email:
            form.add_error(None, _("Troppe richieste di recupero password. Riprova più tardi."))
            return self.form_invalid(form)
        return super().form_valid(form)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_set.html"
    form_class = forms.StyledSetPasswordForm
    success_url = reverse_lazy("accounts:password_reset_complete")
    extra_context = {"title": _("Scegli una nuova password")}


class InvitationView(PasswordResetConfirmView):
    extra_context = {"title": _("Benvenuto: scegli la tua password")}
