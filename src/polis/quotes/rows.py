"""The quote list's rows, formatted once per page (see polis.core.rows)."""

from collections.abc import Iterable

from polis.accounts.models import User
from polis.core.amounts import italian_number
from polis.core.rows import day, firm_line, link_maker
from polis.quotes.models import Quote

QUOTE_ROW = (
    '<tr><td><a href="{url}">{number}</a></td><td>{client}{firm}</td><td>{product}</td>'
    '<td class="text-end text-nowrap">€ {gross}</td><td>{start}</td><td>{valid_until}</td>'
    '<td><span class="badge {badge}">{status}</span></td></tr>'
)


def _badge(quote: Quote) -> str:
    if quote.is_expired:
        return "status-rejected"
    return "status-approved" if quote.status == Quote.Status.CONVERTED else "text-bg-primary"


def quote_rows(quotes: Iterable[Quote], user: User) -> list[dict]:
    """A page of quotes as the list shows them: each cell's text, its link, its badge."""
    detail = link_maker("quotes:detail")
    firm_shown = not user.is_collaborator
    return [
        {
            "url": detail(q.pk),
            "number": q.number,
            "client": q.client.display_name,
            "firm": firm_line(q, firm_shown),
            "product": q.product.name,
            "gross": italian_number(q.gross),
            "start": day(q.effective_date),
            "valid_until": day(q.valid_until),
            "badge": _badge(q),
            "status": q.status_label,
        }
        for q in quotes
    ]
