"""The retention classes against the regulatory brief §7 (written from the brief)."""

from datetime import date

import pytest

from polis.core.retention import Action, add_months, record_classes


def _classes() -> dict:
    return {record_class.key: record_class for record_class in record_classes()}


def test_distribution_records_are_kept_at_least_five_years_and_their_start_is_unconfirmed():
    contract = _classes()["practices.practice"]
    assert contract.period_months >= 60
    assert "art. 67 Reg. IVASS 40/2018" in str(contract.source)
    # the brief: "current start (unconfirmed)"
    assert contract.unconfirmed
    assert "(termine da confermare)" in contract.duty()


def test_fea_evidence_is_kept_at_least_twenty_years_and_polis_never_deletes_it():
    fea = _classes()["practices.fea_evidence"]
    assert fea.period_months >= 240
    assert fea.action is Action.KEEP
    assert fea.purge is None


def test_accounting_records_are_kept_ten_years_from_the_entry():
    books = _classes()["practices.payment"]
    assert books.period_months >= 120
    assert "2220" in str(books.source)
    assert books.action is Action.KEEP


def test_claim_files_outlive_the_two_year_prescription_by_policy_marked_unconfirmed():
    claims = _classes()["claims.claim"]
    assert claims.period_months > 24
    assert claims.unconfirmed


@pytest.mark.parametrize(
    "key",
    [
        "clients.client",
        "quotes.quote",
        "practices.practice",
        "practices.fea_evidence",
        "practices.payment",
        "claims.claim",
        "notify.message",
        "audit.ip_address",
        "privacy.request",
    ],
)
def test_every_kind_of_record_has_a_class_with_a_period_a_start_event_and_a_source(key):
    record_class = _classes()[key]
    assert record_class.period_months > 0
    assert str(record_class.start_event)
    assert str(record_class.source)


def test_a_period_is_changed_in_the_settings_by_class(settings):
    settings.RETENTION_MONTHS = {"quotes.quote": 36}
    quotes = _classes()["quotes.quote"]
    assert quotes.period_months == 36
    assert quotes.cutoff(date(2026, 12, 7)) == date(2023, 12, 7)
    assert quotes.period_label == "3 anni"


def test_the_period_counts_in_calendar_months():
    assert add_months(date(2026, 3, 31), -1) == date(2026, 2, 28)
    assert add_months(date(2028, 2, 29), -12 * 20) == date(2008, 2, 29)
