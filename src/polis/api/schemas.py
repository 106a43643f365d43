"""What the API's routers share: the error body, the pricing input, the document output and the
page of a list."""

from datetime import date

from ninja import Field, Schema


class ErrorOut(Schema):
    """Every error: a message (or ninja's list of invalid fields), the field at fault and, for
    a refusal of the domain, its stable code."""

    detail: str | list[dict]
    field: str | None = None
    code: str | None = Field(
        None,
        description="Perché il dominio ha rifiutato: invalid (dati non validi), "
        "permission_denied (403), invalid_transition (lo stato non lo consente), "
        "stale_version (modificato da altri nel frattempo: rileggi e riprova), "
        "unauthenticated (401: né sessione né chiave valida), api_key_scope (403: la chiave non "
        "ha lo scope dell'operazione), rate_limited (429: troppe chiamate con la chiave).",
    )
    errors: dict[str, str] | None = Field(
        None, description="Risposte del questionario rifiutate: {domanda: motivo}."
    )


# Documented on every operation: unreadable body, not logged in, not allowed, not found (or
# not yours), invalid, too many calls with a key.
ERRORS = {
    400: ErrorOut,
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    422: ErrorOut,
    429: ErrorOut,
}


class PriceIn(Schema):
    product: str
    effective_date: date
    answers: dict[str, str | int | float | bool] = Field(
        description="Le risposte al questionario del prodotto, {domanda: valore}: chiavi, tipi, "
        "intervalli e scelte nel JSON Schema di GET /products/{code}/answers-schema. Risposte "
        "non valide: 422 con un messaggio per domanda in `errors`."
    )


class DocumentOut(Schema):
    id: int
    kind: str
    label: str
    name: str
    sha256: str


# Pages of at most 200 rows; an offset past any real list (and within PostgreSQL's bigint).
MAX_PAGE, MAX_OFFSET = 200, 10_000_000


def page(items, limit: int, offset: int):
    """The rows of a list or queryset that `limit` and `offset` ask for, within those bounds."""
    limit, offset = max(1, min(limit, MAX_PAGE)), max(0, min(offset, MAX_OFFSET))
    return items[offset : offset + limit]
