"""Scenario numbers for docs/RELIABILITY.md, written by the fault tests as they run."""

import json
from pathlib import Path

from django.conf import settings


def report(scenario: str, **numbers: int) -> None:
    """Record a scenario's counts under var/reliability.json (and print them)."""
    path = Path(settings.VAR_DIR) / "reliability.json"
    results = json.loads(path.read_text()) if path.exists() else {}
    results[scenario] = numbers
    path.write_text(json.dumps(results, indent=2, ensure_ascii=False))
    print(f"{scenario}: {numbers}")  # noqa: T201 - shown with pytest -s
