"""SQL of the bank tables: rows in, typed values out. No rules here (they live in domain/ and handlers/)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Connection
from sqlalchemy.dialects import postgresql, sqlite

from genius.apps.accounting.bank import tables as t
from genius.apps.accounting.bank.domain.model import Candidate, ItemKind, LineFacts, OpenItem

# Line statuses (posted: a person posted the line straight to an account, handlers.direct;
# transfer: a move between the tenant's own accounts, posted through 581, handlers.transfers;
# reopened: a person cancelled what the line was, handlers.cancel, and decides it again).
NEW, PROPOSED, UNMATCHED, RECONCILED, FEE = "new", "proposed", "unmatched", "reconciled", "fee"
POSTED, TRANSFER, REOPENED = "posted", "transfer", "reopened"
MATCHABLE = (NEW, PROPOSED, UNMATCHED, REOPENED)  # a person may confirm, post or propose these
AUTO_MATCHABLE = (NEW, PROPOSED, UNMATCHED)  # the match run's: never a line a person reopened
CANCELLABLE = (RECONCILED, FEE, POSTED, TRANSFER)
# Open-item statuses (credit notes: pending until their invoice is known, then applied).
OPEN, SETTLED, CANCELLED, PENDING, APPLIED = "open", "settled", "cancelled", "pending", "applied"


def _insert(conn: Connection):  # type: ignore[no-untyped-def]
    return postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert


def dec(value: str | None) -> Decimal:
    return Decimal(value) if value not in (None, "") else Decimal(0)


# -- statements and lines ----------------------------------------------------------------------
def existing_keys(conn: Connection, account_iban: str, keys: Sequence[str]) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(keys), 500):  # bounded IN lists
        chunk = keys[start : start + 500]
        found.update(
            conn.execute(
                sa.select(t.lines.c.dedup_key).where(
                    t.lines.c.account_iban == account_iban, t.lines.c.dedup_key.in_(chunk)
                )
            ).scalars()
        )
    return found


def find_statement(conn: Connection, account_iban: str, ref: str, closing_date: date, closing: str) -> Any:
    return conn.execute(
        sa.select(t.statements).where(
            t.statements.c.account_iban == account_iban,
            t.statements.c.statement_ref == ref,
            t.statements.c.closing_date == closing_date,
            t.statements.c.closing_balance == closing,
        )
    ).first()


def previous_statement(conn: Connection, account_iban: str, before: date, exclude: str | None) -> Any:
    """The account's latest statement closing on or before ``before`` (continuity check)."""
    query = (
        sa.select(t.statements)
        .where(t.statements.c.account_iban == account_iban, t.statements.c.closing_date <= before)
        .order_by(t.statements.c.closing_date.desc(), t.statements.c.imported_at.desc())
        .limit(1)
    )
    if exclude is not None:
        query = query.where(t.statements.c.id != exclude)
    return conn.execute(query).first()


def insert_statement(conn: Connection, **values: Any) -> None:
    values["warnings"] = json.dumps(values.get("warnings", []), ensure_ascii=False)
    conn.execute(t.statements.insert().values(**values))


def add_import_counts(
    conn: Connection, statement_id: str, new: int, duplicates: int, warnings: list[str]
) -> None:
    conn.execute(
        t.statements.update()
        .where(t.statements.c.id == statement_id)
        .values(
            new_lines=t.statements.c.new_lines + new,
            duplicate_lines=duplicates,
            warnings=json.dumps(warnings, ensure_ascii=False),
        )
    )


def insert_lines(conn: Connection, rows: list[dict[str, Any]]) -> None:
    if rows:
        conn.execute(t.lines.insert(), rows)


def statement_row(conn: Connection, statement_id: str) -> Any:
    return conn.execute(sa.select(t.statements).where(t.statements.c.id == statement_id)).first()


def list_statements(conn: Connection, *, account_iban: str | None, limit: int, offset: int) -> list[Any]:
    query = sa.select(t.statements).order_by(
        t.statements.c.closing_date.desc(), t.statements.c.imported_at.desc()
    )
    if account_iban:
        query = query.where(t.statements.c.account_iban == account_iban)
    return list(conn.execute(query.limit(limit).offset(offset)))


def line_row(conn: Connection, line_id: str, *, for_update: bool = False) -> Any:
    query = sa.select(t.lines).where(t.lines.c.id == line_id)
    if for_update and conn.dialect.name == "postgresql":
        query = query.with_for_update()
    return conn.execute(query).first()


def list_lines(
    conn: Connection,
    *,
    statement_id: str | None = None,
    statuses: Iterable[str] | None = None,
    line_ids: Sequence[str] = (),
    limit: int | None = None,
    offset: int = 0,
) -> list[Any]:
    query = sa.select(t.lines).order_by(t.lines.c.booking_date, t.lines.c.statement_id, t.lines.c.position)
    if statement_id:
        query = query.where(t.lines.c.statement_id == statement_id)
    if statuses is not None:
        query = query.where(t.lines.c.status.in_(list(statuses)))
    if line_ids:
        query = query.where(t.lines.c.id.in_(list(line_ids)))
    if limit is not None:
        query = query.limit(limit).offset(offset)
    return list(conn.execute(query))


def set_line_status(conn: Connection, line_id: str, status: str, **values: Any) -> None:
    conn.execute(t.lines.update().where(t.lines.c.id == line_id).values(status=status, **values))


def facts(row: Any) -> LineFacts:
    return LineFacts(
        id=row.id,
        amount=dec(row.amount)
        - (dec(row.applied_amount) if dec(row.amount) > 0 else -dec(row.applied_amount)),
        currency=row.currency,
        booking_date=row.booking_date,
        counterparty_name=row.counterparty_name,
        counterparty_iban=row.counterparty_iban,
        counterparty_cui=row.counterparty_cui,
        remittance=row.remittance or "",
        end_to_end_id=row.end_to_end_id,
    )


# -- candidates and reconciliations ------------------------------------------------------------
def replace_candidates(
    conn: Connection, line_id: str, found: Sequence[Candidate], now: datetime, ids: Iterable[str]
) -> None:
    conn.execute(t.candidates.delete().where(t.candidates.c.line_id == line_id))
    rows = [
        {
            "id": candidate_id,
            "line_id": line_id,
            "rank": rank,
            "confidence": c.confidence,
            "allocations": json.dumps(
                [{"item_id": a.item_id, "amount": str(a.amount)} for a in c.allocations]
            ),
            "reasons": json.dumps(list(c.reasons), ensure_ascii=False),
            "partner_id": c.partner_id,
            "created_at": now,
        }
        for rank, (c, candidate_id) in enumerate(zip(found, ids, strict=False), start=1)
    ]
    if rows:
        conn.execute(t.candidates.insert(), rows)


def candidates_of(conn: Connection, line_id: str) -> list[Any]:
    return list(
        conn.execute(
            sa.select(t.candidates).where(t.candidates.c.line_id == line_id).order_by(t.candidates.c.rank)
        )
    )


def clear_candidates(conn: Connection, line_id: str) -> None:
    conn.execute(t.candidates.delete().where(t.candidates.c.line_id == line_id))


def insert_reconciliations(conn: Connection, rows: list[dict[str, Any]]) -> None:
    conn.execute(t.reconciliations.insert(), rows)


def cleared_of(conn: Connection, item_id: str) -> tuple[Decimal, Decimal]:
    """What earlier reconciliations cleared of an item: (currency amount, lei booked value)."""
    rows = conn.execute(
        sa.select(t.reconciliations.c.amount, t.reconciliations.c.booked_amount).where(
            t.reconciliations.c.item_id == item_id
        )
    ).all()
    amount = sum((dec(r.amount) for r in rows), Decimal(0))
    return amount, sum((dec(r.booked_amount) for r in rows), Decimal(0))


def forget_iban(conn: Connection, iban: str, partner_id: str) -> bool:
    """Forget that ``iban`` is ``partner_id``'s when reconciliations taught it and none left does
    (a cancelled wrong match must not keep steering the matcher); True when forgotten."""
    row = conn.execute(sa.select(t.partner_ibans).where(t.partner_ibans.c.iban == iban)).first()
    if row is None or row.partner_id != partner_id or row.source != "reconciliation":
        return False
    r, ln, item = t.reconciliations.c, t.lines.c, t.open_items.c
    still = conn.execute(
        sa.select(r.id)
        .select_from(
            t.reconciliations.join(t.lines, ln.id == r.line_id).join(t.open_items, item.id == r.item_id)
        )
        .where(ln.counterparty_iban == iban, item.partner_id == partner_id)
        .limit(1)
    ).first()
    if still is not None:
        return False
    conn.execute(t.partner_ibans.delete().where(t.partner_ibans.c.iban == iban))
    return True


def delete_reconciliations(conn: Connection, line_id: str) -> None:
    conn.execute(t.reconciliations.delete().where(t.reconciliations.c.line_id == line_id))


def reconciliations_of(conn: Connection, line_id: str) -> list[Any]:
    return list(
        conn.execute(
            sa.select(t.reconciliations)
            .where(t.reconciliations.c.line_id == line_id)
            .order_by(t.reconciliations.c.created_at)
        )
    )


# -- the open-items read model -----------------------------------------------------------------
def open_item_rows(
    conn: Connection, ids: Sequence[str] | None = None, *, for_update: bool = False
) -> list[Any]:
    query = sa.select(t.open_items).where(
        t.open_items.c.kind.in_([ItemKind.RECEIVABLE.value, ItemKind.PAYABLE.value])
    )
    if ids is not None:
        query = query.where(t.open_items.c.id.in_(list(ids)))
    else:
        query = query.where(t.open_items.c.status == OPEN)
    if for_update and conn.dialect.name == "postgresql":
        query = query.with_for_update()
    return list(conn.execute(query))


def open_items(conn: Connection) -> list[OpenItem]:
    """Every open receivable and payable, with the partner's CUI and known IBANs."""
    rows = open_item_rows(conn)
    ibans: dict[str, set[str]] = {}
    for row in conn.execute(sa.select(t.partner_ibans)):
        ibans.setdefault(row.partner_id, set()).add(row.iban)
    cuis = {r.partner_id: r.cui for r in conn.execute(sa.select(t.partners.c.partner_id, t.partners.c.cui))}
    out = []
    for row in rows:
        known = set(ibans.get(row.partner_id or "", ()))
        if row.partner_iban:
            known.add(row.partner_iban)
        out.append(
            OpenItem(
                id=row.id,
                kind=ItemKind(row.kind),
                number=row.number,
                currency=row.currency,
                total=dec(row.total),
                open_amount=dec(row.open_amount),
                issue_date=row.issue_date,
                partner_id=row.partner_id,
                partner_name=row.partner_name,
                partner_cui=row.partner_cui or cuis.get(row.partner_id or ""),
                partner_ibans=frozenset(known),
                due_date=row.due_date,
            )
        )
    return out


def open_item_row(conn: Connection, item_id: str) -> Any:
    return conn.execute(sa.select(t.open_items).where(t.open_items.c.id == item_id)).first()


def upsert_open_item(conn: Connection, values: dict[str, Any]) -> None:
    stmt = _insert(conn)(t.open_items).values(**values)
    keep = {k: stmt.excluded[k] for k in values if k not in ("id", "open_amount", "status")}
    conn.execute(stmt.on_conflict_do_update(index_elements=["id"], set_=keep))


def update_open_item(conn: Connection, item_id: str, **values: Any) -> None:
    conn.execute(t.open_items.update().where(t.open_items.c.id == item_id).values(**values))


def pending_reductions(conn: Connection, invoice_id: str) -> list[Any]:
    """Credit notes and cash settlements of ``invoice_id`` recorded before the invoice itself."""
    return list(
        conn.execute(
            sa.select(t.open_items).where(
                t.open_items.c.corrects_id == invoice_id, t.open_items.c.status == PENDING
            )
        )
    )


def upsert_partner(conn: Connection, partner_id: str, name: str, cui: str | None, now: datetime) -> None:
    stmt = _insert(conn)(t.partners).values(partner_id=partner_id, name=name, cui=cui, updated_at=now)
    conn.execute(
        stmt.on_conflict_do_update(
            index_elements=["partner_id"], set_={"name": name, "cui": cui, "updated_at": now}
        )
    )
    conn.execute(
        t.open_items.update()
        .where(t.open_items.c.partner_id == partner_id, t.open_items.c.status.in_([OPEN, PENDING]))
        .values(partner_name=name, partner_cui=cui)
    )


def partner_cui(conn: Connection, partner_id: str | None) -> str | None:
    if not partner_id:
        return None
    return conn.execute(sa.select(t.partners.c.cui).where(t.partners.c.partner_id == partner_id)).scalar()


def learn_iban(conn: Connection, iban: str, partner_id: str, source: str, now: datetime) -> None:
    """Remember whose account an IBAN is; the latest confirmation wins."""
    stmt = _insert(conn)(t.partner_ibans).values(
        iban=iban, partner_id=partner_id, source=source, learned_at=now
    )
    conn.execute(
        stmt.on_conflict_do_update(
            index_elements=["iban"], set_={"partner_id": partner_id, "source": source, "learned_at": now}
        )
    )
