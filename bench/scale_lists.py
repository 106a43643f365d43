"""The list and search queries at seed_scale's scale: PostgreSQL's own execution time.

Usage: DATABASE_URL=postgres://…/scratch DEBUG=1 python bench/scale_lists.py [--runs 5]
The database must hold `manage.py seed_scale` data (e.g. --firms 1000 --clients 200000
--practices 1000000 --claims 100000). For each list as its selector builds it (first page of 25
rows) and each viewer (the largest firm, a median firm, the MGA), prints the median EXPLAIN
ANALYZE execution time of the page, the median time of the capped count the page shows, the
rows counted (capped at 10,000) and the indexes the page's plan reads. Markdown table.
"""

import argparse
import re
import statistics
import time

from common import require_postgres

require_postgres()

import django

django.setup()

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Count

from polis.accounts.models import User
from polis.claims import selectors as claim_selectors
from polis.clients import selectors as client_selectors
from polis.clients.models import Client
from polis.core.pagination import CappedPaginator
from polis.practices import selectors
from polis.practices.forms import ExpiringFilterForm, PracticeFilterForm
from polis.practices.models import Practice


def plan_of(queryset) -> tuple[float, list[str]]:
    try:
        sql, params = queryset.query.sql_with_params()
    except EmptyResultSet:  # nothing can match (e.g. no client has that name): no query at all
        return 0.0, ["(no query)"]
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE) " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    ms = float(re.search(r"Execution Time: ([\d.]+)", plan).group(1))
    used = re.findall(
        r"(?:Index|Index Only|Bitmap Index) Scan(?: Backward)? (?:using|on) (\w+)", plan
    )
    used += [f"SEQ {t}" for t in re.findall(r"Seq Scan on (\w+)", plan)]
    return ms, list(dict.fromkeys(used))


def measure(rows, runs: int):
    """The first page as CappedPaginator reads it (its 25 keys, then their rows by key) and the
    capped count."""
    pages, counts, used = [], [], []
    for _ in range(runs):
        keys_ms, keys_used = plan_of(rows.values_list("pk", flat=True)[:25])
        keys = list(rows.values_list("pk", flat=True)[:25])
        rows_ms, rows_used = plan_of(rows.order_by().filter(pk__in=keys)) if keys else (0, [])
        pages.append(keys_ms + rows_ms)
        used = list(dict.fromkeys(keys_used + rows_used))
        paginator = CappedPaginator(rows, 25)
        start = time.perf_counter()
        total = paginator.count
        counts.append((time.perf_counter() - start) * 1000)
    shown = f">{paginator.cap}" if paginator.capped else str(total)
    return statistics.median(pages), statistics.median(counts), shown, used


def samples():
    """Search words taken from the data: a common and a rare surname, a codice fiscale, a policy
    number, whole and in part."""
    largest = Practice.objects.values("firm").annotate(n=Count("pk")).order_by("-n")[0]["firm"]
    client = (
        Client.objects.filter(
            firm_id=largest, kind="person", practices__policy_number__isnull=False
        )
        .order_by("pk")
        .first()
    )
    policy = Practice.objects.filter(client=client, policy_number__isnull=False).first()
    return largest, {
        "common surname": "Rossi",
        "rare surname": "Benedetti",
        "part of a name": "ssi",
        "codice fiscale": client.codice_fiscale,
        "part of a codice fiscale": client.codice_fiscale[:9],
        "policy number": policy.policy_number,
        "part of a policy number": policy.policy_number[4:13],
        "policy number digits": policy.policy_number[-6:],
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    largest, words = samples()
    sizes = Practice.objects.values("firm").annotate(n=Count("pk")).order_by("n")
    median_firm = sizes[len(sizes) // 2]["firm"]
    size = {row["firm"]: row["n"] for row in sizes}
    collaborator = User.objects.filter(firm_id=largest).order_by("pk").first()
    small = User.objects.filter(firm_id=median_firm).order_by("pk").first()
    viewers = [
        (f"largest firm ({size[largest]:,})", collaborator),
        (f"median firm ({size[median_firm]:,})", small),
        ("MGA (1M)", User.objects.get(email="operatore.scala@polis.local")),
    ]
    adjuster = User.objects.get(email="liquidatore1.scala@polis.local")
    cases = [
        ("practices: default", lambda u: selectors.filtered_practices(u, PracticeFilterForm({}))),
        (
            "practices: in force by end date",
            lambda u: selectors.filtered_practices(
                u, PracticeFilterForm({"stato": "in_force", "ordina": "scadenza"})
            ),
        ),
        (
            "practices: product",
            lambda u: selectors.filtered_practices(u, PracticeFilterForm({"prodotto": "CAU"})),
        ),
        ("expiring in 30 days", lambda u: selectors.expiring_practices(u, ExpiringFilterForm({}))),
        ("renewable", lambda u: selectors.renewable_practices(u)),
        ("clients: default", lambda u: client_selectors.search_clients(u)),
        ("claims: default", lambda u: claim_selectors.search_claims(u)),
        ("claims: open", lambda u: claim_selectors.search_claims(u, status="investigation")),
        ("claims: overdue", lambda u: claim_selectors.search_claims(u, overdue=True)),
        ("APRI SINISTRO policies", lambda u: claim_selectors.eligible_policies(u)),
    ]
    for label, word in words.items():
        cases.append(
            (
                f"practices: {label} `{word}`",
                lambda u, w=word: selectors.filtered_practices(u, PracticeFilterForm({"q": w})),
            )
        )
        cases.append(
            (
                f"clients: {label} `{word}`",
                lambda u, w=word: client_selectors.search_clients(u, w),
            )
        )
        cases.append(
            (
                f"claims: {label} `{word}`",
                lambda u, w=word: claim_selectors.search_claims(u, query=w),
            )
        )
    print("| list | who | page ms | count ms | rows | indexes read |")
    print("|---|---|---|---|---|---|")
    for name, build in cases:
        for who, user in (
            [*viewers, ("adjuster", adjuster)] if name.startswith("claims") else viewers
        ):
            if name == "APRI SINISTRO policies" and user.firm_id is None:
                continue
            page_ms, count_ms, total, used = measure(build(user), args.runs)
            times = f"{page_ms:.1f} | {count_ms:.1f}"
            print(f"| {name} | {who} | {times} | {total} | {', '.join(used)} |", flush=True)


if __name__ == "__main__":
    main()
