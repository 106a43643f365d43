"""Gap-free numbers per series (policy, claim, quote numbers), unique under concurrency."""

from django.db import IntegrityError, transaction

from polis.core.models import Counter


def next_number(series: str) -> int:
    """Take the next number of `series`; call it inside the transaction that uses the number.

    The counter row stays locked until that transaction ends, so concurrent callers queue up
    and a rolled-back transaction gives its number back: the series has no gaps.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("next_number must run inside the transaction that uses the number")
    counter = Counter.objects.select_for_update().filter(series=series).first()
    if counter is None:
        try:
            with transaction.atomic():
                Counter.objects.create(series=series)
        except IntegrityError:  # another transaction created it first
            pass
        counter = Counter.objects.select_for_update().get(series=series)
    counter.value += 1
    counter.save(update_fields=["value"])
    return counter.value


def formatted_number(prefix: str, year: int, digits: int = 6) -> str:
    """E.g. formatted_number("SIN", 2026) -> "SIN-2026-000045"."""
    return f"{prefix}-{year}-{next_number(f'{prefix}-{year}'):0{digits}d}"
