from datetime import date

from polis.catalog.demo import DEMO_TARIFFS, QUESTIONNAIRES
from polis.catalog.models import Insurer, Product, TariffVersion


def demo_product(code: str = "RCP") -> Product:
    insurer, _ = Insurer.objects.get_or_create(ivass_code="D999", defaults={"name": "Compagnia"})
    product = Product.objects.create(
        insurer=insurer,
        code=code,
        name=f"Prodotto {code}",
        line_of_business=13,
        questionnaire=QUESTIONNAIRES[code],
    )
    TariffVersion.objects.create(
        product=product, version="2026-01", valid_from=date(2026, 1, 1), document=DEMO_TARIFFS[code]
    )
    return product
