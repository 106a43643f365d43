from django.apps import AppConfig
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from polis.audit.labels import register_action_labels


class PracticesConfig(AppConfig):
    name = "polis.practices"
    verbose_name = "Pratiche"

    def ready(self):
        from polis.messaging.registry import follow_subject
        from polis.practices import privacy, services
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
        )
        register_action_labels(
            {
                "practice.created": _("Pratica creata"),
                "practice.needs_recorded": _("Esigenze e bisogni del cliente registrati"),
                "practice.documents_added": _("Documenti aggiunti alla pratica"),
                "practice.submitted": _("Pratica inviata in revisione all'MGA"),
                "practice.info_requested": _("Informazioni richieste all'agenzia"),
                "practice.info_answered": _("L'agenzia ha risposto: pratica di nuovo in revisione"),
                "practice.declined": _("Pratica rifiutata dall'MGA"),
                "practice.issued": _("Polizza emessa"),
                "practice.disclosures_sent": _("Documenti precontrattuali inviati al cliente"),
                "practice.disclosures_prepared": _("Documenti precontrattuali preparati"),
                "practice.disclosures_delivered": _("Documenti precontrattuali consegnati"),
                "practice.disclosures_acknowledged": _(
                    "Il cliente ha dichiarato di aver ricevuto e letto i documenti precontrattuali"
                ),
                "practice.sent_for_signature": _("Contratto inviato in firma"),
                "practice.signed": _("Contratto firmato dal cliente"),
                "practice.signature_closed": _("Firma del contratto non completata"),
                "practice.payment_recorded": _("Pagamento registrato"),
                "practice.payment_verified": _("Pagamento verificato"),
                "practice.payment_rejected": _("Pagamento respinto"),
                "practice.completed": _("Pratica perfezionata: decorre dalla data di effetto"),
                "practice.in_force": _("Pratica in vigore"),
                "practice.completion_undone": _("Pratica di nuovo in attesa del pagamento"),
                "practice.renewal_created": _("Rinnovo preparato"),
                "practice.renewal_changed": _("Questionario del rinnovo modificato e ricalcolato"),
                "practice.renewed": _("Pratica rinnovata"),
                "practice.renewal_undone": _("Rinnovo non perfezionato: pratica non più rinnovata"),
                "practice.expired": _("Pratica scaduta"),
            }
        )
        register_exporter(
            "practices",
            title=_("Pratiche, documenti ed evidenze di firma"),
            export=privacy.export_client,
            retention=privacy.retention_duties,
        )
