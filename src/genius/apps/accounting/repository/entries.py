"""Journal entries and their lines: insert a draft, post it, read entries back (amounts in bani)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Connection
from sqlalchemy.exc import DBAPIError

from genius.apps.accounting import tables as t
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
from genius.kernel.errors import ValidationError

from .rows import dialect_insert, from_bani, to_bani


def next_number(conn: Connection, journal: str, year: int) -> str:
    """The next number of ``journal`` in ``year`` (``VZ-2026-000042``); gap-free per journal and year."""
    stmt = (
        dialect_insert(conn)(t.journal_sequences)
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
