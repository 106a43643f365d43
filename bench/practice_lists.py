"""PRATICHE E PREVENTIVI at scale: plans and times of the list queries with 1M practices.

Usage: DATABASE_URL=postgres://…/scratch python bench/practice_lists.py [--practices 1000000]
Fills a scratch database with 10 firms of 100k practices each (interleaved in time, as firms
work side by side), then runs EXPLAIN ANALYZE on the first page of each list, for one firm
(100k) and for the MGA (1M), and times the paginator's count. Prints a Markdown table.
"""

import argparse
import re
import time

from common import require_postgres

require_postgres()

import django

django.setup()

from django.core.management import call_command
from django.db import connection

from polis.accounts.models import User
from polis.accounts.tests.factories import UserFactory
from polis.clients.tests.factories import ClientFactory
from polis.practices import selectors
from polis.practices.forms import ExpiringFilterForm, PracticeFilterForm
from polis.practices.models import Practice
from polis.practices.tests.factories import PracticeFactory
from polis.quotes.tests.factories import demo_product

FILL = """
INSERT INTO practices_practice (uuid, firm_id, client_id, product_id, tariff_id, answers,
  effective_date, end_date, net, tax, gross, commission, breakdown, status, review_reason,
  policy_number, disclosures, created_by_id, created_at)
SELECT md5(g::text)::uuid, u.firm_id, c.first + g / 10 % 500, p.id, t.id, '{}'::jsonb,
  date '2025-01-01' + g % 700, date '2026-01-01' + g % 700, 500, 100, 600, 75,
  '{"instalments": ["600.00"]}'::jsonb,
  (ARRAY['draft','issued','signed','in_force','in_force','in_force','expired','renewed'])
    [1 + g % 8],
  '', p.code || '-' || (2020 + g % 7) || '-' || lpad(g::text, 7, '0'), '[]'::jsonb, u.id,
  timestamp '2025-01-01' + (g || ' seconds')::interval
FROM generate_series(1, COUNT) g
JOIN LATERAL (SELECT id, firm_id FROM accounts_user WHERE firm_id IS NOT NULL
              ORDER BY id OFFSET g % 10 LIMIT 1) u ON true
JOIN LATERAL (SELECT min(id) AS first FROM clients_client WHERE firm_id = u.firm_id) c ON true
JOIN LATERAL (SELECT id, code FROM catalog_product ORDER BY id OFFSET g / 10 % 2 LIMIT 1) p ON true
JOIN LATERAL (SELECT id FROM catalog_tariffversion WHERE product_id = p.id LIMIT 1) t ON true
"""

CASES = [
    ("default (most recent)", PracticeFilterForm, {}),
    ("status in force", PracticeFilterForm, {"stato": "in_force"}),
    ("product", PracticeFilterForm, {"prodotto": "CAU"}),
    ("insurer", PracticeFilterForm, {"compagnia": "1"}),
    ("effective dates", PracticeFilterForm, {"dal": "2025-03-01", "al": "2025-03-31"}),
    ("sorted by end date", PracticeFilterForm, {"ordina": "scadenza"}),
    ("in force by end date", PracticeFilterForm, {"stato": "in_force", "ordina": "scadenza"}),
    ("policy number search", PracticeFilterForm, {"q": "RCP-2023-00004"}),
    ("codice fiscale search", PracticeFilterForm, {"q": "RSSMRA85T10Z005X"}),
    ("client name search", PracticeFilterForm, {"q": "Verdi"}),
    ("expiring in 30 days", ExpiringFilterForm, {}),
]


def fill(count: int) -> None:
    call_command("migrate", verbosity=0)
    if Practice.objects.count() >= count:
        return
    demo_product("RCP"), demo_product("CAU")
    for n in range(10):
        user = UserFactory(email=f"bench-lists-{n}@example.it")
        for i in range(500):
            ClientFactory(created_by=user, last_name="Verdi" if i == 7 else f"Cliente{i}")
    PracticeFactory(created_by=user)
    with connection.cursor() as cursor:
        cursor.execute(FILL.replace("COUNT", str(count)))
        cursor.execute("ANALYZE")


def measure(user, form_class, data) -> tuple[float, float, int, str]:
    form = form_class(data)
    rows = (
        selectors.expiring_practices(user, form)
        if form_class is ExpiringFilterForm
        else selectors.filtered_practices(user, form)
    )
    sql, params = rows[:25].query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE) " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    page_ms = float(re.search(r"Execution Time: ([\d.]+)", plan).group(1))
    start = time.perf_counter()
    total = rows.count()
    count_ms = (time.perf_counter() - start) * 1000
    used = re.findall(r"Scan(?: Backward)? using (\w+) on practices_practice", plan)
    if "Seq Scan on practices_practice" in plan:
        used.append("SEQ SCAN")
    return page_ms, count_ms, total, ", ".join(dict.fromkeys(used))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--practices", type=int, default=1_000_000)
    args = parser.parse_args()
    fill(args.practices)
    firm_user = User.objects.get(email="bench-lists-0@example.it")
    viewers = [("firm (100k)", firm_user), ("MGA (1M)", User(role=User.Role.OPERATOR))]
    print("| list | who | page ms | count ms | rows | practices index |")
    print("|---|---|---|---|---|---|")
    for name, form_class, data in CASES:
        for who, user in viewers:
            page_ms, count_ms, total, used = measure(user, form_class, data)
            print(f"| {name} | {who} | {page_ms:.1f} | {count_ms:.1f} | {total} | {used} |")


if __name__ == "__main__":
    main()
