"""The demo tenant's accounting: bank statements, reconciliation, VAT closings and a closed first month.

``seed_accounting(platform, slug, today=..., seed=...)`` runs after the sales part of the demo
(``genius.demo``) has issued and received its documents and the accounting subscribers have
posted them. Through the accounting and bank services, the way an accountant's month goes:

1. check that every issued sales document and received supplier document is posted and known
   to the bank part (``ledger_check``), else refuse naming them;
2. month-end VAT closing of each of the three months before ``today``'s (``close_vat``:
   4427 = 4426, then 4427 = 4423 or 4424 = 4426);
3. the account's opening balance at the first day (5121 = 1171, one entry), then for each month
   a CAMT.053 file of daily statements (``bank_plan`` + ``bank_files``), imported through the
   bank import service (dedup by bank reference) and matched by the ``match`` worker's logic:
   sure matches reconciled and posted (5121 = 4111, 401 = 5121), fees posted (627 = 5121), the
   rest left proposed or unmatched; the EUR account (5124, ``bank_currency``) the same way, its
   receipts of EUR invoices posted at the day's BNR rate with their exchange differences;
4. the first month finished the way an accountant finishes it: its proposed bank lines confirmed
   with their best candidate (``reconcile.confirm``); each month's payroll booked (641 = 421 ...)
   and the lines without an invoice behind them (salaries 421, payroll taxes 4315/4316/444/436,
   VAT 4423, interest 766) posted to their account through the bank service (``bank_postings``;
   the last month's lines from the 21st stay open, as in a month still in progress); each month's
   currency items revalued at the last banking day's BNR rate (``bank_currency.revalue_months``:
   4111 EUR, 5124, 665/765); then the first month closed and locked through the periods service;
5. the D406 contact person set (``accounting.saft`` settings) when nobody has, so that a D406
   of each month can be exported at once.

Idempotent: a second call finds the demo's statements and the locked month and does nothing,
answering ``already_seeded = 1``; a call interrupted part-way is finished by the next one (every
step is refused twice by the ledger, the bank import skips what it has).
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable
from decimal import ROUND_CEILING, Decimal
from typing import TYPE_CHECKING, Final, TypeVar

import sqlalchemy as sa

from genius.apps.accounting import repository as acc_repo
from genius.apps.accounting import tables as acc
from genius.apps.accounting.bank import repository as bank_repo
from genius.apps.accounting.bank import tables as bank
from genius.apps.accounting.bank.handlers.imports import import_statement_file
from genius.apps.accounting.bank.handlers.matching import run_match
from genius.apps.accounting.bank.handlers.reconcile import confirm
from genius.apps.accounting.commands import ChangePeriod
from genius.apps.accounting.domain.entries import Entry, EntryDraft, Line, SourceDocument
from genius.apps.accounting.domain.errors import AlreadyPosted
from genius.apps.accounting.domain.periods import Period, PeriodStatus
from genius.apps.accounting.domain.postings import GENERAL_JOURNAL
from genius.apps.accounting.handlers import entries as entry_handlers
from genius.apps.accounting.handlers.periods import change_period
from genius.apps.accounting.handlers.postings import close_vat
from genius.apps.accounting.saft import settings as saft_settings
from genius.apps.sales import tables as sales
from genius.demo.bank_currency import eur_counts, revalue_months, seed_eur_account
from genius.demo.bank_files import BankLine, daily_statements, iban, write_camt053
from genius.demo.bank_plan import DemoItem, Month, plan_bank
from genius.demo.bank_postings import liabilities_total, opening_lines, post_direct_lines, post_payrolls
from genius.demo.ledger_check import check_posted
from genius.fiscal.ro.bankstatements.identifiers import valid_iban
from genius.kernel.errors import GeniusError
from genius.platform.db.uow import UnitOfWork
from genius.platform.tenancy import TenantContext

if TYPE_CHECKING:
    from genius.bootstrap import Platform

log = logging.getLogger(__name__)

MONTHS: Final = 3  # the demo's months: the three before today's
STATEMENT_PREFIX: Final = "GDEMO"  # statement ids of the demo's files (how a second call knows)
OPENING_SOURCE: Final = "demo_opening_balance"
OPENING_CONTRA: Final = "1171"  # Rezultatul reportat: the money the company had before the demo
MIN_OPENING: Final = Decimal("50000")  # lei in the account on the first day, at least
CUSHION: Final = Decimal("20000")  # the balance never goes below this
FALLBACK_BANK: Final = "BTRL"  # the account's bank when the company profile has no IBAN
VAT_PAYABLE: Final = "4423"
# The demo company's accountant, named in the D406 header (Header.Company.Contact).
D406_CONTACT: Final = {
    "contact_first_name": "Ioana",
    "contact_last_name": "Popescu",
    "contact_telephone": "+40264450120",
    "contact_email": "contabilitate@genius-demo.ro",
}
T = TypeVar("T")


def demo_months(today: datetime.date) -> list[Month]:
    """The ``MONTHS`` whole months before ``today``'s month, oldest first."""
    out: list[Month] = []
    period = Period.of(today)
    for _ in range(MONTHS):
        first = period.first_day - datetime.timedelta(days=1)
        period = Period.of(first)
        out.insert(0, Month(period.first_day, period.last_day))
    return out


def seed_accounting(platform: Platform, slug: str, *, today: datetime.date, seed: int) -> dict[str, int]:
    """Seed the tenant's bank statements, reconciliation, VAT closings and closed first month."""
    tenant = platform.tenants.get(slug)
    ctx = TenantContext(tenant.id, slug, system=True)
    months = demo_months(today)
    first = Period.of(months[0].first)

    def unit(write: bool = True) -> UnitOfWork:
        return UnitOfWork(platform.databases, tenant=ctx, write=write)

    with unit(write=False) as uow:
        conn = uow.connection
        account = _account_iban(conn, seed)
        if _demo_statements(conn, account) and acc_repo.period_status(conn, first) is PeriodStatus.LOCKED:
            return {"already_seeded": 1, **_counts(conn, account, months), **eur_counts(conn, account, seed)}
        documents = check_posted(conn)
        entries_before = _entry_count(conn)
        items = _items(conn)
    counts: dict[str, int] = {"already_seeded": 0, "documents_checked": documents}
    vat_payable: dict[str, Decimal] = {}
    vat_closings = 0
    for month in months:
        period = Period.of(month.first)
        with unit() as uow:
            posted = _once(uow, _vat_source(period), lambda u=uow, p=period: close_vat(u, p))
            vat_closings += posted is not None
        with unit(write=False) as uow:
            vat_payable[str(month)] = _closing_payable(uow.connection, Period.of(month.first))
    plan = plan_bank(items, months, seed=seed, vat_payable=vat_payable, bank_code=account[4:8])
    all_lines = [line for month in months for line in plan.lines.get(str(month), [])]
    opening = _opening_balance(all_lines)
    carried = opening_lines(plan, months)
    with unit() as uow:
        on = months[0].first
        opened = _once(uow, _opening_source(slug, on), lambda: _post_opening(uow, slug, on, opening, carried))
    imported = {"statements": 0, "new_lines": 0, "duplicate_lines": 0}
    balance, sequence = opening, 1
    matched = {"reconciled": 0, "fees": 0, "bank_entries": 0}
    for month in months:
        lines = plan.lines.get(str(month), [])
        if not lines:
            continue
        prefix = f"{STATEMENT_PREFIX}-{account[-6:]}"
        statements = daily_statements(lines, opening=balance, prefix=prefix, first_sequence=sequence)
        balance, sequence = statements[-1].closing, sequence + len(statements)
        data = write_camt053(account, "RON", statements, message_id=f"{prefix}-{month.first:%Y%m}")
        with unit() as uow:
            result = import_statement_file(
                uow, data, file_name=f"extras-{account[-4:]}-{month.first:%Y-%m}.xml", format="camt053"
            )
        imported["statements"] += sum(not s.already_imported for s in result.statements)
        imported["new_lines"] += result.new_lines
        imported["duplicate_lines"] += result.duplicate_lines
        summary = run_match(platform.databases, ctx)
        matched["reconciled"] += summary.reconciled
        matched["fees"] += summary.fees
        matched["bank_entries"] += summary.posted
        for note in summary.not_posted:
            log.warning("demo %s: bank line not posted: %s", slug, note)
    eur = seed_eur_account(platform, ctx, account, months, seed=seed, prefix=STATEMENT_PREFIX)
    confirmed = _confirm_proposals(unit, months[0], slug)
    payrolls = post_payrolls(unit, plan, months)
    direct = post_direct_lines(unit, account, plan, months, platform.audit)
    revalued = revalue_months(platform, ctx, months)
    closed = _close_and_lock(unit, first, platform)
    with unit() as uow:
        contact = _d406_contact(uow.connection)
    with unit(write=False) as uow:
        conn = uow.connection
        counts.update(_counts(conn, account, months))
        counts.update(eur_counts(conn, account, seed))
        counts.update(eur)
        counts.update(
            imported_statements=imported["statements"],
            new_lines=imported["new_lines"],
            duplicate_lines=imported["duplicate_lines"],
            reconciled_now=matched["reconciled"],
            fees_posted=matched["fees"],
            bank_entries=matched["bank_entries"],
            vat_closings=vat_closings,
            opening_entries=int(opened is not None),
            confirmed_before_close=confirmed,
            payroll_entries=payrolls,
            posted_now=direct,
            fx_revaluations=revalued,
            periods_closed=closed,
            d406_contact_set=int(contact),
            entries=_entry_count(conn) - entries_before,
        )
    return counts


def _once(uow: UnitOfWork, source: SourceDocument, post: Callable[[], T]) -> T | None:
    """Run a posting; None when the ledger already holds it (a resumed call: looked up first,
    since the ledger checks the period before the source and the month may be closed by now)."""
    if acc_repo.find_by_source(uow.connection, source) is not None:
        return None
    try:
        return post()
    except AlreadyPosted:
        return None


def _vat_source(period: Period) -> SourceDocument:
    """How ``close_vat`` records a month's VAT closing (one per month)."""
    return SourceDocument("vat_closing", str(period), str(period))


def _opening_source(slug: str, on: datetime.date) -> SourceDocument:
    return SourceDocument(OPENING_SOURCE, f"{slug}:{on:%Y-%m}", f"SI-{on:%Y%m}")


def _account_iban(conn: sa.Connection, seed: int) -> str:
    """The company's IBAN from its sales profile, else a demo account at ``FALLBACK_BANK``."""
    found = conn.execute(sa.select(sales.company.c.iban, sales.company.c.cui)).first()
    account = valid_iban(found.iban) if found is not None and found.iban else None
    if account is None:
        cui = found.cui if found is not None else "demo"
        account = iban(FALLBACK_BANK, f"{seed}:company:{cui}")
        log.info("the company profile has no valid IBAN; the demo's statements use %s", account)
    return account


def _demo_statements(conn: sa.Connection, account: str) -> int:
    s = bank.statements.c
    query = sa.select(sa.func.count()).where(
        s.account_iban == account, s.statement_ref.startswith(STATEMENT_PREFIX, autoescape=True)
    )
    return int(conn.execute(query).scalar_one())


def _entry_count(conn: sa.Connection) -> int:
    e = acc.entries.c
    return int(conn.execute(sa.select(sa.func.count()).where(e.status == "posted")).scalar_one())


def _items(conn: sa.Connection) -> list[DemoItem]:
    """RON receivables and payables as they stood before any bank line: the total less the credit
    notes applied to them (reconciliations already made do not change the plan, so a resumed call
    writes the same files)."""
    o = bank.open_items.c
    credited: dict[str, Decimal] = {}
    for row in conn.execute(
        sa.select(o.corrects_id, o.total).where(o.kind == "credit_note", o.status == bank_repo.APPLIED)
    ):
        credited[row.corrects_id] = credited.get(row.corrects_id, Decimal(0)) + bank_repo.dec(row.total)
    rows = conn.execute(
        sa.select(bank.open_items).where(
            o.kind.in_(("receivable", "payable")), o.status != bank_repo.CANCELLED, o.currency == "RON"
        )
    )
    items = []
    for row in rows:
        left = bank_repo.dec(row.total) - credited.get(row.id, Decimal(0))
        items.append(
            DemoItem(
                id=row.id,
                kind=row.kind,
                number=row.number,
                partner_key=row.partner_id or f"name:{row.partner_name.upper()}",
                partner_name=row.partner_name,
                partner_cui=row.partner_cui,
                open_amount=max(Decimal(0), left),
                issue_date=row.issue_date,
                due_date=row.due_date,
            )
        )
    return items


def _closing_payable(conn: sa.Connection, period: Period) -> Decimal:
    """VAT to pay (credit of 4423) that ``period``'s VAT closing entry booked."""
    entry_id = acc_repo.find_by_source(conn, _vat_source(period))
    if entry_id is None:
        return Decimal(0)
    entry = acc_repo.get_entry(conn, entry_id)
    return sum((line.credit - line.debit for line in entry.lines if line.account == VAT_PAYABLE), Decimal(0))


def _opening_balance(lines: list[BankLine]) -> Decimal:
    """At least ``MIN_OPENING``, and enough that the running balance stays above ``CUSHION``."""
    running, lowest = Decimal(0), Decimal(0)
    for line in sorted(lines, key=lambda item: (item.booking_date, item.reference)):
        running += line.amount
        lowest = min(lowest, running)
    needed = max(MIN_OPENING, -lowest + CUSHION)
    step = Decimal(10000)
    return (needed / step).to_integral_value(rounding=ROUND_CEILING) * step


def _post_opening(
    uow: UnitOfWork, slug: str, on: datetime.date, amount: Decimal, carried: list[Line]
) -> Entry:
    """5121 = 1171 for the money in the account, and the liabilities carried (last month's payroll)."""
    source = _opening_source(slug, on)
    rest = amount - liabilities_total(carried)
    contra = Line(OPENING_CONTRA, credit=rest) if rest >= 0 else Line(OPENING_CONTRA, debit=-rest)
    draft = EntryDraft(
        GENERAL_JOURNAL,
        on,
        f"Sold inițial la {on:%d.%m.%Y}: disponibil în contul bancar, salarii și contribuții de plată",
        (Line("5121", debit=amount), *carried, contra),
        source=source,
    )
    return entry_handlers.post(uow, draft)


def _confirm_proposals(unit: Callable[[], UnitOfWork], month: Month, slug: str) -> int:
    """Confirm each proposed line booked in ``month`` with its best candidate; the number confirmed."""
    ln = bank.lines.c
    with unit() as uow:
        waiting = (
            uow.connection.execute(
                sa.select(ln.id)
                .where(ln.status == bank_repo.PROPOSED, ln.booking_date.between(month.first, month.last))
                .order_by(ln.booking_date, ln.statement_id, ln.position)
            )
            .scalars()
            .all()
        )
    done = 0
    for line_id in waiting:
        try:
            with unit() as uow:
                best = bank_repo.candidates_of(uow.connection, line_id)
                if best:
                    confirm(uow, line_id, candidate_id=best[0].id)
                    done += 1
        except GeniusError as exc:  # an invoice settled meanwhile by a surer line: leave it proposed
            log.info("demo %s: proposed bank line %s left for a person: %s", slug, line_id, exc.message)
    return done


def _close_and_lock(unit: Callable[[], UnitOfWork], period: Period, platform: Platform) -> int:
    """Close, then lock ``period`` (skipping what is done already); the number of steps taken."""
    done = 0
    for action, reached in (("close", PeriodStatus.CLOSED), ("lock", PeriodStatus.LOCKED)):
        with unit() as uow:
            status = acc_repo.period_status(uow.connection, period)
            if status is PeriodStatus.LOCKED or status is reached:
                continue
            change_period(uow, ChangePeriod(period, action), platform.audit)
            done += 1
    return done


def _d406_contact(conn: sa.Connection) -> bool:
    """Set the D406 contact person when none is set (a person's choice is kept)."""
    current = saft_settings.load(conn)
    if current.contact_first_name and current.contact_last_name:
        return False
    saft_settings.update(conn, dict(D406_CONTACT), None)
    return True


def _counts(conn: sa.Connection, account: str, months: list[Month]) -> dict[str, int]:
    s, ln = bank.statements.c, bank.lines.c
    ids = sa.select(s.id).where(
        s.account_iban == account, s.statement_ref.startswith(STATEMENT_PREFIX, autoescape=True)
    )
    by_status = dict(
        conn.execute(
            sa.select(ln.status, sa.func.count()).where(ln.statement_id.in_(ids)).group_by(ln.status)
        ).all()
    )
    periods = acc.periods.c
    closed = conn.execute(
        sa.select(sa.func.count()).where(periods.status.in_(("closed", "locked")))
    ).scalar_one()
    vat = conn.execute(
        sa.select(sa.func.count()).where(acc.entries.c.source_type == "vat_closing")
    ).scalar_one()
    return {
        "statements": _demo_statements(conn, account),
        "lines": sum(int(v) for v in by_status.values()),
        "reconciled": int(by_status.get(bank_repo.RECONCILED, 0)),
        "proposed": int(by_status.get(bank_repo.PROPOSED, 0)),
        "unmatched": int(by_status.get(bank_repo.UNMATCHED, 0) + by_status.get(bank_repo.NEW, 0)),
        "fees": int(by_status.get(bank_repo.FEE, 0)),
        "posted": int(by_status.get(bank_repo.POSTED, 0)),
        "vat_closing_entries": int(vat),
        "closed_periods": int(closed),
        "months": len(months),
    }


__all__ = ["demo_months", "seed_accounting"]
