"""seed_accounting with EUR invoices: the EUR account (5124) configured, its statements imported and
matched, receipts posted at the day's BNR rate with their exchange differences (7651 / 6651), the
EUR items revalued at each month's end."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from genius.apps.accounting import tables as acc
from genius.apps.accounting.bank import tables as bank
from genius.apps.accounting.domain.fx import FxRate
from genius.apps.accounting.domain.periods import Period
from genius.apps.accounting.handlers.fx_rates import store_rates
from genius.apps.accounting.handlers.revaluation import revalue_month
from genius.apps.accounting.handlers.treasury import list_bank_accounts
from genius.demo.accounting import seed_accounting
from genius.kernel.clock import utcnow
from genius.platform.db.uow import UnitOfWork
from tests.apps.accounting.saft.conftest import Books, assert_valid
from tests.demo.test_accounting import (  # noqa: F401 (fixtures)
    SEED,
    TODAY,
    august_statuses,
    books,
    documents,
    scalar,
    system,
    xsd,
)

EURO_LINE = {
    "id": "1",
    "quantity": "2",
    "unit_code": "HUR",
    "price": {"net_price": "100.00"},
    "item": {"name": "Consultanta", "vat_category": "S", "vat_rate_kind": "standard"},
}


def bnr_rates(ready: Books) -> None:
    """A BNR EUR rate for every banking day of the demo, moving a little each day."""
    day, rates = date(2026, 7, 15), []
    while day <= TODAY:
        if day.weekday() < 5:
            rates.append(FxRate("EUR", day, Decimal("4.9700") + Decimal(day.toordinal() % 7 - 3) / 1000))
        day += timedelta(days=1)
    with UnitOfWork(ready.platform.databases, tenant=system(ready)) as uow:
        store_rates(uow.connection, rates, "test", utcnow())


def eur_invoices(ready: Books) -> list[str]:
    """Before the lei invoices (one series, numbered in date order): late July and early August."""
    numbers = []
    for issued in ("2026-07-27", "2026-07-29", "2026-07-31", "2026-08-03", "2026-08-03", "2026-08-04"):
        rate = "4.9712" if issued.endswith("9") else "4.9688"
        sale = ready.issue(issue_date=issued, currency="EUR", vat_exchange_rate=rate, lines=[EURO_LINE])
        numbers.append(sale.number)
    return numbers


def account_lines(ready: Books, account: str) -> list[Any]:
    lines, entries = acc.lines.c, acc.entries.c
    with ready.engine().connect() as conn:
        return conn.execute(
            sa.select(lines.currency, lines.currency_amount, lines.debit, lines.credit)
            .select_from(acc.lines.join(acc.entries, entries.id == lines.entry_id))
            .where(lines.account == account, entries.source_type == "bank_line")
        ).all()


async def test_eur_invoices_are_paid_into_the_eur_account_with_exchange_differences(
    books: Books,  # noqa: F811
    xsd: Path,  # noqa: F811
) -> None:
    eur_invoices(books)
    documents(books)
    bnr_rates(books)
    await books.deliver()
    counts = seed_accounting(books.platform, books.slug, today=TODAY, seed=SEED)
    await books.deliver()
    assert counts["eur_lines"] == counts["eur_new_lines"] > 0
    assert counts["eur_reconciled"] > 0
    # The EUR account is configured to 5124 through the bank-accounts service.
    with UnitOfWork(books.platform.databases, tenant=system(books), write=False) as uow:
        configured = [a for a in list_bank_accounts(uow.connection) if a.currency == "EUR"]
    assert [a.account for a in configured] == ["5124"]
    # Receipts on 5124 in EUR at the day's rate; the differences on 7651 / 6651.
    treasury = account_lines(books, "5124")
    assert treasury and all(line.currency == "EUR" and line.currency_amount for line in treasury)
    assert account_lines(books, "7651") or account_lines(books, "6651")
    with books.engine().connect() as conn:
        settled = conn.execute(
            sa.select(sa.func.count()).where(
                bank.open_items.c.currency == "EUR", bank.open_items.c.status == "settled"
            )
        ).scalar_one()
    assert settled >= counts["eur_reconciled"] > 0
    # Each month's EUR items (4111 EUR, 5124) revalued at its last banking day's rate, carried: a
    # second look at any of the months finds nothing left to revalue.
    with books.engine().connect() as conn:
        revalued = conn.execute(
            sa.select(acc.entries.c.source_id, acc.entries.c.entry_date).where(
                acc.entries.c.source_type == "fx_revaluation"
            )
        ).all()
    assert counts["fx_revaluations"] == len(revalued) > 0
    assert all(day == Period.parse(month).last_day for month, day in revalued)
    with UnitOfWork(books.platform.databases, tenant=system(books), write=False) as uow:
        for month in (8, 9, 10):
            found = revalue_month(uow, Period(2026, month), dry_run=True).items
            assert found and all(r.difference == 0 for r in found), month
    # Balanced, August explained, each month's D406 valid and clean.
    lines = acc.lines.c
    assert scalar(books, sa.select(sa.func.sum(lines.debit) - sa.func.sum(lines.credit))) == 0
    assert august_statuses(books) <= {"reconciled", "fee", "posted"}
    for month in ("2026-08", "2026-09", "2026-10"):
        result, document = books.export(month)
        assert_valid(document, xsd)
        assert result.warnings == []
    again = seed_accounting(books.platform, books.slug, today=TODAY, seed=SEED)
    assert again["already_seeded"] == 1 and again["eur_lines"] == counts["eur_lines"]
