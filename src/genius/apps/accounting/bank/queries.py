"""The read side of the bank part: statements, lines, candidates, reconciliations, open items."""

from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Connection

from genius.apps.accounting.bank import repository as repo
from genius.apps.accounting.bank import tables as t
from genius.apps.accounting.bank.schemas import (
    AllocationOut,
    CandidateOut,
    LineOut,
    OpenItemOut,
    ReconciliationOut,
    StatementOut,
)
from genius.kernel.errors import NotFound, ValidationError

LINE_STATUSES = (
    repo.NEW, repo.PROPOSED, repo.UNMATCHED, repo.RECONCILED, repo.FEE, repo.POSTED, repo.TRANSFER,
    repo.REOPENED,
)  # fmt: skip
MAX_PAGE = 500


def _page(limit: int, offset: int) -> None:
    if not 1 <= limit <= MAX_PAGE:
        raise ValidationError.for_field("limit", f"from 1 to {MAX_PAGE}")
    if offset < 0:
        raise ValidationError.for_field("offset", "0 or more")


def statement_out(row: Any) -> StatementOut:
    return StatementOut(**{**row._mapping, "warnings": json.loads(row.warnings or "[]")})


def line_out(row: Any) -> LineOut:
    return LineOut(**row._mapping)


def item_out(row: Any) -> OpenItemOut:
    return OpenItemOut(**row._mapping)


def statements(conn: Connection, *, account_iban: str | None, limit: int, offset: int) -> list[StatementOut]:
    _page(limit, offset)
    return [
        statement_out(r)
        for r in repo.list_statements(conn, account_iban=account_iban, limit=limit, offset=offset)
    ]


def statement(conn: Connection, statement_id: str) -> tuple[StatementOut, list[LineOut]]:
    row = repo.statement_row(conn, statement_id)
    if row is None:
        raise NotFound(f"no bank statement {statement_id!r}", code="bank_statement_not_found")
    return statement_out(row), [line_out(r) for r in repo.list_lines(conn, statement_id=statement_id)]


def lines(
    conn: Connection, *, status: str | None, statement_id: str | None, limit: int, offset: int
) -> list[LineOut]:
    _page(limit, offset)
    if status is not None and status not in LINE_STATUSES:
        raise ValidationError.for_field("status", f"{status!r}: one of {', '.join(LINE_STATUSES)}")
    rows = repo.list_lines(
        conn, statement_id=statement_id, statuses=[status] if status else None, limit=limit, offset=offset
    )
    return [line_out(r) for r in rows]


def line(conn: Connection, line_id: str) -> tuple[LineOut, list[ReconciliationOut]]:
    row = repo.line_row(conn, line_id)
    if row is None:
        raise NotFound(f"no bank line {line_id!r}", code="bank_line_not_found")
    return line_out(row), reconciliations(conn, line_id)


def reconciliations(conn: Connection, line_id: str) -> list[ReconciliationOut]:
    rows = repo.reconciliations_of(conn, line_id)
    numbers = {r.id: r.number for r in repo.open_item_rows(conn, [r.item_id for r in rows])} if rows else {}
    return [ReconciliationOut(**{**r._mapping, "number": numbers.get(r.item_id)}) for r in rows]


def candidates(conn: Connection, line_id: str) -> list[CandidateOut]:
    if repo.line_row(conn, line_id) is None:
        raise NotFound(f"no bank line {line_id!r}", code="bank_line_not_found")
    rows = repo.candidates_of(conn, line_id)
    parsed = [(r, json.loads(r.allocations)) for r in rows]
    ids = sorted({a["item_id"] for _, allocations in parsed for a in allocations})
    items = {r.id: item_out(r) for r in repo.open_item_rows(conn, ids)} if ids else {}
    return [
        CandidateOut(
            id=r.id,
            rank=r.rank,
            confidence=r.confidence,
            partner_id=r.partner_id,
            reasons=json.loads(r.reasons),
            allocations=[
                AllocationOut(item_id=a["item_id"], amount=a["amount"], invoice=items.get(a["item_id"]))
                for a in allocations
            ],
        )
        for r, allocations in parsed
    ]


def open_items(
    conn: Connection, *, kind: str | None, partner_id: str | None, limit: int, offset: int
) -> list[OpenItemOut]:
    _page(limit, offset)
    if kind is not None and kind not in ("receivable", "payable"):
        raise ValidationError.for_field("kind", "receivable or payable")
    query = (
        sa.select(t.open_items)
        .where(
            t.open_items.c.status == repo.OPEN,
            t.open_items.c.kind.in_([kind] if kind else ["receivable", "payable"]),
        )
        .order_by(t.open_items.c.due_date, t.open_items.c.number)
    )
    if partner_id:
        query = query.where(t.open_items.c.partner_id == partner_id)
    return [item_out(r) for r in conn.execute(query.limit(limit).offset(offset))]
