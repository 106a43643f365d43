from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from polis.core.roles import Role
from polis.lifecycle import Lifecycle


class Firm(models.Model):
    """An intermediary firm (agenzia) registered in the RUI, owner of a portfolio."""

    class Status(models.TextChoices):
        PENDING = "pending", _("In attesa di approvazione")
        APPROVED = "approved", _("Approvata")
        REJECTED = "rejected", _("Respinta")

    class RuiSection(models.TextChoices):
        A = "A", _("A – Agenti")
        B = "B", _("B – Broker")
        C = "C", _("C – Produttori diretti")
        D = "D", _("D – Banche e intermediari finanziari")
        E = "E", _("E – Collaboratori")
        F = "F", _("F – Intermediari a titolo accessorio")

    name = models.CharField(_("ragione sociale"), max_length=200)
    partita_iva = models.CharField(_("partita IVA"), max_length=11, unique=True)
    rui_section = models.CharField(_("sezione RUI"), max_length=1, choices=RuiSection.choices)
    rui_number = models.CharField(_("numero RUI"), max_length=10, unique=True)
    address = models.CharField(_("indirizzo"), max_length=200)
    city = models.CharField(_("comune"), max_length=100)
    postal_code = models.CharField(_("CAP"), max_length=5)
    province = models.CharField(_("provincia"), max_length=2)
    pec = models.EmailField(_("PEC"))
    phone = models.CharField(_("telefono"), max_length=20, blank=True)
    rui_date = models.DateField(_("data di iscrizione al RUI"), null=True, blank=True)
    website = models.URLField(_("sito internet"), blank=True)
    # Conflicts of interest printed in the pre-contractual disclosure (Reg. IVASS 40/2018).
    holds_insurer_stake = models.BooleanField(
        _("detiene almeno il 10% di un'impresa di assicurazione"), default=False
    )
    insurer_holds_stake = models.BooleanField(
        _("un'impresa di assicurazione detiene almeno il 10% dell'agenzia"), default=False
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    lifecycle = Lifecycle(
        {
            Status.PENDING: {Status.APPROVED, Status.REJECTED},
            Status.APPROVED: set(),
            Status.REJECTED: set(),
        },
        noun=_("La registrazione"),
        audit="firm",
    )
    # Set by the firm's administrator: every user of the firm logs in with a second factor.
    two_factor_required = models.BooleanField(
        _("verifica in due passaggi obbligatoria"), default=False
    )
    rejection_reason = models.TextField(blank=True)
    reviewed_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("agenzia")
        verbose_name_plural = _("agenzie")
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self) -> str:
        return self.name


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **fields):
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields):
        fields.update(role=User.Role.ADMIN, is_staff=True, is_superuser=True)
        return self.create_user(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who logs in. Collaborators belong to a firm; MGA staff to none."""

    Role = Role

    email = models.EmailField(_("e-mail"), unique=True)
    first_name = models.CharField(_("nome"), max_length=100)
    last_name = models.CharField(_("cognome"), max_length=100)
    role = models.CharField(_("ruolo"), max_length=15, choices=Role.choices)
    firm = models.ForeignKey(
        Firm, null=True, blank=True, on_delete=models.PROTECT, related_name="users"
    )
    is_firm_admin = models.BooleanField(_("amministratore dell'agenzia"), default=False)
    # The person's own RUI registration, shown to clients in the disclosure (may be the firm's).
    rui_section = models.CharField(
        _("sezione RUI"), max_length=1, blank=True, choices=Firm.RuiSection.choices
    )
    rui_number = models.CharField(_("numero RUI"), max_length=10, blank=True)
    rui_date = models.DateField(_("data di iscrizione al RUI"), null=True, blank=True)
    qualifica = models.CharField(
        _("qualifica"),
        max_length=100,
        blank=True,
        help_text=_("Es. responsabile dell'attività di intermediazione"),
    )
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False)
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["first_name", "last_name"]

    class Meta:
        verbose_name = _("utente")
        verbose_name_plural = _("utenti")
        constraints = [
            models.CheckConstraint(
                name="collaborator_has_firm",
                condition=~models.Q(role=Role.COLLABORATOR) | models.Q(firm__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.email

    def get_session_auth_hash(self) -> str:
        # A user read from the shared cache (accounts/backends.py) carries the hash the session
        # is checked against, not his password hash; a password set since is hashed again.
        if "password" not in self.__dict__ and "_session_auth_hash" in self.__dict__:
            return self.__dict__["_session_auth_hash"]
        return super().get_session_auth_hash()

    def get_full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def get_short_name(self) -> str:
        return self.first_name

    @property
    def is_collaborator(self) -> bool:
        return self.role == self.Role.COLLABORATOR

    @property
    def is_adjuster(self) -> bool:
        return self.role == self.Role.ADJUSTER

    @property
    def is_mga_staff(self) -> bool:
        return self.role in (self.Role.OPERATOR, self.Role.ADMIN)

    @property
    def requires_two_factor(self) -> bool:
        """MGA staff and adjusters (who read claims' health data) always; a firm's users when
        its administrator made it mandatory. The firm is read with the user (backends.py)."""
        if self.role != self.Role.COLLABORATOR:
            return True
        return self.firm is not None and self.firm.two_factor_required
