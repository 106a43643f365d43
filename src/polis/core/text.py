"""Free text from users: every field has a length limit, checked by the services, so that the
pages and the API refuse the same texts with the same message."""

from django.utils.translation import gettext as _

from polis.core.errors import DomainError

# Limits by kind of text (characters).
SHORT_TEXT = 200  # a place, a title, a name
REASON_TEXT = 2_000  # a reason, a request, third parties involved
NOTE_TEXT = 5_000  # a note, a description, a quietanza's conditions
MESSAGE_TEXT = 10_000  # a message between a firm and the MGA


def bounded_text(text: str, *, limit: int, field: str = "text") -> str:
    """`text` stripped, or DomainError if it is longer than `limit` characters."""
    text = text.strip()
    if len(text) > limit:
        raise DomainError(
            _("Il testo è troppo lungo: al massimo %(limit)s caratteri (ne contiene %(length)s).")
            % {"limit": f"{limit:n}", "length": f"{len(text):n}"},
            field=field,
        )
    return text
