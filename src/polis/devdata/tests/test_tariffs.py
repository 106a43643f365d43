"""The demo tariffs are data files, checked by the catalog's validator when read."""

import json

import pytest

from polis.catalog.rating import TariffError, load_tariff
from polis.devdata.catalog import DEMO_TARIFFS, PRODUCTS, TARIFFS, read_tariff


@pytest.mark.parametrize("path", sorted(TARIFFS.glob("*.json")), ids=lambda path: path.name)
def test_every_shipped_demo_tariff_passes_the_catalogs_validator(path):
    # when
    document = read_tariff(path)
    # then: a valid tariff of a demo product, named after its product and version
    tariff = load_tariff(document)
    assert path.name == f"{tariff.product}-{tariff.version}.json"
    assert DEMO_TARIFFS[tariff.product] == document


def test_every_demo_product_has_a_tariff():
    assert sorted(DEMO_TARIFFS) == sorted(code for code, _name, _ramo in PRODUCTS)


def test_a_broken_tariff_file_is_refused_naming_the_file_and_the_fault(tmp_path):
    # given the RC tariff with a tax rate of 150%
    broken = tmp_path / "RCP-2027-01.json"
    broken.write_text(json.dumps({**DEMO_TARIFFS["RCP"], "tax_rate": "1.5"}), encoding="utf-8")
    # when / then
    with pytest.raises(TariffError, match=r"(?s)^RCP-2027-01\.json: .*tax_rate\n.*less than 1"):
        read_tariff(broken)


def test_a_tariff_file_that_is_not_json_is_refused_naming_the_file(tmp_path):
    # given
    broken = tmp_path / "CAU-2027-01.json"
    broken.write_text('{"product": "CAU",', encoding="utf-8")
    # when / then
    with pytest.raises(TariffError, match=r"^CAU-2027-01\.json: not valid JSON"):
        read_tariff(broken)
