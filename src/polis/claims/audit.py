from django.utils.translation import gettext_lazy as _

from polis.audit.labels import AuditActions


class ClaimAudit(AuditActions):
    """What the claims services record in the audit log. A `claim.<step>` action is also a step
    on the claim's timeline (`ClaimEvent.kind` is the `step`); a quietanza's move is
    `quietanza.<to>`."""

    OPENED = "claim.opened", _("Sinistro aperto")
    ACCESSED = "claim.accessed", _("Dati del sinistro consultati")
    DOCUMENTS = "claim.documents", _("Documenti del sinistro aggiunti")
    DOCUMENTS_REQUESTED = "claim.documents_requested", _("Documenti richiesti all'agenzia")
    DOCUMENTS_COMPLETE = "claim.documents_complete", _("Documentazione completa (parte lo SLA)")
    ASSIGNED = "claim.assigned", _("Liquidatore assegnato")
    INSURER_NUMBER = "claim.insurer_number", _("Numero sinistro della compagnia registrato")
    NOTE = "claim.note", _("Nota sul sinistro")
    QUIETANZA = "claim.quietanza", _("Quietanza inviata all'assicurato")
    ACCEPTED = "claim.accepted", _("Quietanza accettata dall'assicurato")
    REFUSED = "claim.refused", _("Quietanza contestata dall'assicurato")
    LINK_CLOSED = "claim.link_closed", _("Link della quietanza chiuso")
    PAID = "claim.paid", _("Indennizzo pagato")
    CLOSED = "claim.closed", _("Sinistro chiuso")
    REJECTED = "claim.rejected", _("Sinistro respinto")
    CLOSED_NOPAY = "claim.closed_nopay", _("Sinistro chiuso senza seguito")
    REOPENED = "claim.reopened", _("Sinistro riaperto")
    SLA_RESTARTED = "claim.sla_restarted", _("Nuovo periodo SLA dopo una contestazione")
    QUIETANZA_ACCEPTED = "quietanza.accepted", _("Quietanza accettata")
    QUIETANZA_REFUSED = "quietanza.refused", _("Quietanza contestata")
    QUIETANZA_SUPERSEDED = "quietanza.superseded", _("Quietanza sostituita")

    @property
    def step(self) -> str:
        """The claim's timeline kind of a `claim.<step>` action."""
        return self.value.removeprefix("claim.")
