"""The claim list's rows, formatted once per page (see polis.core.rows)."""

from collections.abc import Iterable
from datetime import date

from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from polis.claims.models import Claim
from polis.claims.selectors import Sla, sla_of
from polis.core.rows import day, link_maker

CLAIM_ROW = """<tr>
    <td><a href="{url}">{number}</a><div class="small text-muted">{type}</div></td>
    <td>{policy}</td><td>{client}</td>
    <td>{event}</td>
    <td><span class="badge claim-{status}">{status_label}</span></td>
    <td>{sla}</td>
  </tr>"""


def sla_cell(sla: Sla) -> SafeString:
    """Where the claim stands against its SLA: documents missing, on time, days left or late."""
    if not sla.due:
        return format_html('<span class="text-muted small">{}</span>', _("documenti da completare"))
    if not sla.running:
        return format_html('<span class="text-success small">✓ {}</span>', _("nei tempi"))
    due = format_html('<div class="small text-muted">{} {}</div>', _("scadenza"), day(sla.due))
    if sla.overdue:
        days = sla.days_late
        late = ngettext("in ritardo di %(days)s giorno", "in ritardo di %(days)s giorni", days) % {
            "days": days
        }
        return format_html('<span class="badge text-bg-danger">{}</span>{}', late, due)
    days = sla.days_left
    left = ngettext("%(days)s giorno lavorativo", "%(days)s giorni lavorativi", days) % {
        "days": days
    }
    return format_html('<span class="small">{}</span>{}', left, due)


def claim_rows(claims: Iterable[Claim], today: date) -> list[dict]:
    """A page of claims as the list shows them: each cell's text, its link, its SLA."""
    detail = link_maker("claims:detail")
    return [
        {
            "url": detail(c.pk),
            "number": c.number,
            "type": c.claim_type_label,
            "policy": c.practice.policy_number,
            "client": c.practice.client.display_name,
            "event": day(c.event_date),
            "status": c.status,
            "status_label": c.get_status_display(),
            "sla": sla_cell(sla_of(c, today)),
        }
        for c in claims
    ]
