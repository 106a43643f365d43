import threading

import pytest
from django.db import connection, transaction

from polis.core.models import Counter
from polis.core.numbering import formatted_number, next_number


@pytest.mark.django_db
def test_numbers_follow_each_other_per_series_and_year():
    # when
    with transaction.atomic():
        numbers = [
            formatted_number("RCP", 2026),
            formatted_number("RCP", 2026),
            formatted_number("CAU", 2026),
            formatted_number("RCP", 2027),
        ]
    # then
    assert numbers == ["RCP-2026-000001", "RCP-2026-000002", "CAU-2026-000001", "RCP-2027-000001"]


@pytest.mark.django_db
def test_a_rolled_back_transaction_gives_its_number_back():
    # given
    with transaction.atomic():
        next_number("SIN-2026")

    # when
    def issue_then_fail():
        with transaction.atomic():
            next_number("SIN-2026")
            raise ZeroDivisionError

    with pytest.raises(ZeroDivisionError):
        issue_then_fail()
    # then
    with transaction.atomic():
        assert next_number("SIN-2026") == 2


@pytest.mark.django_db(transaction=True)
def test_a_number_outside_a_transaction_is_refused():
    with pytest.raises(RuntimeError):
        next_number("SIN-2026")
    assert not Counter.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_fifty_concurrent_callers_get_fifty_unique_gap_free_numbers():
    # given
    if connection.vendor != "postgresql":
        pytest.skip("concurrent row locks need PostgreSQL")
    barrier, numbers, errors = threading.Barrier(50), [], []

    def issue():
        try:
            barrier.wait()
            with transaction.atomic():
                numbers.append(next_number("INF-2026"))
        except Exception as error:  # collected and asserted below
            errors.append(error)
        finally:
            connection.close()

    # when
    threads = [threading.Thread(target=issue) for _ in range(50)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # then
    assert errors == []
    assert sorted(numbers) == list(range(1, 51))
