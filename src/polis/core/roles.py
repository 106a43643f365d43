"""Users' roles: the one spelling of them (`accounts.User.Role` is this enum; the access rules
and the pages compare with its members, never with strings)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    COLLABORATOR = "collaborator", _("Collaboratore")
    OPERATOR = "operator", _("Operatore")
    ADJUSTER = "adjuster", _("Liquidatore")
    ADMIN = "admin", _("Amministratore")
