"""BNR rates: parsing BNR's XML, offline import, and the client against the double over real HTTP."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from genius.integrations.bnr import (
    BnrCircuitOpen,
    BnrClient,
    BnrError,
    BnrFormatError,
    BnrUnavailable,
    load_file,
    parse_bnr_xml,
)
from genius.integrations.bnr.double import BnrDouble, render_bnr_xml, seed_rates
from genius.kernel.errors import ValidationError
from genius.platform.resilience import BreakerPolicy, MemoryBreakerStore, Policy, RetryPolicy
from tests.integrations.serving import serving

# The shape of https://www.bnr.ro/nbrfxrates.xml (figures invented for the test).
DAILY = b"""<?xml version="1.0" encoding="utf-8"?>
<DataSet xmlns="http://www.bnr.ro/xsd" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
         xsi:schemaLocation="http://www.bnr.ro/xsd nbrfxrates.xsd">
  <Header>
    <Publisher>National Bank of Romania</Publisher>
    <PublishingDate>2025-01-10</PublishingDate>
    <MessageType>DR</MessageType>
  </Header>
  <Body>
    <Subject>Reference rates</Subject>
    <OrigCurrency>RON</OrigCurrency>
    <Cube date="2025-01-10">
      <Rate currency="EUR">4.9748</Rate>
      <Rate currency="HUF" multiplier="100">1.2080</Rate>
      <Rate currency="JPY" multiplier="100">3.0612</Rate>
      <Rate currency="USD">4.8391</Rate>
      <Rate currency="RUB">-</Rate>
    </Cube>
  </Body>
</DataSet>
"""


def test_parse_daily_file() -> None:
    document = parse_bnr_xml(DAILY)
    assert document.publishing_date == date(2025, 1, 10)
    assert (document.message_type, document.origin_currency) == ("DR", "RON")
    sheet = document.latest
    assert sheet is not None and sheet.day == date(2025, 1, 10)
    assert sheet.currencies == ("EUR", "HUF", "JPY", "USD")  # RUB not quoted that day
    eur = sheet.get("eur")
    assert (
        eur is not None and eur.rate == Decimal("4.9748") and eur.multiplier == 1 and eur.per_unit == eur.rate
    )
    huf = sheet.get("HUF")
    assert huf is not None and huf.multiplier == 100 and huf.per_unit == Decimal("0.012080")
    assert str(huf.rate) == "1.2080"  # the written scale is kept


@pytest.mark.parametrize(
    ("document", "field"),
    [
        (DAILY.replace(b'date="2025-01-10"', b'date="10.01.2025"'), "Body/Cube[1]/@date"),
        (DAILY.replace(b">4.9748<", b">4,9748<"), "Body/Cube[1]/Rate[1]"),
        (DAILY.replace(b">4.9748<", b">-4.9748<"), "Body/Cube[1]/Rate[1]"),
        (
            DAILY.replace(b'multiplier="100">1.2080', b'multiplier="zero">1.2080'),
            "Body/Cube[1]/Rate[2]/@multiplier",
        ),
        (DAILY.replace(b'currency="USD"', b'currency="US Dollar"'), "Body/Cube[1]/Rate[4]/@currency"),
        (DAILY.replace(b"http://www.bnr.ro/xsd", b"urn:other"), "DataSet"),
        (b"<DataSet", "DataSet"),
        (b'<!DOCTYPE x [<!ENTITY a "b">]>' + DAILY[DAILY.index(b"<DataSet") :], "DataSet"),
    ],
)
def test_malformed_documents_name_the_element(document: bytes, field: str) -> None:
    with pytest.raises(BnrFormatError) as bad:
        parse_bnr_xml(document)
    assert isinstance(bad.value, ValidationError)
    assert [p.field for p in bad.value.problems] == [field]


def test_offline_import_of_a_yearly_file(tmp_path: Path) -> None:
    sheets = seed_rates(date(2024, 1, 1), date(2024, 12, 31))
    path = tmp_path / "nbrfxrates2024.xml"
    path.write_bytes(render_bnr_xml(sheets))
    document = load_file(path)
    assert len(document.sheets) == len(sheets) == 262  # the weekdays of 2024
    assert document.sheets == tuple(sheets)  # rendering and parsing round-trip exactly
    saturday = date(2024, 6, 15)
    sheet = document.sheet_on_or_before(saturday)
    assert sheet is not None and sheet.day == date(2024, 6, 14)
    assert document.sheet_on_or_before(date(2023, 12, 31)) is None
    assert len(document.rates()) == 262 * 10


@pytest.fixture
def bnr() -> Iterator[tuple[BnrDouble, BnrClient]]:
    double = BnrDouble(seed_rates(date(2024, 1, 1), date(2025, 3, 31)))
    policy = Policy(
        timeout=10.0,
        retry=RetryPolicy(attempts=3, initial_wait=0.01, max_wait=0.05, retry_on=(BnrUnavailable,)),
        breaker=BreakerPolicy(failure_threshold=3, reset_timeout=30.0),
    )
    with serving(double.app) as base_url:
        client = BnrClient(base_url, timeout=5.0, policy=policy, breaker_store=MemoryBreakerStore())
        yield double, client
        client.close()


def test_fetch_latest_ten_days_and_year(bnr: tuple[BnrDouble, BnrClient]) -> None:
    double, client = bnr
    latest = client.latest()
    assert latest.latest is not None and latest.latest.day == date(2025, 3, 31)
    assert latest.latest == double.sheets[-1]
    ten = client.last_ten_days()
    assert [s.day for s in ten.sheets] == [s.day for s in double.sheets[-10:]]
    year = client.year(2024)
    assert len(year.sheets) == 262 and year.sheets[0].day == date(2024, 1, 1)
    assert double.calls == 3


def test_sheet_in_force_for_a_day(bnr: tuple[BnrDouble, BnrClient]) -> None:
    _, client = bnr
    sunday = client.sheet_on_or_before(date(2025, 3, 16))
    assert sunday is not None and sunday.day == date(2025, 3, 14)
    friday = client.sheet_on_or_before(date(2025, 3, 14))
    assert friday is not None and friday.day == date(2025, 3, 14)


def test_new_years_day_falls_back_to_last_years_final_sheet() -> None:
    double = BnrDouble(
        seed_rates(date(2024, 12, 1), date(2024, 12, 31)) + seed_rates(date(2025, 1, 3), date(2025, 1, 31))
    )
    with serving(double.app) as base_url:
        client = BnrClient(base_url, breaker_store=MemoryBreakerStore())
        sheet = client.sheet_on_or_before(date(2025, 1, 2))
        client.close()
    assert sheet is not None and sheet.day == date(2024, 12, 31)


def test_transient_5xx_is_retried(bnr: tuple[BnrDouble, BnrClient]) -> None:
    double, client = bnr
    double.fail_next(503, times=2)
    assert client.latest().latest is not None
    assert double.calls == 3


def test_persistent_5xx_is_unavailable_and_opens_the_breaker(bnr: tuple[BnrDouble, BnrClient]) -> None:
    double, client = bnr
    double.fail_next(500, times=3)
    with pytest.raises(BnrUnavailable) as failed:
        client.latest()
    assert failed.value.status == 500
    with pytest.raises(BnrCircuitOpen):
        client.latest()
    assert double.calls == 3


def test_missing_year_is_not_retried(bnr: tuple[BnrDouble, BnrClient]) -> None:
    double, client = bnr
    with pytest.raises(BnrError) as missing:
        client.year(2010)
    assert not isinstance(missing.value, BnrUnavailable) and double.calls == 1
    with pytest.raises(ValidationError, match="year"):
        client.year(1999)
