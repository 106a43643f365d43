"""The practice lists' rows, formatted once per page (see polis.core.rows)."""

from collections.abc import Callable, Iterable

from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from polis.accounts.models import User
from polis.core.amounts import italian_number
from polis.core.rows import day, firm_line, link_maker
from polis.practices.models import Practice

# The markup of a row of Pratiche, of Pratiche in scadenza and of RINNOVA PRATICA.
PRACTICE_ROW = (
    '<tr><td><a href="{url}">{policy}</a></td><td>{client}{firm}</td><td>{product}</td>'
    '<td class="text-end text-nowrap">€ {gross}</td><td>{start}</td><td>{end}</td>'
    "<td>{status}</td></tr>"
)
EXPIRING_ROW = (
    '<tr><td><a href="{url}">{policy}</a></td><td>{client}{firm}</td><td>{product}</td>'
    '<td class="text-end text-nowrap">€ {gross}</td><td>{end}</td>'
    '<td><span class="badge {days_badge}">{days}</span></td>'
    '<td class="text-end">{action}</td></tr>'
)
RENEWAL_ROW = (
    '<tr><td><a href="{url}">{policy}</a></td><td>{client}</td><td>{product}</td>'
    '<td class="text-end text-nowrap">€ {gross}</td><td>{end}</td><td>{status}</td>'
    '<td class="text-end">{action}</td></tr>'
)


def status_badge(practice: Practice) -> SafeString:
    """The practice's status as a badge; a completed one says from when it is in force."""
    badge = format_html(
        '<span class="badge practice-{}">{}</span>', practice.status, practice.get_status_display()
    )
    if practice.status != Practice.Status.COMPLETED:
        return badge
    starts = _("decorre dal %(day)s") % {"day": practice.effective_date.strftime("%d/%m")}
    return format_html('{} <span class="small text-nowrap">{}</span>', badge, starts)


def practice_rows(practices: Iterable[Practice], user: User) -> list[dict]:
    """A page of practices as the list shows them: each cell's text, its link, its badge."""
    detail = link_maker("practices:detail")
    return [
        {
            "url": detail(p.pk),
            "policy": p.policy_number or _("da emettere"),
            "client": p.client.display_name,
            "firm": firm_line(p, not user.is_collaborator),
            "product": p.product.name,
            "gross": italian_number(p.gross),
            "start": day(p.effective_date),
            "end": day(p.end_date),
            "status": status_badge(p),
        }
        for p in practices
    ]


def _renew_button(url: str, csrf: SafeString) -> SafeString:
    return format_html(
        '<form method="post" action="{}">{}<button class="btn btn-sm btn-brand">{}</button></form>',
        url,
        csrf,
        _("Rinnova"),
    )


def renewal_rows(
    practices: Iterable[Practice],
    user: User,
    *,
    renewable: Callable[[Practice], bool],
    csrf: SafeString,
    expiring: bool,
) -> list[dict]:
    """A page of Pratiche in scadenza (`expiring`: with the days left and the firm, and a badge
    for a renewal on its way) or of RINNOVA PRATICA: each row with its Rinnova button when
    `renewable` says the user may renew it (`csrf`: the form's token field)."""
    detail, renew = link_maker("practices:detail"), link_maker("practices:renew")
    rows = []
    for p in practices:
        action: SafeString | str = ""
        if expiring and p.renewing:
            action = format_html(
                '<span class="badge text-bg-info">{}</span>', _("rinnovo in corso")
            )
        elif renewable(p):
            action = _renew_button(renew(p.pk), csrf)
        days = p.days_left
        rows.append(
            {
                "url": detail(p.pk),
                "policy": p.policy_number,
                "client": p.client.display_name,
                "firm": firm_line(p, not user.is_collaborator) if expiring else "",
                "product": p.product.name,
                "gross": italian_number(p.gross),
                "end": day(p.end_date),
                "days": days,
                "days_badge": "status-rejected" if days <= 7 else "status-pending",
                "status": "" if expiring else status_badge(p),
                "action": action,
            }
        )
    return rows
