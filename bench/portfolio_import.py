"""The portfolio import at scale: a CSV of --rows policies (default 100,000; one client in five
holds two policies) checked (the dry run) and imported into PostgreSQL, then the same file
checked again (everything already there). Prints the time and the process's peak memory of
each step.

Usage: DEBUG=1 DATABASE_URL=postgres://…/scratch python bench/portfolio_import.py [--rows 100000]
The scratch database is migrated; each run imports into a new firm (policy numbers carry the
run's tag), so runs do not collide.
"""

import argparse
import csv
import io
import resource
import secrets
import time
from datetime import timedelta
from itertools import product
from string import ascii_uppercase

from common import require_postgres

require_postgres()

import django

django.setup()

from django.core.management import call_command
from django.utils import timezone
from stdnum.it import codicefiscale

from polis.accounts.tests.factories import FirmFactory, UserFactory, partita_iva
from polis.devdata.catalog import ARCHITECT_EXAMPLE
from polis.portfolio import services, tasks
from polis.portfolio.columns import NAMES
from polis.portfolio.models import ImportBatch
from polis.practices.models import Practice
from polis.quotes.tests.factories import demo_product


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def codes(count: int):
    """`count` distinct valid codici fiscali (a surname's letters and a foreign birthplace)."""
    for letters, place in product(product(ascii_uppercase, repeat=3), range(1000)):
        base = "".join(letters) + f"MRA80A01Z{place:03d}"
        yield base + codicefiscale.calc_check_digit(base)
        count -= 1
        if not count:
            return


def portfolio_csv(rows: int, tag: str) -> bytes:
    end = timezone.localdate() + timedelta(days=30)
    start = end.replace(year=end.year - 1)
    answers = " | ".join(f"{k}={v}" for k, v in ARCHITECT_EXAMPLE.items())
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(NAMES)
    clients = codes(rows)
    for n in range(rows):
        if n % 5 != 1:  # every fifth row is the previous row's client's second policy
            cf = next(clients)
        row = dict.fromkeys(NAMES, "") | {
            "tipo_cliente": "PF",
            "cognome": "Rossi",
            "nome": "Mario",
            "codice_fiscale": cf,
            "email": f"cliente{n}@example.it",
            "cellulare": "+39 333 1234567",
            "indirizzo": "Via Roma 1",
            "cap": "00100",
            "comune": "Roma",
            "provincia": "RM",
            "compagnia": "D999",
            "prodotto": "RCP",
            "numero_polizza": f"B{tag}-{n:07d}",
            "decorrenza": (start + timedelta(days=n % 300)).strftime("%d/%m/%Y"),
            "scadenza": (end + timedelta(days=n % 300)).strftime("%d/%m/%Y"),
            "premio_lordo": f"{800 + n % 400},50",
            "risposte": answers,
        }
        writer.writerow(row.values())
    return out.getvalue().encode("utf-8-sig")


def step(name: str, call):
    started = time.perf_counter()
    result = call()
    seconds = time.perf_counter() - started
    print(f"| {name} | {seconds:.1f} | {peak_mb():.0f} |", flush=True)
    return result, seconds


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    demo_product("RCP")
    tag = secrets.token_hex(3).upper()
    serial = secrets.randbelow(9_000_000)
    firm = FirmFactory(
        partita_iva=partita_iva(serial), rui_number=f"A{serial:09d}", pec=f"b{tag}@pec.example.it"
    )
    admin = UserFactory(firm=firm, is_firm_admin=True, email=f"bench-{tag}@example.it")
    # The steps are run here one after the other, not by the tasks the services enqueue.
    tasks.validate_import.delay = tasks.run_import.delay = lambda batch_id: None
    data = portfolio_csv(args.rows, tag)
    print(f"rows: {args.rows:,}, file: {len(data) / 2**20:.1f} MB, peak before: {peak_mb():.0f} MB")
    print("| step | s | process peak RSS MB |\n|---|---|---|")

    def upload():
        return services.upload_portfolio(
            actor=admin, firm=admin.firm, name="bench.csv", data=data, privacy_declared=True
        )

    batch, _ = step("upload (type, encoding, store)", upload)
    batch, checking = step(
        "dry run (read, check, report)", lambda: services.validate_batch(batch.pk)
    )
    assert batch.error_rows == 0, batch.rows.exclude(errors=[]).first().errors
    services.confirm_import(actor=admin, batch=batch)
    batch, importing = step("import (clients, policies)", lambda: services.import_batch(batch.pk))
    assert batch.status == ImportBatch.Status.DONE
    assert batch.failed_rows == 0
    again, _ = step("upload of the same file", upload)
    again, _ = step("dry run again (all already there)", lambda: services.validate_batch(again.pk))
    assert again.warning_rows == args.rows
    print(
        f"\npolicies created: {batch.created_policies:,}, clients created: "
        f"{batch.created_clients:,}; dry run {args.rows / checking:,.0f} rows/s, import "
        f"{args.rows / importing:,.0f} rows/s; the firm's policies now "
        f"{Practice.objects.filter(firm=admin.firm).count():,}"
    )


if __name__ == "__main__":
    main()
