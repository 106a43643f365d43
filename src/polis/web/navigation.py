"""The dashboard's actions and left column, enabled as each feature's URL lands."""

from dataclasses import dataclass

from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from polis.core.access import can


@dataclass(frozen=True)
class Action:
    label: str
    description: str
    url_name: str
    capability: str
    badge: str = ""  # name of a count shown beside the item
    setting: str = ""  # name of a boolean setting that offers the page (empty: always)

    @cached_property  # the actions live as long as the process, and so does the URLconf
    def url(self) -> str | None:
        try:
            return reverse(self.url_name)
        except NoReverseMatch:
            return None


DASHBOARD_TILES = [
    Action(
        _("AGGIUNGI PRATICA"),
        _("Per l'emissione di un nuovo contratto"),
        "practices:create",
        "work_portfolio",
        "plus",
    ),
    Action(
        _("RINNOVA PRATICA"),
        _("Per gestire i rinnovi"),
        "practices:renewals",
        "work_portfolio",
        "repeat",
    ),
    Action(
        _("FAI PREVENTIVO"),
        _("Per richiedere un preventivo senza emettere un contratto"),
        "quotes:create",
        "work_portfolio",
        "calc",
    ),
    Action(
        _("PRATICHE E PREVENTIVI"),
        _("Per gestire pratiche, preventivi, scadenze e contratti emessi"),
        "practices:list",
        "work_portfolio",
        "list",
    ),
]

SIDEBAR = [
    Action(_("Dashboard"), "", "web:dashboard", "use_dashboard"),
    Action(_("APRI SINISTRO"), "", "claims:eligible_policies", "work_portfolio"),
    Action(_("Pratiche e preventivi"), "", "practices:list", "view_practices"),
    Action(_("Preventivi"), "", "quotes:list", "view_quotes"),
    Action(_("Preventivi personalizzati"), "", "quotes:requests", "view_quotes"),
    Action(_("Clienti"), "", "clients:list", "view_clients"),
    Action(_("Sinistri"), "", "claims:list", "use_dashboard"),
    Action(_("Comunicazioni"), "", "messaging:inbox", "use_messages", "unread"),
    Action(_("Provvigioni"), "", "accounting:commissions", "view_commissions"),
    Action(_("Pratiche in revisione"), "", "practices:review_queue", "review_practices"),
    Action(_("Variazioni in revisione"), "", "practices:endorsement_queue", "review_practices"),
    Action(_("Pagamenti da verificare"), "", "practices:payments_queue", "review_practices"),
    Action(_("Contabilità"), "", "accounting:overview", "manage_accounting"),
    Action(_("Registrazioni agenzie"), "", "accounts:firm_queue", "review_firms"),
    Action(_("Richieste di contatto"), "", "web:contact_requests", "view_contact_requests"),
    Action(_("Richieste privacy"), "", "privacy:list", "handle_privacy_requests"),
    Action(_("Bordereaux"), "", "bordereaux:list", "report_to_insurers"),
    Action(_("Reclami"), "", "complaints:list", "view_complaints"),
    Action(
        _("Vendite fuori target"),
        "",
        "practices:target_market_report",
        "view_target_market_report",
    ),
    Action(_("Importa portafoglio"), "", "portfolio:index", "import_portfolio"),
    Action(_("Conservazione dati"), "", "retention:overview", "manage_retention"),
    Action(_("Colleghi"), "", "accounts:colleagues", "invite_colleagues"),
    Action(_("Chiavi API"), "", "integrations:keys", "manage_integrations"),
    Action(_("Webhook"), "", "integrations:webhooks", "manage_integrations"),
    Action(_("SMS inviati"), "", "notify:sms_outbox", "manage_outbox"),
    Action(
        _("Posta inviata"), "", "notify:mail_outbox", "manage_outbox", setting="EMAIL_OUTBOX_PAGE"
    ),
]


def actions_for(user, actions: list[Action]) -> list[Action]:
    return [
        action
        for action in actions
        if can(user, action.capability)
        and (not action.setting or getattr(settings, action.setting))
    ]


def current_url(path: str, items: list[Action]) -> str | None:
    """The item a page belongs to: the longest item URL that starts its path (a claim's page,
    /sinistri/12/, belongs to Sinistri; /sinistri/apri/12/ to APRI SINISTRO)."""
    matches = [item.url for item in items if item.url and path.startswith(item.url)]
    return max(matches, key=len, default=None)
