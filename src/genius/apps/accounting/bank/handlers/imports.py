"""Import a statement file: parse, store each statement and its new lines once, report duplicates.

A line already imported (same bank account and dedup key, see ``domain.dedup``) is counted as a
duplicate and skipped; a statement imported again (same account, reference, closing date and
balance) is not stored twice. The opening balance is compared with the closing balance of the
account's previous statement: a difference is a warning (a statement is missing, or one was
imported from another account), never a refusal, since the file itself adds up.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from decimal import Decimal

from genius.apps.accounting.bank import repository as repo
from genius.apps.accounting.bank.domain.dedup import line_keys
from genius.apps.accounting.bank.events import BankStatementImported
from genius.fiscal.ro.bankstatements import BankStatement, StatementFormat, parse_statement_file
from genius.kernel.clock import utcnow
from genius.kernel.ids import new_id
from genius.platform.db.uow import UnitOfWork


@dataclass(frozen=True)
class ImportedStatement:
    id: str
    account_iban: str
    currency: str
    statement_ref: str
    bank: str | None
    opening_balance: Decimal
    closing_balance: Decimal
    closing_date: str
    lines: int
    new_lines: int
    duplicate_lines: int
    already_imported: bool
    warnings: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        return {
            "id": self.id,
            "account_iban": self.account_iban,
            "currency": self.currency,
            "statement_ref": self.statement_ref,
            "bank": self.bank,
            "opening_balance": str(self.opening_balance),
            "closing_balance": str(self.closing_balance),
            "closing_date": self.closing_date,
            "lines": self.lines,
            "new_lines": self.new_lines,
            "duplicate_lines": self.duplicate_lines,
            "already_imported": self.already_imported,
            "warnings": self.warnings,
        }


@dataclass(frozen=True)
class ImportResult:
    format: StatementFormat
    file_sha256: str
    statements: list[ImportedStatement]

    @property
    def new_lines(self) -> int:
        return sum(s.new_lines for s in self.statements)

    @property
    def duplicate_lines(self) -> int:
        return sum(s.duplicate_lines for s in self.statements)


def import_statement_file(
    uow: UnitOfWork,
    data: bytes,
    *,
    file_name: str | None = None,
    format: str | None = None,
    imported_by: str | None = None,
) -> ImportResult:
    """Parse ``data`` (refused with a message naming line and field) and store what is new."""
    parsed = parse_statement_file(data, format)
    sha = hashlib.sha256(data).hexdigest()
    stored = [_store(uow, st, parsed.format, sha, file_name, imported_by) for st in parsed.statements]
    return ImportResult(parsed.format, sha, stored)


def _store(
    uow: UnitOfWork,
    st: BankStatement,
    fmt: StatementFormat,
    sha: str,
    file_name: str | None,
    imported_by: str | None,
) -> ImportedStatement:
    conn = uow.connection
    now = utcnow()
    keys = line_keys(st.account_iban, st.lines)
    seen = repo.existing_keys(conn, st.account_iban, keys)
    same = repo.find_statement(
        conn, st.account_iban, st.statement_id, st.closing.date, str(st.closing.amount)
    )
    statement_id = same.id if same is not None else new_id()
    warnings = _continuity(conn, st, exclude=statement_id)
    fresh = []
    in_file: set[str] = set()
    for position, (line, key) in enumerate(zip(st.lines, keys, strict=True), start=1):
        if key in seen or key in in_file:
            continue
        in_file.add(key)
        fresh.append(
            {
                "id": new_id(),
                "statement_id": statement_id,
                "account_iban": st.account_iban,
                "dedup_key": key,
                "position": position,
                "booking_date": line.booking_date,
                "value_date": line.value_date,
                "amount": str(line.amount),
                "currency": line.currency,
                "counterparty_name": (line.counterparty_name or None) and line.counterparty_name[:140],
                "counterparty_iban": line.counterparty_iban,
                "counterparty_cui": line.counterparty_cui,
                "remittance": line.remittance_info,
                "details": line.details,
                "bank_reference": line.bank_reference and line.bank_reference[:35],
                "end_to_end_id": line.end_to_end_id and line.end_to_end_id[:35],
                "customer_reference": line.customer_reference and line.customer_reference[:35],
                "transaction_code": line.transaction_code and line.transaction_code[:40],
                "reversal": line.reversal,
                "status": repo.NEW,
                "applied_amount": "0",
            }
        )
    duplicates = len(st.lines) - len(fresh)
    if same is None:
        repo.insert_statement(
            conn,
            id=statement_id,
            account_iban=st.account_iban,
            currency=st.currency,
            format=fmt.value,
            bank=st.bank,
            statement_ref=st.statement_id[:35],
            sequence=st.sequence and st.sequence[:35],
            opening_balance=str(st.opening.amount),
            opening_date=st.opening.date,
            closing_balance=str(st.closing.amount),
            closing_date=st.closing.date,
            file_name=(file_name or "")[:255] or None,
            file_sha256=sha,
            line_count=len(st.lines),
            new_lines=len(fresh),
            duplicate_lines=duplicates,
            warnings=warnings,
            imported_at=now,
            imported_by=imported_by,
        )
    else:
        repo.add_import_counts(conn, statement_id, len(fresh), duplicates, warnings)
    repo.insert_lines(conn, fresh)
    if same is None or fresh:
        uow.publish(
            BankStatementImported(
                statement_id=statement_id,
                account_iban=st.account_iban,
                currency=st.currency,
                statement_ref=st.statement_id,
                closing_date=st.closing.date,
                closing_balance=st.closing.amount,
                new_lines=len(fresh),
                duplicate_lines=duplicates,
            ),
            subject=statement_id,
        )
    return ImportedStatement(
        id=statement_id,
        account_iban=st.account_iban,
        currency=st.currency,
        statement_ref=st.statement_id,
        bank=st.bank,
        opening_balance=st.opening.amount,
        closing_balance=st.closing.amount,
        closing_date=st.closing.date.isoformat(),
        lines=len(st.lines),
        new_lines=len(fresh),
        duplicate_lines=duplicates,
        already_imported=same is not None,
        warnings=warnings,
    )


def _continuity(conn, st: BankStatement, exclude: str) -> list[str]:  # type: ignore[no-untyped-def]
    previous = repo.previous_statement(conn, st.account_iban, st.opening.date, exclude)
    if previous is None:
        return []
    warnings = []
    closing = repo.dec(previous.closing_balance)
    if closing != st.opening.amount:
        warnings.append(
            f"opening balance {st.opening.amount} on {st.opening.date} differs from the closing balance "
            f"{closing} of statement {previous.statement_ref} on {previous.closing_date}: a statement may be "
            "missing between them"
        )
    if previous.currency != st.currency:
        warnings.append(
            f"the account's previous statement is in {previous.currency}, this one in {st.currency}"
        )
    return warnings
