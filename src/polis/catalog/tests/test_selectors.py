"""What a product covers for given answers, and which of its documents are in force."""

from datetime import date

import pytest

from polis.catalog.models import ProductDocument
from polis.catalog.selectors import coverages_of, documents_in_force
from polis.devdata.catalog import ARCHITECT_EXAMPLE
from polis.documents.services import store_upload
from polis.documents.tests.test_validation import GOOD
from polis.quotes.tests.factories import demo_product

pytestmark = pytest.mark.django_db


def test_coverages_show_the_chosen_limits_and_deductibles():
    lines = coverages_of(demo_product("RCP"), ARCHITECT_EXAMPLE)
    assert [(c.name, c.limit, c.deductible) for c in lines] == [
        ("Responsabilità civile professionale", "€ 500.000", "€ 2.500"),
        ("Retroattività", "5 anni", ""),
    ]


def test_an_optional_coverage_not_taken_is_not_listed():
    answers = {"death_capital": "100000", "disability_capital": "50000", "daily_allowance": "0"}
    names = [c.name for c in coverages_of(demo_product("INF"), answers)]
    assert names == ["Morte da infortunio", "Invalidità permanente da infortunio"]


def test_the_latest_version_of_each_document_in_force():
    product = demo_product("RCP")
    pdf = GOOD["contratto.pdf"]
    for version, since in (("2025-01", date(2025, 1, 1)), ("2026-01", date(2026, 1, 1))):
        ProductDocument.objects.create(
            product=product,
            kind="dip",
            version=version,
            valid_from=since,
            file=store_upload(actor=None, name="dip.pdf", data=pdf),
        )
    assert [d.version for d in documents_in_force(product, date(2025, 6, 1))] == ["2025-01"]
    assert [d.version for d in documents_in_force(product, date(2026, 6, 1))] == ["2026-01"]
