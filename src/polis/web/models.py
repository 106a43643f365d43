from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class FaqEntry(models.Model):
    """A question of the public FAQ, kept as data so the MGA can edit it in the admin."""

    section = models.CharField(_("sezione"), max_length=100)
    question = models.CharField(_("domanda"), max_length=300)
    answer = models.TextField(_("risposta"))
    position = models.PositiveIntegerField(_("ordine"), default=0)
    published = models.BooleanField(_("pubblicata"), default=True)

    class Meta:
        verbose_name = _("domanda frequente")
        verbose_name_plural = _("domande frequenti")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.question


class ContactRequest(models.Model):
    """A message sent through "Contattaci"."""

    name = models.CharField(_("nome e cognome"), max_length=150)
    email = models.EmailField(_("e-mail"))
    phone = models.CharField(_("telefono"), max_length=20, blank=True)
    subject = models.CharField(_("oggetto"), max_length=200)
    message = models.TextField(_("messaggio"))
    privacy_accepted_at = models.DateTimeField()
    created_at = models.DateTimeField(default=timezone.now)
    handled_at = models.DateTimeField(null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("richiesta di contatto")
        verbose_name_plural = _("richieste di contatto")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["handled_at", "-created_at"])]

    def __str__(self) -> str:
        return self.subject
