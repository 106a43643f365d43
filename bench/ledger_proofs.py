"""Inclusion and consistency proof generation at large size: polis tiles vs pymerkle SQLite.

    .venv/bin/python bench/ledger_proofs.py [N] [--polis-only]

polis: the tree is held as tlog-tiles (dict in memory, as loaded from the tile table) and proofs
are computed by polis.ledger.merkle over those tiles. pymerkle: SqliteTree with the same leaves.
Also reports the raw hashlib SHA-256 rate (64-byte messages) as the ceiling.
"""

import hashlib
import os
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "polis.settings")

from polis.ledger import merkle
from polis.ledger.tiles import TileTree

PROOFS = 2000


def sha_rate() -> float:
    block = b"\x01" + b"x" * 64
    n = 1_000_000
    started = time.perf_counter()
    for _ in range(n):
        hashlib.sha256(block).digest()
    return n / (time.perf_counter() - started)


def per_proof(fn, pairs) -> float:
    started = time.perf_counter()
    for a, b in pairs:
        fn(a, b)
    return (time.perf_counter() - started) / len(pairs) * 1000


def main(size: int, polis_only: bool = False) -> None:
    entries = [b"entry %d" % i for i in range(size)]
    store: dict = {}
    tree = TileTree(0, lambda level, index: store.get((level, index), b""))
    started = time.perf_counter()
    tree.append(merkle.leaf_hash(e) for e in entries)
    built = time.perf_counter() - started
    store.update(tree.changed_tiles())
    tiles = TileTree(size, lambda level, index: store.get((level, index), b""))
    rng = random.Random(1)  # noqa: S311 - sampling positions, not cryptography
    incl = [(rng.randrange(size), size) for _ in range(PROOFS)]
    cons = [(rng.randrange(1, size), size) for _ in range(PROOFS)]
    polis_incl = per_proof(lambda i, n: merkle.inclusion_proof(tiles, i, n), incl)
    polis_cons = per_proof(lambda m, n: merkle.consistency_proof(tiles, m, n), cons)
    if polis_only:
        for run in range(1, 3):  # caches warm: the steady state
            again_incl = per_proof(lambda i, n: merkle.inclusion_proof(tiles, i, n), incl)
            again_cons = per_proof(lambda m, n: merkle.consistency_proof(tiles, m, n), cons)
            sys.stdout.write(
                f"run {run}: inclusion {again_incl:.3f} ms, consistency {again_cons:.3f} ms\n"
            )
        sys.stdout.write(
            f"size {size:,}: first run inclusion {polis_incl:.3f} ms, "
            f"consistency {polis_cons:.3f} ms (cold caches)\n"
        )
        return

    from pymerkle import SqliteTree

    with tempfile.TemporaryDirectory() as folder:
        pm = SqliteTree(str(Path(folder) / "merkle.db"), algorithm="sha256")
        pm.append_entries(entries)
        pm_incl = per_proof(lambda i, n: pm.prove_inclusion(i + 1, n), incl[:200])
        pm_cons = per_proof(lambda m, n: pm.prove_consistency(m, n), cons[:200])
        pm.close()
    rate = sha_rate()
    sys.stdout.write(
        f"size {size:,}: tiles built in {built:.1f} s\n"
        f"inclusion proof: polis {polis_incl:.3f} ms, pymerkle {pm_incl:.3f} ms "
        f"({pm_incl / polis_incl:.1f}x)\n"
        f"consistency proof: polis {polis_cons:.3f} ms, pymerkle {pm_cons:.3f} ms "
        f"({pm_cons / polis_cons:.1f}x)\n"
        f"hashlib SHA-256 (65-byte node messages): {rate:,.0f} hashes/s\n"
    )


if __name__ == "__main__":
    arguments = [a for a in sys.argv[1:] if a != "--polis-only"]
    main(int(arguments[0]) if arguments else 1_000_000, polis_only="--polis-only" in sys.argv)
