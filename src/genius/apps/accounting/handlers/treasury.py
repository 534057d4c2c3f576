"""The tenant's bank accounts (``acc_bank_accounts``): configure them, find a statement's treasury account.

See ``domain/treasury.py`` for the resolution order. Configuring checks the account exists in the
ledger (create an analytic such as 5121.01 first, or let ``bank_analytics`` create them).
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy import Connection

from genius.apps.accounting import repository as repo
from genius.apps.accounting import tables as t
from genius.apps.accounting.domain.accounts import analytic_account
from genius.apps.accounting.domain.treasury import (
    RON,
    BankAccount,
    bank_account,
    bank_analytic_code,
    expected_synthetic,
)
from genius.kernel.errors import NotFound, ValidationError
from genius.platform.audit import AuditTrail
from genius.platform.db.uow import UnitOfWork

from .audit import audit


def _row_to_account(row: object) -> BankAccount:
    return BankAccount(row.iban, row.currency, row.account, row.name)  # type: ignore[attr-defined]


def list_bank_accounts(conn: Connection) -> list[BankAccount]:
    rows = conn.execute(sa.select(t.bank_accounts).order_by(t.bank_accounts.c.iban)).all()
    return [_row_to_account(r) for r in rows]


def find_bank_account(conn: Connection, iban: str) -> BankAccount | None:
    row = conn.execute(sa.select(t.bank_accounts).where(t.bank_accounts.c.iban == iban)).first()
    return _row_to_account(row) if row is not None else None


def _upsert(conn: Connection, account: BankAccount) -> None:
    values = {"currency": account.currency, "account": account.account, "name": account.name}
    if conn.execute(
        t.bank_accounts.update().where(t.bank_accounts.c.iban == account.iban).values(**values)
    ).rowcount:
        return
    conn.execute(t.bank_accounts.insert().values(iban=account.iban, **values))


def save_bank_account(
    uow: UnitOfWork, iban: str, currency: str, account: str, name: str = "", trail: AuditTrail | None = None
) -> BankAccount:
    """Say which treasury account statements of ``iban`` post to (checked against the ledger)."""
    conn = uow.connection
    wanted = bank_account(iban, currency, account, name)
    problem = repo.account_checker(conn, [wanted.account])(wanted.account)
    if problem is not None:
        raise ValidationError.for_field("account", problem)
    before = find_bank_account(conn, wanted.iban)
    _upsert(conn, wanted)
    audit(
        uow,
        trail,
        "accounting.bank_account.save",
        wanted.iban,
        before=before.as_dict() if before else None,
        after=wanted.as_dict(),
        resource_type="accounting.bank_account",
    )
    return wanted


def delete_bank_account(uow: UnitOfWork, iban: str, trail: AuditTrail | None = None) -> None:
    key = (iban or "").replace(" ", "").upper()
    if not uow.connection.execute(t.bank_accounts.delete().where(t.bank_accounts.c.iban == key)).rowcount:
        raise NotFound(f"no bank account {key!r} is configured")
    audit(uow, trail, "accounting.bank_account.delete", key, resource_type="accounting.bank_account")


def treasury_account(uow: UnitOfWork, iban: str, currency: str) -> str:
    """The ledger account a statement of ``iban`` in ``currency`` posts to (5121 / 5124 by default)."""
    conn = uow.connection
    currency = currency.upper()
    known = find_bank_account(conn, iban)
    if known is not None:
        if known.currency != currency:
            raise ValidationError.for_field(
                "currency",
                f"bank account {iban} is configured in {known.currency} ({known.account}); "
                f"this statement is in {currency}",
            )
        return known.account
    settings = repo.load_settings(conn)
    synthetic = settings.bank_ron_account if currency == RON else settings.bank_currency_account
    if not settings.bank_analytics:
        return synthetic
    parent = synthetic.split(".", 1)[0]
    if parent != expected_synthetic(currency):
        raise ValidationError.for_field(
            "bank_analytics", f"analytics per IBAN go below {expected_synthetic(currency)}, not {synthetic}"
        )
    code = bank_analytic_code(parent, repo.next_analytic_number(conn, parent))
    repo.insert_account(conn, analytic_account(code, f"Cont bancar {iban} ({currency})"))
    _upsert(conn, BankAccount(iban, currency, code, f"{iban} {currency}"))
    return code
