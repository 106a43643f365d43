"""What the follower's COPY of 1,000 lookup rows costs at the size of a loaded ledger, with every
index of the table and without its two hash indexes (by document and leaf hash).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/<scratch> .venv/bin/python \
        bench/ledger_follower_indexes.py [--rounds 5]

Each COPY runs in a transaction that is rolled back (the indexes are dropped inside it): nothing
is written, but the table is locked for the moment of each round, so give it the scratch
database of bench/ledger_http.py, not one in use. Prints the rows already in the table and the
milliseconds of each round.
"""

import argparse
import hashlib
import os
import time

from common import django_for_sessions, require_postgres

require_postgres()
django_for_sessions()

from django.db import connection, transaction

from polis.ledger.models import LedgerEntry

HASH_INDEXES = ("ledger_entry_leaf_hash", "ledger_entry_sha256")


def rows(first: int) -> str:
    """1,000 lookup rows numbered from `first`, as the follower's COPY sends them."""
    lines = []
    for i in range(first, first + 1000):
        digest = hashlib.sha256(b"bench %d" % i).hexdigest()
        data = (
            f'{{"ref":"B{i}","sha256":"{digest}","time":"2026-01-01T00:00:00Z",'
            f'"type":"policy.issued","v":1}}'
        )
        leaf = hashlib.sha256(b"\x00" + data.encode()).hexdigest()
        lines.append(
            f"{i}\tpolicy.issued\tB{i}\t{digest}\t2026-01-01T00:00:00+00:00\t{data}\t{leaf}\n"
        )
    return "".join(lines)


def copy_ms(text: str, drop: tuple[str, ...]) -> float:
    table = LedgerEntry._meta.db_table
    columns = '"index", type, ref, sha256, time, data, leaf_hash'
    with transaction.atomic(), connection.cursor() as cursor:
        for index in drop:
            cursor.execute(f"DROP INDEX {index}")
        start = time.perf_counter()
        with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            copy.write(text)
        elapsed = (time.perf_counter() - start) * 1000
        transaction.set_rollback(True)
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    count = LedgerEntry.objects.count()
    first = LedgerEntry.objects.order_by("-index").values_list("index", flat=True).first() or 0
    print(f"{count:,} lookup rows; load average {os.getloadavg()[0]:.1f}")
    batches = iter(range(first + 1, first + 1 + 3 * args.rounds * 1000, 1000))
    for name, drop in (
        ("every index", ()),
        ("without the 2 hash indexes", HASH_INDEXES),
        ("every index, again", ()),
    ):
        # rows of their own each round: hash keys whose index pages no round has read yet
        times = [copy_ms(rows(next(batches)), drop) for _ in range(args.rounds)]
        print(f"{name}: " + ", ".join(f"{t:.0f}" for t in times) + " ms per 1,000 rows")
    print(f"load average {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
