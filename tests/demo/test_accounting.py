"""seed_accounting on a tenant whose documents were issued and received through the real services
and posted by the running subscribers: bank statements imported and partly reconciled, VAT closed,
August closed and locked, a D406 of each month valid, and a second call changing nothing."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from genius.apps.accounting import repository as acc_repo
from genius.apps.accounting import subscriptions as postings
from genius.apps.accounting import tables as acc
from genius.apps.accounting.bank import subscriptions as open_items
from genius.apps.accounting.bank import tables as bank
from genius.apps.accounting.domain.entries import EntryDraft, Line
from genius.apps.accounting.domain.errors import PeriodClosed
from genius.apps.accounting.domain.periods import Period, PeriodStatus
from genius.apps.accounting.handlers.entries import post
from genius.apps.sales import handlers as h
from genius.apps.sales.commands import CreatePartner
from genius.bootstrap import Platform, build_platform
from genius.demo import accounting as demo_accounting
from genius.demo.accounting import seed_accounting
from genius.demo.ledger_check import DemoNotReady
from genius.platform.db.uow import UnitOfWork
from genius.platform.settings import Settings
from genius.platform.tenancy import TenantContext
from genius.workers.anaf_saft import read_model_consumer
from tests.apps.accounting.saft.conftest import Books, assert_valid
from tests.apps.sales.conftest import OTHER_CUI, company_partner, setup_world
from tests.platforms import postgres_platform
from tests.web.conftest import base_settings

TODAY = date(2026, 11, 25)
SEED = 12
D = Decimal


@pytest.fixture(scope="module")
def xsd(validation_dir: Path) -> Path:
    path = validation_dir / "saft-d406" / "Ro_SAFT_Schema_v248_20231121.xsd"
    assert path.is_file(), f"missing {path}"
    return path


@asynccontextmanager
async def running(platform: Platform) -> AsyncIterator[Books]:
    """A tenant with the ledger's, the bank open items' and the D406 read model's consumers running."""
    world = setup_world(platform)
    transport = platform.bus.transport
    await transport.start()
    resolver = platform.bus.tenant_resolver
    consumers = [
        postings.consumer(transport, platform.databases, resolver),
        open_items.consumer(transport, platform.databases, resolver),
        read_model_consumer(platform),
    ]
    for consumer in consumers:
        await consumer.start()
    try:
        yield Books(platform, world, platform.bus.relay(), consumers)
    finally:
        for consumer in consumers:
            await consumer.stop(grace=2)
        await transport.close()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def books(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Books]:
    if request.param == "sqlite":
        platform = build_platform(base_settings(tmp_path))
        try:
            async with running(platform) as ready:
                yield ready
        finally:
            platform.close()
        return

    def settings(control_url: str) -> Settings:
        return base_settings(tmp_path, database_url=control_url)

    with postgres_platform(request.getfixturevalue("postgres_url"), "gtest_demo", settings) as platform:
        async with running(platform) as ready:
            yield ready


def documents(books: Books) -> dict[str, list[str]]:
    """Invoices to two customers over August-October, a credit note, four supplier invoices."""
    with books.world.scope():
        other = h.create_partner(
            books.world.deps,
            CreatePartner(company_partner(name="Beta Logistic SA", cui=OTHER_CUI, iban=None)),
        )
    numbers: dict[str, list[str]] = {"sales": [], "supplier": []}
    issued = []
    for month in ("08", "09", "10"):
        for day, partner in (("04", None), ("11", other), ("18", None), ("25", other)):
            overrides = {"issue_date": f"2026-{month}-{day}"}
            if partner is not None:
                overrides["buyer"] = {"partner_id": partner}
            sale = books.issue(**overrides)
            issued.append(sale)
            numbers["sales"].append(sale.number)
    credit = books.issue(
        credit_note=True,
        issue_date="2026-09-08",
        corrects_invoice_id=issued[0].invoice_id,
        lines=[{"id": "1", "product_id": books.world.ids["product"], "quantity": "2"}],
    )
    numbers["sales"].append(credit.number)
    # The last one is still unpaid at the end of October: 401 keeps a balance there, which the
    # D406 must show on the supplier (PARTNER_BALANCES_MISMATCH otherwise).
    for n, when in enumerate(("2026-08-06", "2026-09-07", "2026-10-05", "2026-10-30"), start=1):
        books.receive(issued[n], f"FZ-{700 + n}", when)
        numbers["supplier"].append(f"FZ-{700 + n}")
    return numbers


def august_statuses(books: Books) -> set[str]:
    with books.engine().connect() as conn:
        return set(
            conn.execute(
                sa.select(bank.lines.c.status)
                .where(bank.lines.c.booking_date.between(date(2026, 8, 1), date(2026, 8, 31)))
                .distinct()
            ).scalars()
        )


def closing_balances(books: Books, period: Period, accounts: tuple[str, ...]) -> dict[str, Decimal]:
    """Debit less credit of each account up to the end of ``period``."""
    lines, entries = acc.lines.c, acc.entries.c
    out = {}
    with books.engine().connect() as conn:
        for account in accounts:
            value = conn.execute(
                sa.select(sa.func.coalesce(sa.func.sum(lines.debit) - sa.func.sum(lines.credit), 0))
                .select_from(acc.lines.join(acc.entries, entries.id == lines.entry_id))
                .where(lines.account == account, entries.entry_date <= period.last_day)
            ).scalar_one()
            out[account] = acc_repo.from_bani(value)
    return out


def system(books: Books) -> TenantContext:
    return TenantContext(books.world.tenant.id, books.slug, system=True)


def scalar(books: Books, query: sa.Select[Any]) -> Any:
    with books.engine().connect() as conn:
        return conn.execute(query).scalar_one()


async def test_seeded_books_are_partly_reconciled_closed_and_exportable(books: Books, xsd: Path) -> None:
    documents(books)
    await books.deliver()
    counts = seed_accounting(books.platform, books.slug, today=TODAY, seed=SEED)
    await books.deliver()  # the bank postings reach the D406 read model
    assert counts["already_seeded"] == 0
    assert counts["documents_checked"] == 17
    assert counts["statements"] > 10 and counts["statements"] == counts["imported_statements"]
    assert counts["lines"] == counts["new_lines"] > 0
    assert counts["reconciled"] > 0 and counts["fees"] > 0
    assert counts["proposed"] + counts["unmatched"] > 0  # partly reconciled
    assert counts["vat_closing_entries"] == 3 and counts["vat_closings"] == 3
    assert counts["closed_periods"] == 1 and counts["periods_closed"] == 2  # closed, then locked
    assert counts["d406_contact_set"] == 1  # nobody had named the D406 contact person
    assert counts["confirmed_before_close"] > 0  # August's proposals, confirmed before closing it
    assert counts["reconciled"] == counts["reconciled_now"] + counts["confirmed_before_close"]
    posted = counts["bank_entries"] + counts["confirmed_before_close"] + counts["vat_closings"]
    posted += counts["payroll_entries"] + counts["posted_now"] + counts["fx_revaluations"]
    assert counts["entries"] == posted + 1  # and the opening balance
    assert counts["payroll_entries"] == 3 and counts["posted"] == counts["posted_now"] > 0
    # The ledger balances, and the bank account moved.
    lines, entries = acc.lines.c, acc.entries.c
    assert scalar(books, sa.select(sa.func.sum(lines.debit) - sa.func.sum(lines.credit))) == 0
    assert scalar(books, sa.select(sa.func.count()).where(lines.account == "5121")) > counts["fees"]
    assert scalar(books, sa.select(sa.func.count()).where(lines.account == "627")) == counts["fees"]
    # Some customer invoices are paid (in full or in part), some still wholly open.
    with books.engine().connect() as conn:
        rows = conn.execute(
            sa.select(bank.open_items.c.total, bank.open_items.c.open_amount).where(
                bank.open_items.c.kind == "receivable"
            )
        ).all()
        august_proposed = conn.execute(
            sa.select(sa.func.count()).where(
                bank.lines.c.status == "proposed",
                bank.lines.c.booking_date.between(date(2026, 8, 1), date(2026, 8, 31)),
            )
        ).scalar_one()
    assert august_proposed == 0  # the closed month's proposals were confirmed before closing
    # August is fully explained: every line reconciled, a fee, or posted to its account.
    assert august_statuses(books) <= {"reconciled", "fee", "posted"}
    # Salaries, payroll taxes and VAT paid clear what the payroll and the VAT closing booked:
    # at the end of September only September's payroll and VAT are left to pay.
    september = closing_balances(books, Period(2026, 9), ("421", "4315", "4316", "444", "436", "4423"))
    assert all(september[a] < 0 for a in ("421", "4315", "4316", "444", "436")), september
    with books.engine().connect() as conn:
        vat_closing = conn.execute(
            sa.select(sa.func.coalesce(sa.func.sum(lines.credit) - sa.func.sum(lines.debit), 0))
            .select_from(acc.lines.join(acc.entries, entries.id == lines.entry_id))
            .where(
                lines.account == "4423",
                entries.source_type == "vat_closing",
                entries.entry_date == date(2026, 9, 30),
            )
        ).scalar_one()
    assert september["4423"] == -acc_repo.from_bani(vat_closing)  # August's VAT paid in September
    assert closing_balances(books, Period(2026, 9), ("766",))["766"] < 0  # interest earned
    paid = [r for r in rows if D(r.open_amount) < D(r.total)]
    assert paid and len(paid) < len(rows)
    # What the bank reconciled is what 5121 = 4111 posted.
    bank_posted = (
        sa.select(sa.func.sum(lines.debit))
        .select_from(acc.lines.join(acc.entries, entries.id == lines.entry_id))
        .where(lines.account == "5121", entries.source_type == "bank_line", entries.source_role == "settle")
    )
    with books.engine().connect() as conn:
        applied = conn.execute(
            sa.select(bank.lines.c.applied_amount).where(
                bank.lines.c.status == "reconciled", bank.lines.c.amount.not_like("-%")
            )
        ).scalars()
        received = sum((D(a) for a in applied), D(0))
    assert received > 0 and acc_repo.from_bani(scalar(books, bank_posted)) == received
    # August is locked: nothing more is posted into it.
    with UnitOfWork(books.platform.databases, tenant=system(books)) as uow:
        assert acc_repo.period_status(uow.connection, Period(2026, 8)) is PeriodStatus.LOCKED
        assert acc_repo.period_status(uow.connection, Period(2026, 9)) is PeriodStatus.OPEN
        late = EntryDraft(
            "NC", date(2026, 8, 31), "Corecție", (Line("627", debit=D(1)), Line("5121", credit=D(1)))
        )
        with pytest.raises(PeriodClosed, match="2026-08 is locked"):
            post(uow, late)
    # A D406 of each month (the demo named the contact): pre-validated while written, XSD-valid, with
    # no warning: October's unpaid supplier invoice is on its supplier's analytic (401.xxxxx), so
    # the suppliers' balances add up to 401's (no PARTNER_BALANCES_MISMATCH).
    assert closing_balances(books, Period(2026, 10), ("401",)) == {"401": D(0)}  # nothing on the synthetic
    for month in ("2026-08", "2026-09", "2026-10"):
        result, document = books.export(month)
        assert_valid(document, xsd)
        assert result.summary.transactions > 0 and result.summary.sales_invoices > 0
        assert result.counts["payments"] > 0 and result.warnings == []
    # A second call finds the seeding and does nothing.
    entry_count = scalar(books, sa.select(sa.func.count()).select_from(acc.entries))
    again = seed_accounting(books.platform, books.slug, today=TODAY, seed=SEED)
    assert again["already_seeded"] == 1
    assert {k: again[k] for k in ("statements", "lines", "reconciled", "proposed", "unmatched")} == {
        k: counts[k] for k in ("statements", "lines", "reconciled", "proposed", "unmatched")
    }
    assert scalar(books, sa.select(sa.func.count()).select_from(acc.entries)) == entry_count


async def test_refused_while_documents_wait_on_the_bus(books: Books) -> None:
    sale = books.issue(issue_date="2026-09-10")
    with pytest.raises(DemoNotReady) as refused:
        seed_accounting(books.platform, books.slug, today=TODAY, seed=SEED)
    assert sale.number in refused.value.message
    assert refused.value.details["unposted"] == [sale.number]
    assert scalar(books, sa.select(sa.func.count()).select_from(bank.statements)) == 0


async def test_an_interrupted_seed_is_finished_by_the_next_call(
    books: Books, monkeypatch: pytest.MonkeyPatch
) -> None:
    documents(books)
    await books.deliver()

    def interrupted(*args: Any, **kwargs: Any) -> int:
        raise RuntimeError("the process stopped here")

    monkeypatch.setattr(demo_accounting, "_confirm_proposals", interrupted)
    with pytest.raises(RuntimeError):
        seed_accounting(books.platform, books.slug, today=TODAY, seed=SEED)
    monkeypatch.undo()
    first = scalar(books, sa.select(sa.func.count()).select_from(bank.lines))
    counts = seed_accounting(books.platform, books.slug, today=TODAY, seed=SEED)
    # The same files again: every line a duplicate, the VAT closings and the opening balance kept.
    assert counts["already_seeded"] == 0
    assert counts["new_lines"] == 0 and counts["duplicate_lines"] == counts["lines"] == first
    assert counts["imported_statements"] == 0
    assert counts["vat_closings"] == 0 and counts["opening_entries"] == 0
    assert counts["entries"] == (
        counts["bank_entries"]
        + counts["confirmed_before_close"]
        + counts["payroll_entries"]
        + counts["posted_now"]
        + counts["fx_revaluations"]
    )
    assert counts["periods_closed"] == 2 and counts["closed_periods"] == 1
    assert scalar(books, sa.select(sa.func.count()).where(acc.entries.c.source_type == "vat_closing")) == 3
    again = seed_accounting(books.platform, books.slug, today=TODAY, seed=SEED)
    assert again["already_seeded"] == 1
