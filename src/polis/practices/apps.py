from django.apps import AppConfig
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from polis.audit.labels import register_audit_actions
from polis.practices.audit import EndorsementAudit, PracticeAudit


class PracticesConfig(AppConfig):
    name = "polis.practices"
    verbose_name = "Pratiche"

    def ready(self):
        from polis.core.retention import Action, register_record_class
        from polis.messaging.registry import follow_subject
        from polis.practices import privacy, retention, selectors, services
        from polis.privacy.registry import register_exporter
        from polis.signatures.registry import SubjectKind, register_subject

        follow_subject("practice", services.record_practice_message)

        register_subject(
            SubjectKind.PRACTICE,
            on_signed=services.record_contract_signed,
            on_closed=services.record_signature_closed,
            url=lambda signature: reverse("practices:detail", args=[signature.subject_id]),
            documents=services.signing_documents,
            on_documents_acknowledged=services.record_documents_acknowledged,
            may_revive=selectors.awaits_signature,
        )
        register_subject(
            SubjectKind.ENDORSEMENT,
            on_signed=services.record_endorsement_signed,
            on_closed=services.record_endorsement_signature_closed,
            url=lambda signature: reverse("practices:endorsement", args=[signature.subject_id]),
            may_revive=selectors.endorsement_awaits_signature,
            signed_event="endorsement.signed",
            evidence_event="endorsement.evidence",
        )
        register_audit_actions(PracticeAudit)
        register_audit_actions(EndorsementAudit)
        register_exporter(
            "practices",
            title=_("Pratiche, documenti ed evidenze di firma"),
            export=privacy.export_client,
        )
        register_record_class(
            "practices.practice",
            **retention.CONTRACT,
            action=Action.PSEUDONYMISE,
            expired=retention.expired_practices,
            purge=services.pseudonymise_practices,
            keeps=retention.client_has_contracts,
        )
        register_record_class(
            "practices.fea_evidence", **retention.FEA, keeps=retention.client_has_fea_evidence
        )
        register_record_class(
            "practices.payment", **retention.ACCOUNTING, keeps=retention.client_has_payments
        )
