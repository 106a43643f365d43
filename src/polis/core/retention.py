"""Retention by record class (regulatory brief §7): what each app keeps, for how long, from when.

Each app registers, in its `apps.py` `ready()`, its kinds of record with their period, start
event and legal source, and — when polis deletes or pseudonymises them once the period is over —
how to find the expired rows (its `retention.py`) and how to purge them (a function of its
services, the state change):

    register_record_class(
        "quotes.quote", title=_("Preventivi non trasformati in pratica"), months=24,
        start_event=_("dalla fine della validità del preventivo"), source=_("scelta dell'MGA ..."),
        unconfirmed=True, action=Action.DELETE, expired=retention.expired_quotes,
        purge=services.delete_quotes,
    )

(`keeps=` names a duty that refuses an erasure while it holds, e.g. the contract's.)

`expired(cutoff, held)` returns a queryset of the rows whose start event came before `cutoff`
(today less the period), that are not purged yet and whose client is not in `held`;
`purge(queryset)` deletes or pseudonymises those rows and returns how many; `keeps(client_id,
cutoff)` says whether the client has records of the class still within their period (the duty
an erasure request is refused for). A class with no `purge` is only kept (polis deletes nothing
of it by itself, e.g. the FEA evidence within its 20 years).

A legal hold stops the clock for every record of a client: the apps that know of one (a claim in
dispute, an open complaint) register a hold source, `register_hold_source(name, clients)`, whose
`clients()` returns a queryset of the clients it holds (the purge reads them all, a client's
page asks for one). This module imports no app: the retention
app (`polis.retention`) runs the purge, privacy answers the erasure requests, both through here.
"""

from __future__ import annotations

import calendar
import datetime
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.utils.functional import Promise


class Action(StrEnum):
    DELETE = "delete"
    PSEUDONYMISE = "pseudonymise"
    KEEP = "keep"


@dataclass(frozen=True)
class RecordClass:
    key: str
    title: str | Promise
    months: int
    start_event: str | Promise
    source: str | Promise
    unconfirmed: bool
    action: Action
    expired: Callable[[datetime.date, frozenset[int]], Any] | None
    purge: Callable[[Any], int] | None
    keeps: Callable[[int, datetime.date], bool] | None

    @property
    def period_months(self) -> int:
        """The period: the registered one unless `settings.RETENTION_MONTHS` overrides it."""
        return int(getattr(settings, "RETENTION_MONTHS", {}).get(self.key, self.months))

    def cutoff(self, today: datetime.date) -> datetime.date:
        """Records whose start event is before this day have outlived the period."""
        return add_months(today, -self.period_months)

    @property
    def period_label(self) -> str:
        months = self.period_months
        return f"{months // 12} anni" if months % 12 == 0 else f"{months} mesi"

    def duty(self) -> str:
        """The duty as one sentence, as an erasure request's answer names it."""
        text = (
            f"{self.title}: conservazione {self.period_label} da {self.start_event}, {self.source}"
        )
        return f"{text} (termine da confermare)" if self.unconfirmed else text


_CLASSES: dict[str, RecordClass] = {}
_HOLDS: dict[str, Callable[[], QuerySet]] = {}


def register_record_class(
    key: str,
    *,
    title: str | Promise,
    months: int,
    start_event: str | Promise,
    source: str | Promise,
    unconfirmed: bool = False,
    action: Action = Action.KEEP,
    expired: Callable[[datetime.date, frozenset[int]], Any] | None = None,
    purge: Callable[[Any], int] | None = None,
    keeps: Callable[[int, datetime.date], bool] | None = None,
) -> None:
    if (action is Action.KEEP) != (purge is None) or (purge is None) != (expired is None):
        raise ValueError(f"record class {key!r}: a purged class needs expired() and purge()")
    _CLASSES[key] = RecordClass(
        key, title, months, start_event, source, unconfirmed, action, expired, purge, keeps
    )


def record_classes() -> list[RecordClass]:
    return sorted(_CLASSES.values(), key=lambda record_class: record_class.key)


def register_hold_source(name: str, clients: Callable[[], QuerySet]) -> None:
    """`clients()`: a queryset of the clients whose records a legal hold keeps (e.g. the claims
    in dispute, the open complaints)."""
    _HOLDS[name] = clients


def held_clients() -> frozenset[int]:
    """The ids of every client under a legal hold (the purge leaves their records alone)."""
    return frozenset().union(
        *(clients().values_list("pk", flat=True) for clients in _HOLDS.values())
    )


def is_held(client_id: int) -> bool:
    """Whether a legal hold keeps this client's records: one lookup a source, until one holds."""
    return any(clients().filter(pk=client_id).exists() for clients in _HOLDS.values())


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later (or earlier), or that month's last day when it is shorter."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )
