from datetime import date

from polis.catalog.models import Insurer, Product, TariffVersion
from polis.devdata.catalog import (
    CLAIM_TYPES,
    COVER_BASIS,
    DEMO_TARIFFS,
    QUESTIONNAIRES,
    install_coverages,
)


def demo_product(code: str = "RCP") -> Product:
    """The demo product `code` with its 2026 tariff (created once per test database)."""
    insurer, _ = Insurer.objects.get_or_create(ivass_code="D999", defaults={"name": "Compagnia"})
    product, created = Product.objects.get_or_create(
        code=code,
        defaults={
            "insurer": insurer,
            "name": f"Prodotto {code}",
            "line_of_business": 13,
            "questionnaire": QUESTIONNAIRES[code],
            "claim_types": CLAIM_TYPES[code],
            **COVER_BASIS[code],
        },
    )
    if created:  # a factory calls this for every practice: the coverages go in once
        install_coverages(product)
    TariffVersion.objects.get_or_create(
        product=product,
        version="2026-01",
        defaults={"valid_from": date(2026, 1, 1), "document": DEMO_TARIFFS[code]},
    )
    return product
