from django.apps import AppConfig
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from polis.audit.labels import register_audit_actions
from polis.claims.audit import ClaimAudit


class ClaimsConfig(AppConfig):
    name = "polis.claims"
    verbose_name = _("Sinistri")

    def ready(self):
        from polis.claims import privacy, retention, selectors, services
        from polis.core.retention import Action, register_hold_source, register_record_class
        from polis.practices.registry import add_review_reason
        from polis.privacy.registry import register_exporter
        from polis.signatures.registry import SubjectKind, register_subject

        add_review_reason(selectors.recent_claims_reasons)

        register_audit_actions(ClaimAudit)
        register_subject(
            SubjectKind.QUIETANZA,
            on_signed=services.record_quietanza_signed,
            on_closed=services.record_quietanza_closed,
            url=lambda signature: reverse("claims:detail", args=[services.claim_of(signature).pk]),
            decline_title=_("Non accetti la liquidazione? Contestala con le tue obiezioni"),
            decline_help=_(
                "Le tue obiezioni tornano al liquidatore, che valuterà una nuova offerta. "
                "Puoi anche chiedere una perizia contrattuale, presentare reclamo o rivolgerti "
                "all'Arbitro Assicurativo."
            ),
            sign_label=_("Accetta la liquidazione"),
            decline_label=_("Contesta"),
            declined_message=_("Hai contestato la quietanza"),
            signed_message=_("Hai accettato la liquidazione"),
            request_template="quietanza_request",
            reminder_template="quietanza_reminder",
            # the claim's own updates tell the firm of an acceptance or a contest
            signed_firm_template="",
            declined_template="",
            done_template="quietanza_done",
            context=services.quietanza_context,
            signed_event="quietanza.signed",
            evidence_event="quietanza.evidence",
        )
        register_exporter(
            "claims",
            title=_("Sinistri (con i dati sulla salute)"),
            export=privacy.export_client,
        )
        register_record_class(
            "claims.claim",
            **retention.CLAIM,
            action=Action.PSEUDONYMISE,
            expired=retention.expired_claims,
            purge=services.pseudonymise_claims,
            keeps=retention.client_has_claims,
        )
        register_hold_source("claims_in_dispute", retention.clients_in_dispute)
