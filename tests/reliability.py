"""Scenario numbers for docs/RELIABILITY.md, written by the fault tests as they run."""

import fcntl
import json

from conftest import shared_var_dir


def report(scenario: str, **numbers: int) -> None:
    """Record a scenario's counts under var/reliability.json (and print them); the file is
    locked while it is rewritten, as pytest-xdist's workers may report at the same time."""
    path = shared_var_dir() / "reliability.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    with (path.parent / "reliability.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        results = json.loads(path.read_text()) if path.exists() else {}
        results[scenario] = numbers
        path.write_text(json.dumps(results, indent=2, ensure_ascii=False))
    print(f"{scenario}: {numbers}")  # noqa: T201 - shown with pytest -s
