"""Demo bank statement files: CAMT.053.001.02 as Romanian banks deliver it (one ``Stmt`` per day).

The files are what ``genius.fiscal.ro.bankstatements`` parses (ING/BT/BCR send camt.053.001.02):
opening balance OPBD, closing balance CLBD, one booked ``Ntry`` per movement with the bank's
reference (``AcctSvcrRef``), the counterparty (``Dbtr``/``Cdtr`` with name, IBAN and, when the
bank knows it, the CUI under ``Id/OrgId/Othr``) and the payer's free text (``RmtInf/Ustrd``).
Bank charges carry the ISO bank transaction code ``ACMT-MDOP-CHRG``.

Pure: the lines and balances come in, bytes go out; demo IBANs are made with valid check digits.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Final

from lxml import etree

CAMT_NAMESPACE: Final = "urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"
CENT: Final = Decimal("0.01")
# ISO 20022 bank transaction codes (domain, family, sub-family).
CREDIT_TRANSFER_IN: Final = ("PMNT", "RCDT", "ESCT")
CREDIT_TRANSFER_OUT: Final = ("PMNT", "ICDT", "ESCT")
BANK_CHARGE: Final = ("ACMT", "MDOP", "CHRG")
INTEREST: Final = ("ACMT", "MDOP", "INTR")


@dataclass(frozen=True)
class BankLine:
    """One movement of the account: ``amount`` signed (credits, money in, positive)."""

    booking_date: date
    amount: Decimal
    reference: str
    remittance: str
    counterparty_name: str | None = None
    counterparty_iban: str | None = None
    counterparty_cui: str | None = None
    end_to_end_id: str | None = None
    code: tuple[str, str, str] | None = None
    account: str | None = None  # not in the file: the counter-account the demo's accountant posts it to


@dataclass(frozen=True)
class DailyStatement:
    """One day's statement of the account: its lines and the balance before them."""

    statement_id: str
    sequence: int
    day: date
    opening: Decimal
    lines: tuple[BankLine, ...]

    @property
    def closing(self) -> Decimal:
        return self.opening + sum((line.amount for line in self.lines), Decimal(0))


def iban(bank_code: str, seed_text: str) -> str:
    """A Romanian IBAN with valid check digits for ``bank_code`` (RNCB, BTRL, ...), derived from
    ``seed_text`` so that one partner always gets the same account."""
    if len(bank_code) != 4 or not bank_code.isalpha():
        raise ValueError(f"bank code {bank_code!r}: four letters (RNCB, BTRL, INGB, ...)")
    digest = hashlib.sha256(seed_text.encode("utf-8")).hexdigest()
    account = str(int(digest[:24], 16))[-16:].rjust(16, "0")
    bban = bank_code.upper() + account
    numeric = "".join(str(int(ch, 36)) for ch in bban + "RO00")
    check = 98 - int(numeric) % 97
    return f"RO{check:02d}{bban}"


def daily_statements(
    lines: Sequence[BankLine], *, opening: Decimal, prefix: str, first_sequence: int
) -> list[DailyStatement]:
    """Group ``lines`` by booking day (in order) into statements carrying the running balance."""
    days: dict[date, list[BankLine]] = {}
    for line in sorted(lines, key=lambda item: (item.booking_date, item.reference)):
        days.setdefault(line.booking_date, []).append(line)
    out: list[DailyStatement] = []
    balance = opening
    for number, (day, members) in enumerate(days.items(), start=first_sequence):
        statement = DailyStatement(f"{prefix}-{day:%Y%m%d}", number, day, balance, tuple(members))
        out.append(statement)
        balance = statement.closing
    return out


def write_camt053(
    account_iban: str, currency: str, statements: Sequence[DailyStatement], *, message_id: str
) -> bytes:
    """The statements as one camt.053.001.02 document (UTF-8, with XML declaration)."""
    if not statements:
        raise ValueError("a statement file needs at least one statement")
    ns = f"{{{CAMT_NAMESPACE}}}"
    root = etree.Element(f"{ns}Document", nsmap={None: CAMT_NAMESPACE})
    report = _sub(root, "BkToCstmrStmt")
    header = _sub(report, "GrpHdr")
    _sub(header, "MsgId", message_id)
    _sub(header, "CreDtTm", f"{statements[-1].day.isoformat()}T23:30:00")
    for statement in statements:
        _statement(report, account_iban, currency, statement)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _sub(parent: etree._Element, tag: str, text: str | None = None, **attrs: str) -> etree._Element:
    element = etree.SubElement(parent, f"{{{CAMT_NAMESPACE}}}{tag}", **attrs)
    if text is not None:
        element.text = text
    return element


def _money(value: Decimal) -> str:
    return str(abs(value).quantize(CENT))


def _statement(report: etree._Element, account_iban: str, currency: str, st: DailyStatement) -> None:
    node = _sub(report, "Stmt")
    _sub(node, "Id", st.statement_id)
    _sub(node, "ElctrncSeqNb", str(st.sequence))
    _sub(node, "CreDtTm", f"{st.day.isoformat()}T23:00:00")
    account = _sub(node, "Acct")
    _sub(_sub(account, "Id"), "IBAN", account_iban)
    _sub(account, "Ccy", currency)
    for code, amount in (("OPBD", st.opening), ("CLBD", st.closing)):
        balance = _sub(node, "Bal")
        _sub(_sub(_sub(balance, "Tp"), "CdOrPrtry"), "Cd", code)
        _sub(balance, "Amt", _money(amount), Ccy=currency)
        _sub(balance, "CdtDbtInd", "CRDT" if amount >= 0 else "DBIT")
        _sub(_sub(balance, "Dt"), "Dt", st.day.isoformat())
    for line in st.lines:
        _entry(node, currency, line)


def _entry(statement: etree._Element, currency: str, line: BankLine) -> None:
    credit = line.amount > 0
    entry = _sub(statement, "Ntry")
    _sub(entry, "Amt", _money(line.amount), Ccy=currency)
    _sub(entry, "CdtDbtInd", "CRDT" if credit else "DBIT")
    _sub(entry, "Sts", "BOOK")
    _sub(_sub(entry, "BookgDt"), "Dt", line.booking_date.isoformat())
    _sub(_sub(entry, "ValDt"), "Dt", line.booking_date.isoformat())
    _sub(entry, "AcctSvcrRef", line.reference)
    code = line.code or (CREDIT_TRANSFER_IN if credit else CREDIT_TRANSFER_OUT)
    domain = _sub(_sub(entry, "BkTxCd"), "Domn")
    _sub(domain, "Cd", code[0])
    family = _sub(domain, "Fmly")
    _sub(family, "Cd", code[1])
    _sub(family, "SubFmlyCd", code[2])
    tx = _sub(_sub(entry, "NtryDtls"), "TxDtls")
    _sub(_sub(tx, "Refs"), "EndToEndId", line.end_to_end_id or "NOTPROVIDED")
    if line.counterparty_name or line.counterparty_iban:
        role = "Dbtr" if credit else "Cdtr"
        parties = _sub(tx, "RltdPties")
        party = _sub(parties, role)
        if line.counterparty_name:
            _sub(party, "Nm", line.counterparty_name[:70])
        if line.counterparty_cui:
            _sub(_sub(_sub(_sub(party, "Id"), "OrgId"), "Othr"), "Id", line.counterparty_cui)
        if line.counterparty_iban:
            _sub(_sub(_sub(parties, f"{role}Acct"), "Id"), "IBAN", line.counterparty_iban)
    if line.remittance:
        _sub(_sub(tx, "RmtInf"), "Ustrd", line.remittance[:140])


__all__ = ["BankLine", "DailyStatement", "daily_statements", "iban", "write_camt053"]
