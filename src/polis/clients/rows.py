"""The client list's rows, formatted once per page (see polis.core.rows)."""

from collections.abc import Iterable

from django.utils.html import format_html

from polis.accounts.models import User
from polis.clients.models import Client
from polis.core.rows import link_maker

CLIENT_ROW = (
    '<tr><td><a href="{url}">{name}</a></td><td><code>{tax_id}</code></td>'
    "<td>{city} ({province})</td>{firm}</tr>"
)


def client_rows(clients: Iterable[Client], user: User) -> list[dict]:
    """A page of clients as the list shows them; the firm's column for the MGA's staff."""
    detail = link_maker("clients:detail")
    return [
        {
            "url": detail(c.pk),
            "name": c.display_name,
            "tax_id": c.tax_id,
            "city": c.city,
            "province": c.province,
            "firm": "" if user.is_collaborator else format_html("<td>{}</td>", c.firm.name),
        }
        for c in clients
    ]
