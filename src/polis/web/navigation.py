"""The dashboard's actions and left column, enabled as each feature's URL lands."""

from dataclasses import dataclass

from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
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


def sidebar_html(items: list[Action], *, path: str, unread: int) -> SafeString:
    """The left column's items as HTML, built in Python: every page shows it, and through the
    template engine its loop costs a dozen nodes an item. The item `path` belongs to is marked
    (`aria-current`: the page itself, or a page within it); Comunicazioni shows the unread."""
    current = current_url(path, items)
    html = []
    for item in items:
        if not item.url:
            html.append(
                format_html(
                    '<li class="nav-item"><span class="nav-link disabled" aria-disabled="true">'
                    '{} <small class="d-block">{}</small></span></li>',
                    item.label,
                    _("disponibile a breve"),
                )
            )
            continue
        here = item.url == current
        badge = ""
        if item.badge == "unread" and unread:
            badge = format_html(
                ' <span class="badge rounded-pill text-bg-danger">{}'
                '<span class="visually-hidden"> {}</span></span>',
                unread,
                _("da leggere"),
            )
        html.append(
            format_html(
                '<li class="nav-item"><a class="nav-link{}" href="{}"{}>{}{}</a></li>',
                " active" if here else "",
                item.url,
                format_html(' aria-current="{}"', "page" if path == item.url else "location")
                if here
                else "",
                item.label,
                badge,
            )
        )
    return mark_safe("".join(html))  # noqa: S308 - each item built by format_html
