"""The practice lists' rows, formatted once per page (see polis.core.rows)."""

from collections.abc import Iterable

from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from polis.accounts.models import User
from polis.core.amounts import italian_number
from polis.core.rows import day, link_maker
from polis.practices.models import Practice


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
    firm_shown = not user.is_collaborator
    return [
        {
            "url": detail(p.pk),
            "policy": p.policy_number or _("da emettere"),
            "client": p.client.display_name,
            "firm": p.firm.name if firm_shown else "",
            "product": p.product.name,
            "gross": italian_number(p.gross),
            "start": day(p.effective_date),
            "end": day(p.end_date),
            "status": status_badge(p),
        }
        for p in practices
    ]
