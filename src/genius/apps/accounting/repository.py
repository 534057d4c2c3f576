"""Reads and writes of the ledger on a connection of the caller's transaction (amounts in bani)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Connection
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DBAPIError

from genius.apps.accounting import tables as t
from genius.apps.accounting.domain.accounts import AccountGrade, LedgerAccount, posting_problem
from genius.apps.accounting.domain.entries import (
    Entry,
    EntryDraft,
    EntryStatus,
    Line,
    SourceDocument,
    VatTag,
)
from genius.apps.accounting.domain.errors import (
    EntryImmutable,
    EntryNotFound,
    PeriodClosed,
    UnbalancedEntry,
)
from genius.apps.accounting.domain.periods import Period, PeriodStatus
from genius.apps.accounting.domain.rules import AccountingSettings, PostingRule, PostingRules
from genius.kernel.errors import Conflict, ValidationError


# -- amounts --------------------------------------------------------------------------------------
def to_bani(amount: Decimal) -> int:
    return int((amount * 100).to_integral_value())


def from_bani(value: int | None) -> Decimal:
    return (Decimal(int(value or 0)) / 100).quantize(Decimal("0.01"))


def _insert(conn: Connection):  # type: ignore[no-untyped-def]
    return postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert


# -- accounts -------------------------------------------------------------------------------------
def _account(row: Any) -> LedgerAccount:
    return LedgerAccount(
        code=row.code,
        name=row.name,
        grade=AccountGrade(row.grade),
        synthetic=row.synthetic,
        parent=row.parent,
        account_class=row.account_class,
        type=row.type,
        partner_id=row.partner_id,
        official=bool(row.official),
        postable=bool(row.postable),
    )


def accounts_by_code(conn: Connection, codes: Iterable[str]) -> dict[str, LedgerAccount]:
    wanted = sorted(set(codes))
    if not wanted:
        return {}
    rows = conn.execute(sa.select(t.accounts).where(t.accounts.c.code.in_(wanted), t.accounts.c.active)).all()
    return {r.code: _account(r) for r in rows}


def account_checker(conn: Connection, codes: Iterable[str]):  # type: ignore[no-untyped-def]
    """``account_problem`` for ``domain.entries.validate``, from one query for all the codes."""
    known = accounts_by_code(conn, codes)
    return lambda code: posting_problem(known.get(code), code)


def list_accounts(
    conn: Connection, *, prefix: str | None = None, grade: str | None = None
) -> list[LedgerAccount]:
    query = sa.select(t.accounts).where(t.accounts.c.active).order_by(t.accounts.c.code)
    if prefix:
        query = query.where(t.accounts.c.code.startswith(prefix, autoescape=True))
    if grade:
        query = query.where(t.accounts.c.grade == grade)
    return [_account(r) for r in conn.execute(query)]


def insert_account(conn: Connection, account: LedgerAccount) -> None:
    exists = conn.execute(sa.select(t.accounts.c.code).where(t.accounts.c.code == account.code)).first()
    if exists is not None:
        raise Conflict(f"account {account.code} already exists", code="account_exists")
    conn.execute(
        t.accounts.insert().values(
            code=account.code,
            name=account.name,
            grade=account.grade.value,
            synthetic=account.synthetic,
            parent=account.parent,
            account_class=account.account_class,
            type=account.type,
            partner_id=account.partner_id,
            official=account.official,
            postable=account.postable,
            saft_account_id=account.saft_account_id,
            active=True,
        )
    )


def next_analytic_number(conn: Connection, synthetic: str) -> int:
    stmt = (
        _insert(conn)(t.analytic_sequences)
        .values(synthetic=synthetic, last_number=1)
        .on_conflict_do_update(
            index_elements=["synthetic"], set_={"last_number": t.analytic_sequences.c.last_number + 1}
        )
        .returning(t.analytic_sequences.c.last_number)
    )
    return int(conn.execute(stmt).scalar_one())


# -- partners -------------------------------------------------------------------------------------
def upsert_partner(conn: Connection, partner_id: str, **values: Any) -> None:
    values = {k: v for k, v in values.items() if v is not None}
    found = conn.execute(sa.select(t.partners.c.id).where(t.partners.c.id == partner_id)).first()
    if found is None:
        conn.execute(t.partners.insert().values(id=partner_id, name=values.pop("name", partner_id), **values))
    elif values:
        conn.execute(t.partners.update().where(t.partners.c.id == partner_id).values(**values))


def partner_row(conn: Connection, partner_id: str) -> Any:
    return conn.execute(sa.select(t.partners).where(t.partners.c.id == partner_id)).first()


# -- entries --------------------------------------------------------------------------------------
def next_number(conn: Connection, journal: str, year: int) -> str:
    """The next number of ``journal`` in ``year`` (``VZ-2026-000042``); gap-free per journal and year."""
    stmt = (
        _insert(conn)(t.journal_sequences)
        .values(journal=journal, year=year, last_number=1)
        .on_conflict_do_update(
            index_elements=["journal", "year"], set_={"last_number": t.journal_sequences.c.last_number + 1}
        )
        .returning(t.journal_sequences.c.last_number)
    )
    return f"{journal}-{year}-{int(conn.execute(stmt).scalar_one()):06d}"


def line_row(entry_id: str, line_no: int, line: Line) -> dict[str, Any]:
    return {
        "entry_id": entry_id,
        "line_no": line_no,
        "account": line.account,
        "partner_id": line.partner_id,
        "debit": to_bani(line.debit),
        "credit": to_bani(line.credit),
        "currency": line.currency,
        "currency_amount": to_bani(line.currency_amount) if line.currency_amount is not None else None,
        "exchange_rate": str(line.exchange_rate) if line.exchange_rate is not None else None,
        "cost_centre": line.cost_centre,
        "project": line.project,
        "description": line.description[:300],
        "vat_treatment": line.vat.treatment if line.vat else None,
        "vat_rate": str(line.vat.rate) if line.vat and line.vat.rate is not None else None,
        "vat_role": line.vat.role if line.vat else None,
        "due_date": line.due_date,
    }


def insert_draft(
    conn: Connection,
    entry_id: str,
    draft: EntryDraft,
    *,
    created_by: str | None,
    created_at: datetime,
    source_event_id: str | None = None,
) -> None:
    """The entry as a draft with its lines (posting is a separate status change: see migration 0001)."""
    src = draft.source
    conn.execute(
        t.entries.insert().values(
            id=entry_id,
            journal=draft.journal,
            number=None,
            entry_date=draft.entry_date,
            year=draft.entry_date.year,
            month=draft.entry_date.month,
            status=EntryStatus.DRAFT.value,
            storno=draft.storno,
            description=draft.description,
            source_type=src.type if src else None,
            source_id=src.id if src else None,
            source_number=src.number if src else None,
            source_role=src.role if src else None,
            source_event_id=source_event_id,
            reverses=draft.reverses,
            total=to_bani(draft.total_debit),
            created_by=created_by,
            created_at=created_at,
        )
    )
    conn.execute(t.lines.insert(), [line_row(entry_id, i + 1, line) for i, line in enumerate(draft.lines)])


def mark_posted(
    conn: Connection, entry_id: str, *, number: str, approved_by: str | None, posted_at: datetime, label: str
) -> None:
    """Post the draft: the database checks balance, lines and period here (and at COMMIT on PostgreSQL)."""
    try:
        conn.execute(
            t.entries.update()
            .where(t.entries.c.id == entry_id, t.entries.c.status == EntryStatus.DRAFT.value)
            .values(
                status=EntryStatus.POSTED.value, number=number, approved_by=approved_by, posted_at=posted_at
            )
        )
    except DBAPIError as exc:
        raise translate_db_error(exc, label) from exc


def delete_draft(conn: Connection, entry_id: str) -> None:
    conn.execute(t.lines.delete().where(t.lines.c.entry_id == entry_id))
    conn.execute(t.entries.delete().where(t.entries.c.id == entry_id))


def translate_db_error(exc: DBAPIError, label: str) -> Exception:
    """A database guard's refusal (migration 0001) as the domain error naming the entry."""
    text = str(exc.orig)
    if "acc_unbalanced" in text:
        return UnbalancedEntry(f"{label} is unbalanced (refused by the database)")
    if "acc_too_few_lines" in text:
        return ValidationError.for_field(
            "lines", f"{label} needs at least two lines (refused by the database)"
        )
    if "acc_period_closed" in text:
        return PeriodClosed(f"{label}: its month is closed or locked (refused by the database)")
    if "acc_posted_immutable" in text:
        return EntryImmutable(f"{label} is posted and cannot change: reverse it")
    if "acc_negative_amount" in text:
        return ValidationError.for_field("lines", f"{label}: negative amounts belong only to storno entries")
    return exc


def find_by_source(conn: Connection, source: SourceDocument) -> str | None:
    row = conn.execute(
        sa.select(t.entries.c.id).where(
            t.entries.c.source_type == source.type,
            t.entries.c.source_id == source.id,
            t.entries.c.source_role == source.role,
        )
    ).first()
    return row.id if row else None


def _line(row: Any) -> Line:
    vat = (
        VatTag(row.vat_treatment, Decimal(row.vat_rate) if row.vat_rate else None, row.vat_role)
        if row.vat_treatment
        else None
    )
    return Line(
        account=row.account,
        debit=from_bani(row.debit),
        credit=from_bani(row.credit),
        partner_id=row.partner_id,
        description=row.description,
        currency=row.currency,
        currency_amount=from_bani(row.currency_amount) if row.currency_amount is not None else None,
        exchange_rate=Decimal(row.exchange_rate) if row.exchange_rate else None,
        cost_centre=row.cost_centre,
        project=row.project,
        vat=vat,
        due_date=row.due_date,
    )


def entry_from_rows(header: Any, line_rows: Sequence[Any], reversed_by: str | None = None) -> Entry:
    source = (
        SourceDocument(
            header.source_type, header.source_id, header.source_number or "", header.source_role or ""
        )
        if header.source_type
        else None
    )
    return Entry(
        id=header.id,
        journal=header.journal,
        number=header.number,
        entry_date=header.entry_date,
        description=header.description,
        status=EntryStatus(header.status),
        storno=bool(header.storno),
        lines=tuple(_line(r) for r in line_rows),
        created_by=header.created_by,
        approved_by=header.approved_by,
        source=source,
        reverses=header.reverses,
        reversed_by=reversed_by,
    )


def get_entry(conn: Connection, entry_id: str, *, for_update: bool = False) -> Entry:
    query = sa.select(t.entries).where(t.entries.c.id == entry_id)
    if for_update and conn.dialect.name == "postgresql":
        query = query.with_for_update()
    header = conn.execute(query).first()
    if header is None:
        raise EntryNotFound(f"entry {entry_id!r} does not exist", details={"entry_id": entry_id})
    line_rows = conn.execute(
        sa.select(t.lines).where(t.lines.c.entry_id == entry_id).order_by(t.lines.c.line_no)
    ).all()
    reversal = conn.execute(
        sa.select(t.entries.c.id).where(t.entries.c.reverses == entry_id, t.entries.c.status == "posted")
    ).first()
    return entry_from_rows(header, line_rows, reversal.id if reversal else None)


def list_entries(
    conn: Connection,
    *,
    journal: str | None = None,
    status: str | None = None,
    first: date | None = None,
    last: date | None = None,
    limit: int = 100,
    offset: int = 0,
) -> list[Any]:
    query = sa.select(t.entries)
    if journal:
        query = query.where(t.entries.c.journal == journal)
    if status:
        query = query.where(t.entries.c.status == status)
    if first:
        query = query.where(t.entries.c.entry_date >= first)
    if last:
        query = query.where(t.entries.c.entry_date <= last)
    query = query.order_by(t.entries.c.entry_date, t.entries.c.journal, t.entries.c.number, t.entries.c.id)
    return list(conn.execute(query.limit(limit).offset(offset)))


# -- periods --------------------------------------------------------------------------------------
def period_status(conn: Connection, period: Period) -> PeriodStatus:
    row = conn.execute(
        sa.select(t.periods.c.status).where(
            t.periods.c.year == period.year, t.periods.c.month == period.month
        )
    ).first()
    return PeriodStatus(row.status) if row else PeriodStatus.OPEN


def set_period_status(
    conn: Connection, period: Period, status: PeriodStatus, *, by: str | None, at: datetime
) -> None:
    stmt = (
        _insert(conn)(t.periods)
        .values(year=period.year, month=period.month, status=status.value, changed_by=by, changed_at=at)
        .on_conflict_do_update(
            index_elements=["year", "month"],
            set_={"status": status.value, "changed_by": by, "changed_at": at},
        )
    )
    conn.execute(stmt)


def list_periods(conn: Connection) -> list[Any]:
    return list(conn.execute(sa.select(t.periods).order_by(t.periods.c.year, t.periods.c.month)))


# -- rules and settings ---------------------------------------------------------------------------
def load_rules(conn: Connection) -> PostingRules:
    from genius.apps.accounting.domain.rules import parse_rule

    rules = [
        parse_rule(r.flow, r.selector, r.value, r.account, r.description)
        for r in conn.execute(sa.select(t.posting_rules))
    ]
    return PostingRules(rules, load_settings(conn))


def save_rule(conn: Connection, rule: PostingRule) -> None:
    values = {"account": rule.account, "description": rule.description}
    conn.execute(
        _insert(conn)(t.posting_rules)
        .values(flow=rule.flow.value, selector=rule.selector.value, value=rule.value, **values)
        .on_conflict_do_update(index_elements=["flow", "selector", "value"], set_=values)
    )


def delete_rule(conn: Connection, flow: str, selector: str, value: str) -> int:
    result = conn.execute(
        t.posting_rules.delete().where(
            t.posting_rules.c.flow == flow,
            t.posting_rules.c.selector == selector,
            t.posting_rules.c.value == value,
        )
    )
    return int(result.rowcount or 0)


def load_settings(conn: Connection) -> AccountingSettings:
    stored = {r.key: json.loads(r.value) for r in conn.execute(sa.select(t.settings))}
    return AccountingSettings().with_values(stored)


def save_settings(conn: Connection, values: dict[str, Any]) -> None:
    for key, value in values.items():
        encoded = json.dumps(value.value if hasattr(value, "value") else value)
        conn.execute(
            _insert(conn)(t.settings)
            .values(key=key, value=encoded)
            .on_conflict_do_update(index_elements=["key"], set_={"value": encoded})
        )
