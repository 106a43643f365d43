"""A month of premium postings for N practices on PostgreSQL, and the reads on top of them.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/money_bench \\
        .venv/bin/python bench/accounting_postings.py [--practices 1000000] [--service 20000]

- service: `post_premium_collected` one posting at a time, 1,000 per database transaction
  (what verifying payments does), with the balance triggers on;
- bulk: the month's N postings (5 legs each: separate account, premium tax, insurer, the MGA's
  commission, the firm's) COPYed as the service writes them (legs first, then the
  transactions, which the trigger checks one by one and whose day totals a statement trigger
  adds; the legs' deferred foreign key checked at commit), in batches of 100,000 practices;
- then the reads: an insurer's balance, its estratto conto totals for the month, the
  reconciliation by age (from the day totals, and summed from the legs as it was before them,
  for the ratio), a firm's commission statement, the operator's figures, and the Contabilità
  page itself (figures + reconciliation, rendered for an operator);
- with --remit: the first insurer's month put in a remittance (`prepare_remittance`, timed once),
  then its estratto conto totals from the day totals and its page.
Empties the accounting tables first (TRUNCATE): it refuses a database whose ledger of money holds
transactions unless given --force.
"""

import argparse
import io
import statistics
import sys
import time
import uuid
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.common import require_postgres, session_cookie

require_postgres()
import django

django.setup()

from django.conf import settings
from django.core.management import call_command
from django.db import connection, transaction
from django.db.models import Q, Sum
from django.test import Client
from django.utils import timezone

from polis.accounting import selectors, services
from polis.accounting.models import Account, DayTotal, Leg, Transaction
from polis.accounting.services import Subject
from polis.accounts.models import Firm, User
from polis.catalog.models import Insurer

K = Account.Kind
FIRMS, INSURERS, BATCH = 1000, 3, 100_000
# An instalment of the demo RCP tariff: gross, its premium tax, the MGA's commission (25 % of
# the net), the firm's (15 %).
GROSS, TAX, MGA, COMMISSION = (
    Decimal("421.67"),
    Decimal("76.74"),
    Decimal("86.23"),
    Decimal("51.74"),
)


def _setup(force: bool):
    call_command("migrate", verbosity=0)
    if not force and Transaction.objects.exists():
        raise SystemExit(
            "This database's accounting tables hold transactions: give a scratch database, "
            "or --force to empty them."
        )
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE accounting_leg, accounting_transaction, accounting_daytotal, "
            "accounting_payout, accounting_payoutbatch, accounting_remittance, "
            "accounting_account CASCADE"
        )
    insurers = [
        Insurer.objects.get_or_create(ivass_code=f"BX{i:03d}", defaults={"name": f"Bench {i}"})[0]
        for i in range(INSURERS)
    ]
    existing = Firm.objects.filter(partita_iva__startswith="9").count()
    Firm.objects.bulk_create(
        [
            Firm(
                name=f"Agenzia bench {i}",
                partita_iva=f"9{i:010d}",
                rui_section="E",
                rui_number=f"EB{i:08d}",
                address="Via Roma 1",
                city="Milano",
                postal_code="20100",
                province="MI",
                pec=f"bench{i}@pec.example.it",
                status=Firm.Status.APPROVED,
            )
            for i in range(existing, FIRMS)
        ]
    )
    firms = list(Firm.objects.filter(partita_iva__startswith="9").order_by("pk")[:FIRMS])
    return insurers, firms


def _service(n: int, insurers, firms, month: date) -> float:
    started = time.perf_counter()
    for start in range(0, n, 1000):
        with transaction.atomic():
            for i in range(start, min(n, start + 1000)):
                services.post_premium_collected(
                    actor=None,
                    subject=Subject("payment", i, f"S-{i} rata 1", practice_id=i),
                    insurer=insurers[i % INSURERS],
                    firm=firms[i % FIRMS],
                    gross=GROSS,
                    commission=COMMISSION,
                    received_on=month + timedelta(days=i % 28),
                    tax=TAX,
                    mga_commission=MGA,
                )
    return time.perf_counter() - started


def _bulk(n: int, insurers, firms, month: date, offset: int) -> float:
    separate = services.account(K.SEPARATE).pk
    owed = [services.account(K.INSURER, insurer=i).pk for i in insurers]
    taxes = [services.account(K.PREMIUM_TAX, insurer=i).pk for i in insurers]
    mga = services.account(K.MGA_COMMISSION).pk
    commissions = [services.account(K.COMMISSIONS, firm=f).pk for f in firms]
    now = timezone.now().isoformat()
    started = time.perf_counter()
    for start in range(offset, offset + n, BATCH):
        keys = [uuid.uuid4() for _ in range(start, min(offset + n, start + BATCH))]
        legs, txns = io.StringIO(), io.StringIO()
        for j, key in enumerate(keys):
            i = start + j
            legs.write(f"{key}\t{separate}\t{GROSS}\n")
            legs.write(f"{key}\t{taxes[i % INSURERS]}\t{-TAX}\n")
            legs.write(f"{key}\t{owed[i % INSURERS]}\t{-(GROSS - TAX - MGA)}\n")
            legs.write(f"{key}\t{mga}\t{-(MGA - COMMISSION)}\n")
            legs.write(f"{key}\t{commissions[i % FIRMS]}\t{-COMMISSION}\n")
            day = month + timedelta(days=i % 28)
            txns.write(
                f"{key}\tpremium\t{day}\tpayment\t{i}\tB-{i} rata 1\t{i}\t"
                f"{insurers[i % INSURERS].pk}\t{firms[i % FIRMS].pk}\t{now}\n"
            )
        with transaction.atomic(), connection.cursor() as cursor:
            with cursor.copy(
                "COPY accounting_leg (transaction_id, account_id, amount) FROM STDIN"
            ) as copy:
                copy.write(legs.getvalue())
            with cursor.copy(
                "COPY accounting_transaction (id, kind, date, subject_kind, subject_id, "
                "reference, practice_id, insurer_id, firm_id, posted_at) FROM STDIN"
            ) as copy:
                copy.write(txns.getvalue())
    return time.perf_counter() - started


def _unremitted_from_legs(today: date) -> list[dict]:
    """The reconciliation's one query as it read before the day totals: every open leg."""
    buckets = {
        f"b{i}": Sum(
            "amount",
            filter=Q(transaction__date__lte=today - timedelta(days=low))
            & (Q() if high is None else Q(transaction__date__gte=today - timedelta(days=high))),
        )
        for i, (low, high) in enumerate(selectors.AGE_BUCKETS)
    }
    return list(
        Leg.objects.filter(
            account__kind__in=selectors.OWED,
            transaction__kind__in=selectors.STATEMENT_KINDS,
            transaction__remittance__isnull=True,
        )
        .values("account__insurer_id", "account__insurer__name")
        .annotate(**buckets)
        .order_by("account__insurer__name")
    )


OPERATOR = "bench-contabilita@polis.local"


def _operator_page(path: str):
    """GET `path` as an operator (two-factor verified session); fails loudly if not 200."""
    operator = User.objects.filter(email=OPERATOR).first()
    if operator is None:
        operator = User.objects.create_user(
            OPERATOR,
            first_name="Bench",
            last_name="Operatore",
            role=User.Role.OPERATOR,
        )
    settings.ALLOWED_HOSTS = ["testserver"]
    client = Client()
    client.cookies.load(session_cookie(operator))

    def get() -> None:
        response = client.get(path)
        assert response.status_code == 200, response.status_code

    return get


def _timed(fn, runs: int = 5) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--practices", type=int, default=1_000_000)
    parser.add_argument("--service", type=int, default=20_000)
    parser.add_argument("--reads-only", action="store_true", help="on the postings already made")
    parser.add_argument("--remit", action="store_true", help="remit the first insurer's month")
    parser.add_argument("--force", action="store_true", help="empty non-empty accounting tables")
    args = parser.parse_args()
    month = timezone.localdate().replace(day=1) - timedelta(days=1)
    month = month.replace(day=1)  # last month: every day of it is past
    if args.reads_only:
        insurers = list(Insurer.objects.filter(ivass_code__startswith="BX").order_by("pk"))
        firms = list(Firm.objects.filter(partita_iva__startswith="9").order_by("pk")[:1])
    else:
        insurers, firms = _setup(args.force)
        service = _service(args.service, insurers, firms, month)
        print(
            f"service: {args.service} postings in {service:.1f} s = {args.service / service:.0f}/s"
        )
        n = args.practices - args.service
        bulk = _bulk(n, insurers, firms, month, args.service)
        print(f"bulk COPY: {n} postings ({5 * n} legs) in {bulk:.1f} s = {n / bulk:.0f}/s")
        with connection.cursor() as cursor:
            cursor.execute(
                "ANALYZE accounting_leg; ANALYZE accounting_transaction; "
                "ANALYZE accounting_daytotal"
            )
    print(
        f"rows: {Transaction.objects.count()} transactions, {Leg.objects.count()} legs, "
        f"{DayTotal.objects.count()} day totals"
    )
    insurer, firm = insurers[0], firms[0]
    end = (month + timedelta(days=31)).replace(day=1) - timedelta(days=1)
    account = services.account(K.INSURER, insurer=insurer)
    statement = Transaction.objects.filter(
        insurer=insurer, kind__in=selectors.STATEMENT_KINDS, date__gte=month, date__lte=end
    )
    page = _operator_page("/contabilita/")
    remittance = None
    if args.remit:
        operator = User.objects.get(email=OPERATOR)
        started = time.perf_counter()
        remittance = services.prepare_remittance(actor=operator, insurer=insurer, period_end=end)
        print(f"prepare_remittance, one insurer-month: {time.perf_counter() - started:.1f} s")
    reads = {
        "insurer balance": lambda: selectors.balance(account),
        "estratto conto totals, insurer-month": lambda: selectors.statement_totals(statement),
        "estratto conto first page (50 lines)": lambda: list(
            selectors.statement_lines(statement)[:50]
        ),
        "reconciliation by age, all insurers (day totals)": lambda: selectors.unremitted_by_age(
            timezone.localdate()
        ),
        "reconciliation by age, summed from the legs": lambda: _unremitted_from_legs(
            timezone.localdate()
        ),
        "commission statement totals, firm-month": lambda: selectors.commission_totals(
            firm.pk, month
        ),
        "operator figures (dashboard)": lambda: selectors.operator_figures(timezone.localdate()),
        "Contabilità page, operator (GET /contabilita/)": page,
    }
    if remittance is not None:
        reads["remittance's estratto conto totals (day totals)"] = lambda: (
            selectors.remittance_totals([remittance])
        )
        reads["remittance page, operator (GET /contabilita/rimesse/<pk>/)"] = _operator_page(
            f"/contabilita/rimesse/{remittance.pk}/"
        )
    for name, read in reads.items():
        print(f"{name}: {_timed(read):.0f} ms (median of 5)")


if __name__ == "__main__":
    main()
