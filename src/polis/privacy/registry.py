"""What each app holds about a client, for the data-subject requests (GDPR art. 15–20).

Each domain registers, in its `apps.py` `ready()`, one exporter: the section it contributes to
the export:

    register_exporter("practices", title=_("Pratiche e polizze"), export=privacy.export_client)

`export(client)` returns a list of plain JSON values (dicts of strings and numbers), in Italian
labels where a person reads them. The duties that stop an erasure are the retention classes the
domains register (`polis.core.retention`). This module imports no domain: the privacy app reads
each app's records only through what the app registered.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Exporter:
    section: str
    title: str
    export: Callable[..., list]


_EXPORTERS: dict[str, Exporter] = {}


def register_exporter(
    section: str,
    *,
    title: str,
    export: Callable[..., list],
) -> None:
    if section in _EXPORTERS and _EXPORTERS[section].export is not export:
        raise ValueError(f"exporter {section!r} is already registered")
    _EXPORTERS[section] = Exporter(section, title, export)


def exporters() -> list[Exporter]:
    return list(_EXPORTERS.values())
