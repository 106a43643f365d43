"""Italian working days: weekends and national holidays (python-holidays) are not counted.

`extra_closures` lets an insurer add its own closing days (e.g. a patron saint's day where its
claims office is), so SLA clocks can follow a company's calendar.
"""

from collections.abc import Iterable
from datetime import date, timedelta
from functools import lru_cache

import holidays


@lru_cache(maxsize=64)
def _national_holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("IT", years=year))


def is_working_day(day: date, extra_closures: Iterable[date] = ()) -> bool:
    return (
        day.weekday() < 5 and day not in _national_holidays(day.year) and day not in extra_closures
    )


def add_working_days(start: date, days: int, extra_closures: Iterable[date] = ()) -> date:
    """The date `days` working days after `start` (the start itself does not count)."""
    closures = frozenset(extra_closures)
    current, remaining = start, days
    while remaining > 0:
        current += timedelta(days=1)
        if is_working_day(current, closures):
            remaining -= 1
    return current


def working_days_between(start: date, end: date, extra_closures: Iterable[date] = ()) -> int:
    """Working days after `start` up to and including `end`; negative when `end` is earlier.

    Counted by whole weeks, less the holidays and closures on weekdays in between: a claim's
    SLA shown on every list row costs the same whether it is due in a week or years ago.
    """
    if end < start:
        return -working_days_between(end, start, extra_closures)
    weeks, rest = divmod((end - start).days, 7)
    weekdays = weeks * 5 + sum(
        (start + timedelta(days=i)).weekday() < 5 for i in range(1, rest + 1)
    )
    closed = set(extra_closures)
    for year in range(start.year, end.year + 1):
        closed |= _national_holidays(year)
    return weekdays - sum(start < day <= end and day.weekday() < 5 for day in closed)
