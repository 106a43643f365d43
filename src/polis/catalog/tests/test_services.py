from datetime import date
from decimal import Decimal

import pytest

from polis.catalog import services
from polis.catalog.models import Insurer, Product, TariffVersion
from polis.core.errors import DomainError
from polis.devdata.catalog import ARCHITECT_EXAMPLE, DEMO_TARIFFS, QUESTIONNAIRES

pytestmark = pytest.mark.django_db
ANSWERS = ARCHITECT_EXAMPLE


@pytest.fixture
def product():
    insurer = Insurer.objects.create(name="Compagnia", ivass_code="X1")
    product = Product.objects.create(
        insurer=insurer,
        code="RCP",
        name="RC Professionale",
        line_of_business=13,
        questionnaire=QUESTIONNAIRES["RCP"],
    )
    TariffVersion.objects.create(
        product=product,
        version="2026-01",
        valid_from=date(2026, 1, 1),
        valid_to=date(2026, 12, 31),
        document=DEMO_TARIFFS["RCP"],
    )
    newer = {**DEMO_TARIFFS["RCP"], "version": "2027-01", "tax_rate": "0.2500"}
    TariffVersion.objects.create(
        product=product, version="2027-01", valid_from=date(2027, 1, 1), document=newer
    )
    return product


def test_the_effective_date_chooses_the_tariff_version(product):
    # when
    current, now, _answers = services.price(product=product, on=date(2026, 11, 25), answers=ANSWERS)
    later, renewal, _answers = services.price(product=product, on=date(2027, 2, 1), answers=ANSWERS)
    # then
    assert (current.version, now.gross) == ("2026-01", Decimal("843.34"))
    assert (later.version, renewal.tax) == ("2027-01", Decimal("172.46"))


def test_no_tariff_for_the_date_or_an_inactive_product_is_explained(product):
    with pytest.raises(DomainError, match="Nessuna tariffa valida al 01/06/2025"):
        services.tariff_for(product, date(2025, 6, 1))
    product.active = False
    with pytest.raises(DomainError, match="non è più in vendita"):
        services.tariff_for(product, date(2026, 6, 1))


def test_a_used_tariff_version_cannot_change(product):
    # given
    version = product.tariffs.get(version="2026-01")
    services.mark_tariff_used(version)
    version.refresh_from_db()
    version.document = {**DEMO_TARIFFS["RCP"], "tax_rate": "0.10"}
    # when / then
    with pytest.raises(DomainError, match="già stata usata"):
        services.save_tariff_version(version=version)
    version.refresh_from_db()
    assert version.document["tax_rate"] == "0.2225"
