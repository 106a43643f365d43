from django.utils.translation import gettext_lazy as _

from polis.audit.labels import AuditActions


class PortfolioAudit(AuditActions):
    """What the portfolio import and export record in the audit log (the batch's moves are
    `portfolio_import.<to>`)."""

    UPLOADED = "portfolio_import.uploaded", _("File di portafoglio caricato per la verifica")
    VALIDATED = "portfolio_import.validated", _("Verifica del file di portafoglio conclusa")
    REFUSED = "portfolio_import.refused", _("File di portafoglio rifiutato")
    IMPORTING = "portfolio_import.importing", _("Importazione del portafoglio confermata")
    DONE = "portfolio_import.done", _("Importazione del portafoglio conclusa")
    CANCELLED = "portfolio_import.cancelled", _("Importazione del portafoglio annullata")
    REPORT_DOWNLOADED = "portfolio_import.report", _("Esito della verifica scaricato")
    EXPORTED = "portfolio.exported", _("Portafoglio esportato")
