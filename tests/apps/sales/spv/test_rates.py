"""BNR rates: the worker over the BNR double, the offline file import (CLI), and foreign-currency
invoices taking the rate BNR published before their tax point when the draft gives none."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from genius.apps.sales import handlers as h
from genius.apps.sales import tables as t
from genius.apps.sales.commands import CreateAndIssue
from genius.apps.sales.rates import NoBnrRate, rate_for_tax_point, store_document
from genius.apps.sales.rates.messages import BnrRatesRequested
from genius.apps.sales.spv import tables as st
from genius.bootstrap import Platform, build_platform
from genius.cli.main import app as cli
from genius.integrations.bnr.double import BnrDouble, render_bnr_xml, seed_rates
from genius.integrations.bnr.parse import parse_bnr_xml
from genius.kernel.clock import utcnow
from genius.kernel.errors import ValidationError
from genius.kernel.ids import new_id
from genius.kernel.money import round_money
from genius.platform.jobs.context import JobContext
from genius.workers import bnr_rates
from tests.apps.sales.conftest import World, setup_world
from tests.integrations.serving import serving
from tests.web.conftest import MASTER_KEY, base_settings

SHEETS = seed_rates(date(2025, 9, 1), date(2025, 9, 30))


@pytest.fixture
def bnr() -> Iterator[tuple[BnrDouble, str]]:
    double = BnrDouble(SHEETS)
    with serving(double.app) as url:
        yield double, url


@pytest.fixture
def rated(tmp_path: Path, bnr: tuple[BnrDouble, str]) -> Iterator[World]:
    platform: Platform = build_platform(base_settings(tmp_path, bnr_url=bnr[1]))
    yield setup_world(platform)
    platform.close()


def eur_draft(world: World, **overrides: object) -> dict[str, object]:
    line = {
        "id": "1",
        "quantity": "3",
        "unit_code": "HUR",
        "price": {"net_price": "85.00"},
        "item": {"name": "Consultanță implementare", "vat_category": "S", "vat_rate_kind": "standard"},
    }
    return world.draft(currency="EUR", issue_date="2025-09-15", lines=[line], **overrides)


def test_the_worker_imports_the_feed_and_a_repeat_changes_nothing(
    rated: World, bnr: tuple[BnrDouble, str]
) -> None:
    job = JobContext(job_id=new_id(), tag=bnr_rates.TAG, tenant=rated.ctx)
    done = bnr_rates.handle(BnrRatesRequested(source="ten_days"), job, rated.platform)
    assert (done.sheets, done.rates) == (10, 100) and done.last_day == SHEETS[-1].day
    again = bnr_rates.handle(BnrRatesRequested(source="ten_days"), job, rated.platform)
    assert (again.sheets, again.rates) == (10, 100)
    with rated.engine().connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(st.bnr_rates)).scalar_one() == 100
    with pytest.raises(ValidationError):
        bnr_rates.handle(BnrRatesRequested(source="weekly"), job, rated.platform)


def test_a_eur_invoice_takes_the_rate_published_the_banking_day_before_its_tax_point(rated: World) -> None:
    store_document(rated.engine(), parse_bnr_xml(render_bnr_xml(SHEETS)), "test", utcnow())
    with rated.scope():
        issued = h.create_and_issue(rated.deps, CreateAndIssue(eur_draft(rated)))  # Monday 15 September
    friday = next(s for s in SHEETS if s.day == date(2025, 9, 12)).get("EUR")
    assert friday is not None
    with rated.engine().connect() as conn:
        row = conn.execute(sa.select(t.invoices).where(t.invoices.c.id == issued.invoice_id)).one()
    assert Decimal(row.exchange_rate) == friday.per_unit  # not Monday's own sheet (art. 290 Cod fiscal)
    assert Decimal(row.vat_total_ron) == round_money(Decimal(row.vat_total) * friday.per_unit)
    assert b"<cbc:TaxCurrencyCode>RON</cbc:TaxCurrencyCode>" in bytes(row.xml)
    # A tax point given in the draft decides the rate; a rate given in the draft wins over BNR's.
    with rated.scope():
        pointed = h.create_and_issue(
            rated.deps, CreateAndIssue(eur_draft(rated, tax_point_date="2025-09-10"))
        )
        given = h.create_and_issue(rated.deps, CreateAndIssue(eur_draft(rated, vat_exchange_rate="5.0000")))
    with rated.engine().connect() as conn:
        rates = dict(
            conn.execute(
                sa.select(t.invoices.c.id, t.invoices.c.exchange_rate).where(
                    t.invoices.c.id.in_([pointed.invoice_id, given.invoice_id])
                )
            ).all()
        )
    ninth = next(s for s in SHEETS if s.day == date(2025, 9, 9)).get("EUR")
    assert ninth is not None
    assert Decimal(rates[pointed.invoice_id]) == ninth.per_unit and Decimal(
        rates[given.invoice_id]
    ) == Decimal("5")


def test_without_a_rate_the_draft_is_refused_naming_the_field(rated: World) -> None:
    with rated.scope(), pytest.raises(ValidationError) as refused:
        h.create_and_issue(rated.deps, CreateAndIssue(eur_draft(rated)))
    assert any(p.field == "vat_exchange_rate" for p in refused.value.problems)
    with rated.engine().connect() as conn, pytest.raises(NoBnrRate) as none:
        rate_for_tax_point(conn, "EUR", date(2025, 9, 15))
    assert "genius bnr import" in none.value.message


def test_the_cli_imports_a_file_into_every_tenant(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data_dir = tmp_path / "data"
    monkeypatch.setenv("GENIUS_DATA_DIR", str(data_dir))
    monkeypatch.setenv("GENIUS_MASTER_KEY", MASTER_KEY)
    for name in ("GENIUS_DATABASE_URL", "GENIUS_REDIS_URL", "GENIUS_AMQP_URL"):
        monkeypatch.delenv(name, raising=False)
    platform = build_platform(base_settings(data_dir))
    platform.tenants.create("alfa", name="Alfa SRL", cui="RO18547290")
    platform.tenants.create("beta", name="Beta SRL", cui="RO14399840")
    platform.close()
    feed = tmp_path / "nbrfxrates2025.xml"
    feed.write_bytes(render_bnr_xml(SHEETS))
    result = CliRunner().invoke(cli, ["bnr", "import", str(feed)])
    assert result.exit_code == 0, result.output
    assert "alfa: 22 day(s), 220 rate(s)" in result.output and "beta: 22 day(s)" in result.output
    one = CliRunner().invoke(cli, ["bnr", "import", str(feed), "--tenant", "beta"])
    assert one.exit_code == 0 and "alfa" not in one.output
    bad = tmp_path / "bad.xml"
    bad.write_text("<DataSet/>")
    refused = CliRunner().invoke(cli, ["bnr", "import", str(bad)])
    assert refused.exit_code == 1
