"""The client's quotes, for his data-subject requests (registered in `apps.py`)."""

from polis.quotes.models import Quote


def export_client(client) -> list[dict]:
    quotes = Quote.objects.filter(client=client).select_related("product").order_by("pk")
    return [
        {
            "numero": quote.number,
            "prodotto": quote.product.name,
            "stato": str(quote.get_status_display()),
            "decorrenza": quote.effective_date.isoformat(),
            "premio_lordo": str(quote.gross),
            "valido_fino_al": quote.valid_until.isoformat(),
            "risposte_al_questionario": quote.answers,
        }
        for quote in quotes
    ]
