"""Ledger accounts and the ledger's partners: reads and writes on the caller's connection."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Connection

from genius.apps.accounting import tables as t
from genius.apps.accounting.domain.accounts import AccountGrade, LedgerAccount, posting_problem
from genius.kernel.errors import Conflict

from .rows import dialect_insert


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
        dialect_insert(conn)(t.analytic_sequences)
        .values(synthetic=synthetic, last_number=1)
        .on_conflict_do_update(
            index_elements=["synthetic"], set_={"last_number": t.analytic_sequences.c.last_number + 1}
        )
        .returning(t.analytic_sequences.c.last_number)
    )
    return int(conn.execute(stmt).scalar_one())


def upsert_partner(conn: Connection, partner_id: str, **values: Any) -> None:
    values = {k: v for k, v in values.items() if v is not None}
    found = conn.execute(sa.select(t.partners.c.id).where(t.partners.c.id == partner_id)).first()
    if found is None:
        conn.execute(t.partners.insert().values(id=partner_id, name=values.pop("name", partner_id), **values))
    elif values:
        conn.execute(t.partners.update().where(t.partners.c.id == partner_id).values(**values))


def partner_row(conn: Connection, partner_id: str) -> Any:
    return conn.execute(sa.select(t.partners).where(t.partners.c.id == partner_id)).first()
