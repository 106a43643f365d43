from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from polis.core.workdays import add_working_days, is_working_day, working_days_between


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        (date(2026, 11, 23), 5, date(2026, 11, 30)),  # Monday + 5 = next Monday
        (date(2026, 11, 27), 1, date(2026, 11, 30)),  # Friday + 1 skips the weekend
        (date(2026, 4, 24), 1, date(2026, 4, 27)),  # 25 April falls on a Saturday in 2026
        (date(2026, 4, 30), 1, date(2026, 5, 4)),  # 1 May (Friday), then the weekend
        (date(2026, 6, 1), 1, date(2026, 6, 3)),  # 2 June, Festa della Repubblica
        (date(2026, 8, 14), 1, date(2026, 8, 17)),  # 15 August on a Saturday
        (date(2026, 4, 3), 1, date(2026, 4, 7)),  # Good Friday → Easter Monday is a holiday
        (date(2026, 12, 7), 1, date(2026, 12, 9)),  # 8 December, Immacolata
        (date(2026, 12, 24), 1, date(2026, 12, 28)),  # 25–26 December, then Sunday
        (date(2026, 12, 10), 20, date(2027, 1, 12)),  # 20 working days across the holidays
    ],
)
def test_add_working_days_follows_the_italian_calendar(start, days, expected):
    assert add_working_days(start, days) == expected


def test_2027_holidays_are_known_too():
    # 25 April 2027 is a Sunday, Easter Monday is 29 March 2027
    assert not is_working_day(date(2027, 3, 29))
    assert is_working_day(date(2027, 3, 30))


def test_an_insurers_own_closure_is_skipped():
    # 7 December is Sant'Ambrogio, Milan's patron saint
    assert add_working_days(date(2026, 12, 4), 1, [date(2026, 12, 7)]) == date(2026, 12, 9)


@given(
    st.dates(min_value=date(2020, 1, 1), max_value=date(2035, 1, 1)),
    st.integers(min_value=0, max_value=60),
)
def test_counting_back_gives_the_days_added(start, days):
    end = add_working_days(start, days)
    assert working_days_between(start, end) == days
    assert working_days_between(end, start) == -days
    assert days == 0 or is_working_day(end)
    assert (end - start) >= timedelta(days=days)


@given(
    st.dates(min_value=date(2020, 1, 1), max_value=date(2035, 1, 1)),
    st.integers(min_value=-2000, max_value=2000),
    st.lists(st.dates(min_value=date(2019, 1, 1), max_value=date(2036, 1, 1)), max_size=8),
)
def test_working_days_between_counts_each_working_day_once(start, span, closures):
    # given any two dates up to five years apart and an insurer's own closing days
    end = start + timedelta(days=span)
    low, high = min(start, end), max(start, end)
    # then the count is the working days after the earlier date up to the later, signed
    expected = sum(
        is_working_day(low + timedelta(days=offset), closures)
        for offset in range(1, (high - low).days + 1)
    )
    assert working_days_between(start, end, closures) == (expected if end >= start else -expected)
