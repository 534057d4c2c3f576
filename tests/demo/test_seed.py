"""seed_demo through the real services on SQLite: a small seed checked in depth (partners, products,
scenarios, validity of every issued XML, gapless numbers rising with dates, ANAF verdicts, supplier
invoices received, the bus drained), a second run adding nothing, and the same seed giving the same data."""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from genius.apps.procurement import tables as pt
from genius.apps.sales import tables as st
from genius.bootstrap import Platform, build_platform
from genius.cli.demo import seed_in_process
from genius.demo import DemoSize, DemoSummary, DemoTenantNotEmpty, read_marker
from genius.demo.submit import REFUSAL
from genius.fiscal.ro.efactura.validate import validate_xml
from genius.platform.bus.tables import outbox
from tests.platforms import postgres_platform
from tests.web.conftest import base_settings

TODAY = date(2026, 11, 25)
SMALL = DemoSize(partners=12, invoices=40, suppliers=3, supplier_invoices=6, rejected=2)


@dataclass
class Seeded:
    platform: Platform
    slug: str
    summary: DemoSummary

    def rows(self, statement: Any) -> list[Any]:
        with self.platform.databases.engine_for_slug(self.slug).connect() as conn:
            return list(conn.execute(statement).all())


def seed(
    platform: Platform,
    slug: str,
    seed_value: int = 7,
    size: DemoSize = SMALL,
    stop: threading.Event | None = None,
) -> DemoSummary:
    async def run() -> DemoSummary:
        try:
            return await seed_in_process(
                platform, slug, today=TODAY, seed=seed_value, size=size, echo=lambda _: None, stop=stop
            )
        finally:
            await platform.bus.transport.close()

    return asyncio.run(run())


def new_platform(path: Path, slug: str) -> Platform:
    platform = build_platform(base_settings(path))
    platform.tenants.create(slug, name="Demo SRL", cui="12345674")
    return platform


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Seeded]:
    platform = new_platform(tmp_path_factory.mktemp("demo"), "demo")
    try:
        yield Seeded(platform, "demo", seed(platform, "demo"))
    finally:
        platform.close()


def test_a_small_seed_fills_every_kind_of_record(seeded: Seeded) -> None:
    counts = seeded.summary.counts
    assert counts["partners"] == 12 and counts["products"] == 60
    assert counts["invoices"] == 40 and counts["credit_notes"] >= 0
    assert counts["rejected_by_anaf"] == 2
    assert counts["accepted_by_anaf"] == counts["invoices"] + counts["credit_notes"] - 2
    assert counts["supplier_invoices_received"] == 6
    assert counts["bnr_rates"] > 0
    assert read_marker(seeded.platform, "demo")["stage"] == "done"


def d406_warnings(platform: Platform, slug: str) -> dict[str, list[str]]:
    """The pre-validation warnings of the tenant's D406 of each demo month (codes and entities)."""
    import io

    from genius.apps.accounting.saft.domain import parse_period
    from genius.apps.accounting.saft.export import export_d406
    from genius.workers.anaf_saft import tenant_profile

    out = {}
    engine = platform.databases.engine_for_slug(slug)
    for month in ("2026-08", "2026-09", "2026-10"):
        result = export_d406(
            engine, tenant_profile(platform, slug), parse_period(month), io.BytesIO(), created=TODAY
        )
        out[month] = [f"{f.code} {f.entity_id}" for f in result.warnings]
    return out


def mismatches(found: dict[str, list[str]]) -> list[str]:
    return [w for ws in found.values() for w in ws if w.startswith("PARTNER_BALANCES_MISMATCH")]


def test_the_d406_of_each_month_has_no_partner_balance_mismatch(seeded: Seeded) -> None:
    """Supplier invoices are on their supplier's 401 analytic, so the suppliers' balances add up to
    401's (before: payables posted with no supplier gave PARTNER_BALANCES_MISMATCH on 401)."""
    found = d406_warnings(seeded.platform, seeded.slug)
    assert not mismatches(found), found


def test_every_issued_document_is_valid_numbered_in_date_order_and_within_the_period(seeded: Seeded) -> None:
    rows = seeded.rows(
        sa.select(
            st.invoices.c.document_type, st.invoices.c.number, st.invoices.c.issue_date, st.invoices.c.xml
        ).where(st.invoices.c.number.is_not(None))
    )
    for kind in ("invoice", "credit_note"):
        mine = sorted((r for r in rows if r.document_type == kind), key=lambda r: r.number)
        numbers = [int(r.number.rsplit("-", 1)[1]) for r in mine]
        assert numbers == list(range(1, len(mine) + 1))  # gapless
        dates = [r.issue_date for r in mine]
        assert dates == sorted(dates)  # numbers rise with dates
        assert all(date(2026, 8, 1) <= d <= date(2026, 10, 31) and d.weekday() < 5 for d in dates)
    for row in rows:
        assert validate_xml(row.xml).anaf_ok, row.number


def test_the_scenarios_are_all_there(seeded: Seeded) -> None:
    documents = [json.loads(r[0]) for r in seeded.rows(sa.select(st.invoices.c.document_json))]
    categories = {line["item"]["vat_category"] for d in documents for line in d["lines"]}
    rates = {line["item"].get("vat_rate") for d in documents for line in d["lines"]}
    assert {"S", "E", "AE", "K", "G"} <= categories
    assert {"21", "11"} <= rates
    assert any(d["currency"] == "EUR" and d.get("vat_exchange_rate") for d in documents)
    assert any(d.get("allowances") and d.get("charges") for d in documents)
    assert any(
        d["buyer"].get("legal_registration_id", {}).get("value", "").startswith(("1", "2", "0000"))
        and "vat_id" not in d["buyer"]
        for d in documents
    )  # B2C
    assert any(d.get("preceding_invoices") for d in documents) or not any(
        d["document_kind"] == "CreditNote" for d in documents
    )


def test_rejections_carry_anafs_message_and_the_bus_is_drained(seeded: Seeded) -> None:
    rejected = seeded.rows(sa.select(st.invoices.c.status).where(st.invoices.c.status == "rejected"))
    assert len(rejected) == 2
    # Rejected the way ANAF rejects: filed with an index, then ``nok`` with its error document.
    refusals = seeded.rows(
        sa.select(
            st.submissions.c.upload_index, st.submissions.c.download_id, st.submissions.c.messages_json
        ).where(st.submissions.c.state == "rejected")
    )
    assert len(refusals) == 2
    assert all(index and download and REFUSAL in messages for index, download, messages in refusals)
    pending = seeded.rows(sa.select(outbox.c.seq).where(outbox.c.published_at.is_(None)))
    assert pending == []
    suppliers = seeded.rows(sa.select(pt.supplier_invoices.c.number))
    assert len(suppliers) == 6


def test_a_second_run_adds_nothing(seeded: Seeded) -> None:
    before = seeded.rows(sa.select(sa.func.count()).select_from(outbox))
    again = seed(seeded.platform, "demo")
    assert again.already is True
    assert again.counts == seeded.summary.counts
    assert seeded.rows(sa.select(sa.func.count()).select_from(outbox)) == before


def fingerprint(platform: Platform, slug: str) -> dict[str, list[tuple[Any, ...]]]:
    """What a seed decides: partners, products, documents (ids and timestamps differ by nature)."""
    with platform.databases.engine_for_slug(slug).connect() as conn:
        i = st.invoices.c
        return {
            "partners": sorted(conn.execute(sa.select(st.partners.c.name, st.partners.c.cui)).all()),
            "products": sorted(conn.execute(sa.select(st.products.c.code)).all()),
            "documents": sorted(
                conn.execute(
                    sa.select(i.number, i.issue_date, i.buyer_name, i.currency, i.payable_amount, i.status)
                ).all()
            ),
            "suppliers": sorted(
                conn.execute(
                    sa.select(pt.supplier_invoices.c.supplier_cui, pt.supplier_invoices.c.number)
                ).all()
            ),
        }


def test_the_same_seed_gives_the_same_data(seeded: Seeded, tmp_path: Path) -> None:
    platform = new_platform(tmp_path, "twin")
    try:
        seed(platform, "twin")
        assert fingerprint(platform, "twin") == fingerprint(seeded.platform, "demo")
    finally:
        platform.close()


def test_an_interrupted_seed_is_continued_by_the_next_run_to_the_same_data(
    seeded: Seeded, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from genius.demo.seed import DemoInterrupted, h

    platform = new_platform(tmp_path, "twin2")
    stop = threading.Event()
    issue = h.create_and_issue
    calls = 0

    def issue_then_stop(*args: Any, **kwargs: Any) -> Any:
        nonlocal calls
        calls += 1
        if calls == 15:
            stop.set()  # what a stopping server does: the run ends after this document
        return issue(*args, **kwargs)

    monkeypatch.setattr(h, "create_and_issue", issue_then_stop)
    try:
        with pytest.raises(DemoInterrupted):
            seed(platform, "twin2", stop=stop)
        assert read_marker(platform, "twin2")["step"] == "partners and products"
        assert len(fingerprint(platform, "twin2")["documents"]) == 15
        monkeypatch.setattr(h, "create_and_issue", issue)
        assert seed(platform, "twin2").already is False
        assert fingerprint(platform, "twin2") == fingerprint(seeded.platform, "demo")
    finally:
        platform.close()


def test_a_tenant_with_its_own_documents_is_refused(tmp_path: Path) -> None:
    from tests.apps.sales.conftest import setup_world

    platform = build_platform(base_settings(tmp_path))
    try:
        world = setup_world(platform, "ownbooks")
        from genius.apps.sales import handlers as sales
        from genius.apps.sales.commands import CreateAndIssue

        with world.scope():
            sales.create_and_issue(world.deps, CreateAndIssue(world.draft()))
        with pytest.raises(DemoTenantNotEmpty) as refused:
            seed(platform, "ownbooks")
        assert "fresh tenant" in refused.value.message
    finally:
        platform.close()


@pytest.mark.postgres
def test_a_small_seed_on_postgresql(postgres_url: str, tmp_path: Path) -> None:
    import uuid

    from genius.platform.settings import Settings

    def settings(control_url: str) -> Settings:
        return base_settings(tmp_path, database_url=control_url)

    slug = f"demo{uuid.uuid4().hex[:8]}"
    with postgres_platform(postgres_url, "gtest_demo", settings) as platform:
        platform.tenants.create(slug, name="Demo SRL", cui="12345674")
        counts = seed(
            platform,
            slug,
            size=DemoSize(partners=10, invoices=24, suppliers=2, supplier_invoices=4, rejected=1),
        ).counts
        assert (counts["partners"], counts["products"], counts["invoices"]) == (10, 60, 24)
        assert counts["rejected_by_anaf"] == 1 and counts["supplier_invoices_received"] == 4


@pytest.mark.slow
def test_the_full_demo_tenant(tmp_path: Path) -> None:
    """The demo tenant as `make run` seeds it: >= 40 partners, 60 products, >= 300 documents."""
    platform = new_platform(tmp_path, "full")
    try:
        counts = seed(platform, "full", seed_value=2026, size=DemoSize()).counts
        assert counts["partners"] >= 40 and counts["products"] == 60
        assert counts["invoices"] + counts["credit_notes"] >= 300
        assert 3 <= counts["rejected_by_anaf"] <= 5
        assert (
            counts["accepted_by_anaf"]
            == counts["invoices"] + counts["credit_notes"] - counts["rejected_by_anaf"]
        )
        assert 40 <= counts["supplier_invoices_received"] <= 60
        found = d406_warnings(platform, "full")
        assert not mismatches(found), found
    finally:
        platform.close()
