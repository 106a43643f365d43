"""Rating and quote PDF speed: the quotes issue's targets are rating ≤ 1 ms and PDF ≤ 200 ms.

    .venv/bin/python bench/quotes.py [RUNS]

Rating: polis.catalog.rating.rate() on the three demo tariffs (parsed once, as the catalog keeps
them), one representative answer set each. PDF: the quote template rendered with WeasyPrint for
a priced quote in a scratch SQLite database (created and migrated here).
"""

import os
import statistics
import sys
import tempfile
import time

from common import ROOT  # noqa: F401  (puts src/ on the path)

os.environ["POLIS_VAR_DIR"] = tempfile.mkdtemp(prefix="polis-bench-")
os.environ.pop("DATABASE_URL", None)
import django

django.setup()
from django.core.management import call_command
from django.utils import timezone

from polis.accounts.tests.factories import UserFactory
from polis.catalog.rating import load_tariff, rate
from polis.clients.tests.factories import ClientFactory
from polis.devdata.catalog import ARCHITECT_EXAMPLE, DEMO_TARIFFS
from polis.quotes.services import _render_pdf, create_quote
from polis.quotes.tests.factories import demo_product

ANSWERS = {
    "RCP": ARCHITECT_EXAMPLE,
    "CAU": {
        "bond_type": "locazione_abitativa",
        "credit_class": "B",
        "sum_guaranteed": "5400",
        "months": "48",
    },
    "INF": {
        "occupation_class": "1",
        "death_capital": "100000",
        "disability_capital": "100000",
        "daily_allowance": "50",
        "disability_deductible": "3",
        "scope": "24h",
        "sports": "nessuno",
    },
}


def rating(runs: int) -> None:
    for code, document in DEMO_TARIFFS.items():
        tariff = load_tariff(document)
        started = time.perf_counter()
        for _ in range(runs):
            rate(tariff, ANSWERS[code])
        per = (time.perf_counter() - started) / runs * 1000
        print(f"rating {code}: {per:.3f} ms per quote (mean of {runs})")


def pdf(runs: int) -> None:
    call_command("migrate", verbosity=0)
    user = UserFactory()
    quote = create_quote(
        actor=user,
        client=ClientFactory(created_by=user),
        product=demo_product("RCP"),
        answers=ARCHITECT_EXAMPLE,
        effective_date=timezone.localdate(),
    )
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        _render_pdf(quote)
        times.append((time.perf_counter() - started) * 1000)
    print(
        f"quote PDF: p50 {statistics.median(times):.0f} ms, "
        f"p95 {statistics.quantiles(times, n=20)[18]:.0f} ms ({runs} renders)"
    )


if __name__ == "__main__":
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 30
    rating(runs * 100)
    pdf(runs)
