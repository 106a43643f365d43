"""What each app holds about a client, for the data-subject requests (GDPR art. 15–20).

Each domain registers, in its `apps.py` `ready()`, one exporter: the section it contributes to
the export and, when its records must be kept by law, the duty that stops their erasure:

    register_exporter(
        "practices", title=_("Pratiche e polizze"), export=privacy.export_client,
        retention=privacy.retention_duties,
    )

`export(client)` returns a list of plain JSON values (dicts of strings and numbers), in Italian
labels where a person reads them; `retention(client)` the duties that still hold, as sentences
("contratto: conservazione 5 anni, art. 67 Reg. IVASS 40/2018"). This module imports no domain:
the privacy app reads each app's records only through what the app registered.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Exporter:
    section: str
    title: str
    export: Callable[..., list]
    retention: Callable[..., list[str]] | None = None


_EXPORTERS: dict[str, Exporter] = {}


def register_exporter(
    section: str,
    *,
    title: str,
    export: Callable[..., list],
    retention: Callable[..., list[str]] | None = None,
) -> None:
    if section in _EXPORTERS and _EXPORTERS[section].export is not export:
        raise ValueError(f"exporter {section!r} is already registered")
    _EXPORTERS[section] = Exporter(section, title, export, retention)


def exporters() -> list[Exporter]:
    return list(_EXPORTERS.values())
