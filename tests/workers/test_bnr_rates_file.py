"""Worker bnr.rates, source ``file``: BNR's XML from the tenant's object storage, with BNR unreachable.

The platform's BNR URL points at a closed port, so only the stored file can be the source.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
import sqlalchemy as sa

from genius.apps.accounting.tables import fx_rates
from genius.apps.sales.rates.messages import BnrRatesRequested
from genius.apps.sales.spv import tables as st
from genius.bootstrap import Platform, build_platform
from genius.integrations.bnr import BnrFormatError, BnrUnavailable
from genius.integrations.bnr.double import render_bnr_xml, seed_rates
from genius.kernel.ids import new_id
from genius.platform.jobs.context import JobContext
from genius.platform.storage import ObjectNotFound
from genius.workers import bnr_rates
from tests.apps.sales.conftest import World, setup_world
from tests.web.conftest import base_settings

SHEETS = seed_rates(date(2025, 10, 1), date(2025, 10, 31))
NO_BNR = "http://127.0.0.1:9"  # the discard port: nothing answers


@pytest.fixture
def offline(tmp_path: Path) -> Iterator[World]:
    platform: Platform = build_platform(base_settings(tmp_path, bnr_url=NO_BNR))
    yield setup_world(platform)
    platform.close()


def job_of(world: World) -> JobContext:
    return JobContext(job_id=new_id(), tag=bnr_rates.TAG, tenant=world.ctx)


def stored_rates(world: World, table: sa.Table) -> dict[tuple[str, date], tuple[Decimal, str]]:
    with world.engine().connect() as conn:
        rows = conn.execute(sa.select(table.c.currency, table.c.rate_date, table.c.rate, table.c.source))
        return {(r.currency, r.rate_date): (Decimal(r.rate), r.source) for r in rows}


def test_a_stored_bnr_file_is_imported_without_bnr(offline: World) -> None:
    with pytest.raises(BnrUnavailable):  # the feed really is out of reach
        bnr_rates.handle(BnrRatesRequested(source="daily"), job_of(offline), offline.platform)
    offline.platform.storage.put(offline.tenant.slug, bnr_rates.FILE_KEY, render_bnr_xml(SHEETS))

    done = bnr_rates.handle(BnrRatesRequested(source="file"), job_of(offline), offline.platform)
    expected = {(r.currency, s.day): r.rate for s in SHEETS for r in s.rates}
    assert (done.source, done.sheets, done.rates) == ("file", len(SHEETS), len(expected))
    assert (done.first_day, done.last_day) == (SHEETS[0].day, SHEETS[-1].day)
    origin = f"file:{bnr_rates.FILE_KEY}"
    # Both copies: the sales rates (tax points) and accounting's (currency settlements).
    for table in (st.bnr_rates, fx_rates):
        stored = stored_rates(offline, table)
        assert {k: v[0] for k, v in stored.items()} == expected
        assert {v[1] for v in stored.values()} == {origin}

    again = bnr_rates.handle(BnrRatesRequested(source="file"), job_of(offline), offline.platform)
    assert again.rates == len(expected) and len(stored_rates(offline, st.bnr_rates)) == len(expected)


def test_a_missing_or_damaged_file_fails_naming_it(offline: World) -> None:
    with pytest.raises(ObjectNotFound) as missing:
        bnr_rates.handle(BnrRatesRequested(source="file"), job_of(offline), offline.platform)
    assert bnr_rates.FILE_KEY in missing.value.message
    offline.platform.storage.put(offline.tenant.slug, bnr_rates.FILE_KEY, b"<DataSet>not BNR</DataSet>")
    with pytest.raises(BnrFormatError):
        bnr_rates.handle(BnrRatesRequested(source="file"), job_of(offline), offline.platform)
    assert stored_rates(offline, st.bnr_rates) == {}  # nothing half-written


def test_the_request_may_name_another_stored_key(offline: World) -> None:
    key = "bnr/2025/nbrfxrates2025.xml"
    offline.platform.storage.put(offline.tenant.slug, key, render_bnr_xml(SHEETS[:3]))
    done = bnr_rates.handle(BnrRatesRequested(source="file", key=key), job_of(offline), offline.platform)
    assert (done.sheets, done.first_day, done.last_day) == (3, SHEETS[0].day, SHEETS[2].day)
    assert {v[1] for v in stored_rates(offline, st.bnr_rates).values()} == {f"file:{key}"}
    with pytest.raises(ObjectNotFound) as missing:  # the default key holds nothing here
        bnr_rates.handle(BnrRatesRequested(source="file"), job_of(offline), offline.platform)
    assert bnr_rates.FILE_KEY in missing.value.message
