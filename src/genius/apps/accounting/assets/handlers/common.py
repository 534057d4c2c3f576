"""What the register's handlers share: the source document of an asset's postings, account checks."""

from __future__ import annotations

from collections.abc import Iterable

from genius.apps.accounting import repository as acc_repo
from genius.apps.accounting.domain.entries import SourceDocument
from genius.kernel.errors import FieldProblem, ValidationError
from genius.platform.db.uow import UnitOfWork

SOURCE_TYPE = "fixed_asset"
DEPRECIATION_EXPENSE = "6811"  # Cheltuieli de exploatare privind amortizarea imobilizărilor
DISPOSAL_EXPENSE = "6583"  # Cheltuieli privind activele cedate și alte operațiuni de capital
DISPOSAL_REVENUE = "7583"  # Venituri din vânzarea activelor și alte operațiuni de capital


def source(asset_id: str, inventory_no: str, role: str) -> SourceDocument:
    """Each posting of an asset: ``acquisition``, ``depreciation YYYY-MM``, ``disposal``, ``proceeds``."""
    return SourceDocument(SOURCE_TYPE, asset_id, inventory_no, role=role)


def check_accounts(uow: UnitOfWork, fields: Iterable[tuple[str, str]]) -> None:
    """Refuse, naming each field, accounts the ledger does not know or does not let one post to."""
    pairs = [(path, code) for path, code in fields if code]
    check = acc_repo.account_checker(uow.connection, (code for _, code in pairs))
    problems = [
        FieldProblem(path, "unknown_account", f"{code}: {message}")
        for path, code in pairs
        if (message := check(code)) is not None
    ]
    if problems:
        raise ValidationError("; ".join(f"{p.field}: {p.message}" for p in problems), problems=problems)
