from django.apps import AppConfig
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class ClaimsConfig(AppConfig):
    name = "polis.claims"
    verbose_name = _("Sinistri")

    def ready(self):
        from polis.claims import services
        from polis.signatures.registry import register_subject

        register_subject(
            "quietanza",
            on_signed=services.record_quietanza_signed,
            on_closed=services.record_quietanza_closed,
            url=lambda signature: reverse("claims:detail", args=[services.claim_of(signature).pk]),
            decline_title=_("Non accetti la quietanza? Scrivi le tue obiezioni"),
            decline_help=_(
                "Le tue obiezioni tornano al liquidatore, che valuterà una nuova offerta. "
                "Puoi anche chiedere una perizia contrattuale, presentare reclamo o rivolgerti "
                "all'Arbitro Assicurativo."
            ),
        )
