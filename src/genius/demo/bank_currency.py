"""The demo company's EUR account: customers paying their EUR invoices, monthly CAMT.053 statements.

The account (same bank as the lei one, its own IBAN) is configured to 5124 through accounting's
bank-accounts service, so its statements post to 5124 at the BNR rate of each day; the receivable
is cleared at the invoice's rate and the difference goes to 7651 / 6651 (``handlers.ledger``).
Customers pay most EUR invoices (``EUR_NEVER_PAID`` never), quoting the number, some late - each
on its own day, so the day's rate differs from the invoice's. A line is planned only on a day
with a BNR rate in accounting's copy (``acc_fx_rates``, the demo's rates): no line waits for one.

At each month's end the EUR items (the customers' 4111 balances, the 5124 account) are revalued
at the last banking day's BNR rate (``revalue_months``, accounting's ``handlers.revaluation``), so
the next month's receipts count their exchange difference from the revalued amount.
"""

from __future__ import annotations

import datetime
import logging
import random
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Final

import sqlalchemy as sa

from genius.apps.accounting import repository as acc_repo
from genius.apps.accounting.bank import repository as bank_repo
from genius.apps.accounting.bank import tables as bank
from genius.apps.accounting.bank.handlers.imports import import_statement_file
from genius.apps.accounting.bank.handlers.matching import run_match
from genius.apps.accounting.domain.fx import NoFxRate
from genius.apps.accounting.domain.periods import Period, PeriodStatus
from genius.apps.accounting.handlers.fx_rates import rate_on
from genius.apps.accounting.handlers.revaluation import revalue_month
from genius.apps.accounting.handlers.treasury import find_bank_account, save_bank_account
from genius.demo.bank_files import BankLine, daily_statements, iban, write_camt053
from genius.demo.bank_plan import DemoItem, Month, business_day, partner_iban
from genius.platform.db.uow import UnitOfWork
from genius.platform.tenancy import TenantContext

if TYPE_CHECKING:
    from genius.bootstrap import Platform

log = logging.getLogger(__name__)

CURRENCY: Final = "EUR"
TREASURY: Final = "5124"  # Conturi la bănci în valută
ACCOUNT_NAME: Final = "Cont curent EUR"
EUR_NEVER_PAID: Final = 0.12
EUR_LATE: Final = 0.30


def eur_iban(lei_iban: str, seed: int) -> str:
    return iban(lei_iban[4:8], f"{seed}:company-eur:{lei_iban}")


def eur_items(conn: sa.Connection) -> list[DemoItem]:
    """The EUR customer invoices as they were issued (what the plan reads)."""
    o = bank.open_items.c
    rows = conn.execute(
        sa.select(bank.open_items).where(
            o.kind == "receivable", o.status != bank_repo.CANCELLED, o.currency == CURRENCY
        )
    )
    return [
        DemoItem(
            id=row.id,
            kind=row.kind,
            number=row.number,
            partner_key=row.partner_id or f"name:{row.partner_name.upper()}",
            partner_name=row.partner_name,
            partner_cui=row.partner_cui,
            open_amount=bank_repo.dec(row.total),
            issue_date=row.issue_date,
            due_date=row.due_date,
        )
        for row in rows
    ]


def plan_eur(
    items: Sequence[DemoItem],
    months: Sequence[Month],
    *,
    seed: int,
    bank_code: str,
    has_rate: Callable[[datetime.date], bool],
) -> dict[str, list[BankLine]]:
    """The EUR account's lines by month "YYYY-MM"."""
    rng = random.Random(f"genius-demo-bank-eur:{seed}")
    out: dict[str, list[BankLine]] = {}
    counter = 0
    for item in sorted(items, key=lambda i: (i.issue_date, i.number, i.id)):
        never = rng.random() < EUR_NEVER_PAID
        due = item.due_date or item.issue_date + datetime.timedelta(days=30)
        if rng.random() < EUR_LATE:
            day = due + datetime.timedelta(days=rng.randint(3, 25))
        else:
            span = max(2, (due - item.issue_date).days)
            day = item.issue_date + datetime.timedelta(days=rng.randint(2, span))
        day = business_day(day)
        template = rng.choice(("Payment invoice {n}", "Plata factura {n}", "INV {n}", "Factura {n} EUR"))
        month = next((m for m in months if m.first <= day <= m.last), None)
        if never or month is None or item.open_amount <= 0 or not has_rate(day):
            continue
        counter += 1
        out.setdefault(str(month), []).append(
            BankLine(
                booking_date=day,
                amount=item.open_amount,
                reference=f"{bank_code}E{day:%y%m%d}{counter:05d}",
                remittance=template.format(n=item.number),
                counterparty_name=item.partner_name.upper()[:70],
                counterparty_iban=partner_iban(item.partner_key, seed),
            )
        )
    return out


def seed_eur_account(
    platform: Platform, ctx: TenantContext, lei_iban: str, months: Sequence[Month], *, seed: int, prefix: str
) -> dict[str, int]:
    """Configure the EUR account, import its monthly statements, match them; what was done."""

    def unit(write: bool = True) -> UnitOfWork:
        return UnitOfWork(platform.databases, tenant=ctx, write=write)

    account = eur_iban(lei_iban, seed)
    with unit(write=False) as uow:
        items = eur_items(uow.connection)
    done = {"eur_statements_imported": 0, "eur_new_lines": 0, "eur_reconciled_now": 0}
    if not items:
        return done
    with unit() as uow:
        if find_bank_account(uow.connection, account) is None:
            save_bank_account(uow, account, CURRENCY, TREASURY, ACCOUNT_NAME, platform.audit)

    with unit(write=False) as uow:
        conn = uow.connection

        def has_rate(day: datetime.date) -> bool:
            try:
                rate_on(conn, CURRENCY, day, "booking_date")
            except NoFxRate:
                return False
            return True

        plan = plan_eur(items, months, seed=seed, bank_code=lei_iban[4:8], has_rate=has_rate)
    balance, sequence = Decimal(0), 1
    for month in months:
        lines = plan.get(str(month), [])
        if not lines:
            continue
        head = f"{prefix}-{account[-6:]}"
        statements = daily_statements(lines, opening=balance, prefix=head, first_sequence=sequence)
        balance, sequence = statements[-1].closing, sequence + len(statements)
        data = write_camt053(account, CURRENCY, statements, message_id=f"{head}-{month.first:%Y%m}")
        with unit() as uow:
            result = import_statement_file(
                uow, data, file_name=f"extras-eur-{account[-4:]}-{month.first:%Y-%m}.xml", format="camt053"
            )
        done["eur_statements_imported"] += sum(not s.already_imported for s in result.statements)
        done["eur_new_lines"] += result.new_lines
        for statement in result.statements:
            summary = run_match(platform.databases, ctx, statement_id=statement.id)
            done["eur_reconciled_now"] += summary.reconciled
    return done


def revalue_months(platform: Platform, ctx: TenantContext, months: Sequence[Month]) -> int:
    """Revalue each open demo month's currency items, oldest first; how many entries were posted.

    A month already closed is left as it is (a resumed seed); a month without the last banking day's
    rate is logged and skipped (the demo's rates cover the period, so this means they were not loaded).
    """
    posted = 0
    for month in months:
        period = Period.of(month.first)
        try:
            with UnitOfWork(platform.databases, tenant=ctx) as uow:
                if acc_repo.period_status(uow.connection, period) is not PeriodStatus.OPEN:
                    continue
                posted += revalue_month(uow, period, trail=platform.audit).entry is not None
        except NoFxRate as exc:
            log.warning("demo %s: %s not revalued: %s", ctx.slug, period, exc.message)
    return posted


def eur_counts(conn: sa.Connection, lei_iban: str, seed: int) -> dict[str, int]:
    ln = bank.lines.c
    by_status = dict(
        conn.execute(
            sa.select(ln.status, sa.func.count())
            .where(ln.account_iban == eur_iban(lei_iban, seed))
            .group_by(ln.status)
        ).all()
    )
    return {
        "eur_lines": sum(int(v) for v in by_status.values()),
        "eur_reconciled": int(by_status.get(bank_repo.RECONCILED, 0)),
    }


__all__ = ["eur_counts", "eur_iban", "eur_items", "plan_eur", "revalue_months", "seed_eur_account"]
