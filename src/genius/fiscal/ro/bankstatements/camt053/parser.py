"""CAMT.053 (ISO 20022 BankToCustomerStatement, versions 001.02 to 001.08) -> BankStatements.

Element names are the same across the versions this reads, with three differences handled here:
the entry status is text up to 001.06 (``<Sts>BOOK</Sts>``) and a code from 001.07 on
(``<Sts><Cd>BOOK</Cd></Sts>``); a party's name is ``Dbtr/Nm`` up to 001.07 and ``Dbtr/Pty/Nm``
in 001.08; a transaction's own amount is ``TxDtls/Amt`` from 001.03 on (``AmtDtls/TxAmt/Amt``
before). Only booked entries are lines. An entry with several transactions of their own amounts
(a batch booking) becomes one line per transaction, since each may settle another invoice.
Counterparty: the debtor of a credit, the creditor of a debit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Final

from lxml import etree

from genius.fiscal.ro.bankstatements.balances import check_balanced
from genius.fiscal.ro.bankstatements.camt053.loader import load_xml
from genius.fiscal.ro.bankstatements.errors import MalformedStatement, UnknownStatementFormat
from genius.fiscal.ro.bankstatements.identifiers import bank_of, find_cui, valid_cui, valid_iban
from genius.fiscal.ro.bankstatements.model import Balance, BankStatement, StatementFormat, StatementLine

NAMESPACE_PREFIX: Final = "urn:iso:std:iso:20022:tech:xsd:camt.053.001."
SUPPORTED_VERSIONS: Final = ("02", "03", "04", "05", "06", "07", "08")
_AMOUNT_RE: Final = re.compile(r"^\d{1,18}(\.\d{1,5})?$")
_OPENING_CODES: Final = ("OPBD", "PRCD")
_CLOSING_CODES: Final = ("CLBD",)


@dataclass(frozen=True)
class _Ctx:
    ns: str

    def q(self, path: str) -> str:
        """``Stmt/Bal`` -> ``{ns}Stmt/{ns}Bal``."""
        return "/".join(f"{{{self.ns}}}{part}" for part in path.split("/"))

    def find(self, el: etree._Element, path: str) -> etree._Element | None:
        return el.find(self.q(path))

    def all(self, el: etree._Element, path: str) -> list[etree._Element]:
        return el.findall(self.q(path))

    def text(self, el: etree._Element, path: str) -> str | None:
        found = el.find(self.q(path))
        if found is None or found.text is None:
            return None
        value = " ".join(found.text.split())
        return value or None


def camt_version(root: etree._Element) -> str | None:
    """``05`` for a camt.053.001.05 document, None for any other XML."""
    namespace = etree.QName(root).namespace or ""
    if namespace.startswith(NAMESPACE_PREFIX):
        return namespace[len(NAMESPACE_PREFIX) :]
    return None


def parse_camt053(data: bytes) -> list[BankStatement]:
    root = load_xml(data)
    qname = etree.QName(root)
    version = camt_version(root)
    if qname.localname != "Document" or version is None:
        raise UnknownStatementFormat(
            f"the root element is <{qname.localname}> in namespace '{qname.namespace or ''}'; a CAMT.053 "
            f'statement is <Document xmlns="{NAMESPACE_PREFIX}NN">'
        )
    if version not in SUPPORTED_VERSIONS:
        raise UnknownStatementFormat(
            f"camt.053.001.{version} is not supported; supported: "
            + ", ".join(f"001.{v}" for v in SUPPORTED_VERSIONS)
        )
    ctx = _Ctx(qname.namespace or "")
    body = ctx.find(root, "BkToCstmrStmt")
    if body is None:
        raise MalformedStatement(
            "no BkToCstmrStmt element", field="Document/BkToCstmrStmt", line=root.sourceline
        )
    statements = ctx.all(body, "Stmt")
    if not statements:
        raise MalformedStatement(
            "the document holds no statement", field="BkToCstmrStmt/Stmt", line=body.sourceline
        )
    return [_statement(ctx, stmt, f"Stmt[{i}]") for i, stmt in enumerate(statements, start=1)]


def _required(ctx: _Ctx, el: etree._Element, path: str, where: str) -> str:
    value = ctx.text(el, path)
    if value is None:
        raise MalformedStatement(f"{path} is required", field=f"{where}/{path}", line=el.sourceline)
    return value


def _amount(ctx: _Ctx, el: etree._Element, path: str, where: str) -> tuple[Decimal, str]:
    found = ctx.find(el, path)
    if found is None or not (found.text or "").strip():
        raise MalformedStatement(f"{path} is required", field=f"{where}/{path}", line=el.sourceline)
    text = found.text.strip()  # type: ignore[union-attr]
    if not _AMOUNT_RE.fullmatch(text):
        raise MalformedStatement(
            f"amount {text!r} is not a decimal like 1234.56", field=f"{where}/{path}", line=found.sourceline
        )
    currency = found.get("Ccy", "")
    if not re.fullmatch(r"[A-Z]{3}", currency):
        raise MalformedStatement(
            f"the Ccy attribute {currency!r} is not an ISO 4217 code",
            field=f"{where}/{path}/@Ccy",
            line=found.sourceline,
        )
    return Decimal(text), currency


def _sign(ctx: _Ctx, el: etree._Element, amount: Decimal, where: str) -> Decimal:
    indicator = ctx.text(el, "CdtDbtInd")
    if indicator not in ("CRDT", "DBIT"):
        raise MalformedStatement(
            f"CdtDbtInd {indicator!r} is neither CRDT nor DBIT",
            field=f"{where}/CdtDbtInd",
            line=el.sourceline,
        )
    return amount if indicator == "CRDT" else -amount


def _date(ctx: _Ctx, el: etree._Element, path: str, where: str) -> date | None:
    holder = ctx.find(el, path)
    if holder is None:
        return None
    text = ctx.text(holder, "Dt") or ctx.text(holder, "DtTm")
    if text is None:
        raise MalformedStatement(
            f"{path} has neither Dt nor DtTm", field=f"{where}/{path}", line=holder.sourceline
        )
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        raise MalformedStatement(
            f"{text!r} is not an ISO date", field=f"{where}/{path}", line=holder.sourceline
        ) from None


def _statement(ctx: _Ctx, stmt: etree._Element, where: str) -> BankStatement:
    statement_id = _required(ctx, stmt, "Id", where)
    account = ctx.find(stmt, "Acct")
    if account is None:
        raise MalformedStatement("Acct is required", field=f"{where}/Acct", line=stmt.sourceline)
    raw_iban = ctx.text(account, "Id/IBAN")
    iban = valid_iban(raw_iban)
    if iban is None:
        shown = raw_iban or ctx.text(account, "Id/Othr/Id") or ""
        raise MalformedStatement(
            f"account {shown!r} is not a valid IBAN; Genius identifies bank accounts by IBAN",
            field=f"{where}/Acct/Id/IBAN",
            line=account.sourceline,
        )
    opening = closing = None
    for index, bal in enumerate(ctx.all(stmt, "Bal"), start=1):
        here = f"{where}/Bal[{index}]"
        code = ctx.text(bal, "Tp/CdOrPrtry/Cd") or ctx.text(bal, "Tp/CdOrPrtry/Prtry")
        amount, currency = _amount(ctx, bal, "Amt", here)
        when = _date(ctx, bal, "Dt", here)
        if when is None:
            raise MalformedStatement("Dt is required", field=f"{here}/Dt", line=bal.sourceline)
        balance = Balance(_sign(ctx, bal, amount, here), currency, when)
        if code in _OPENING_CODES and (opening is None or code == "OPBD"):
            opening = balance
        elif code in _CLOSING_CODES:
            closing = balance
    if opening is None:
        raise MalformedStatement(
            "no opening balance (Bal with Tp OPBD or PRCD)", field=f"{where}/Bal", line=stmt.sourceline
        )
    if closing is None:
        raise MalformedStatement(
            "no closing balance (Bal with Tp CLBD)", field=f"{where}/Bal", line=stmt.sourceline
        )
    currency = ctx.text(account, "Ccy") or opening.currency
    lines: list[StatementLine] = []
    for index, entry in enumerate(ctx.all(stmt, "Ntry"), start=1):
        lines.extend(_entry(ctx, entry, f"{where}/Ntry[{index}]", iban))
    check_balanced(
        opening, lines, closing, lines_name="booked entries", field=f"{where}/Bal", line=stmt.sourceline
    )
    return BankStatement(
        format=StatementFormat.CAMT053,
        account_iban=iban,
        currency=currency,
        statement_id=statement_id,
        opening=opening,
        closing=closing,
        lines=tuple(lines),
        sequence=ctx.text(stmt, "ElctrncSeqNb") or ctx.text(stmt, "LglSeqNb"),
        bank=bank_of(iban),
        information=ctx.text(stmt, "AddtlStmtInf") or "",
    )


def _entry(ctx: _Ctx, entry: etree._Element, where: str, own_iban: str) -> list[StatementLine]:
    status = ctx.text(entry, "Sts/Cd") or ctx.text(entry, "Sts")
    if status not in ("BOOK", None):
        return []  # pending or information-only entries are not movements of the booked balance
    amount, currency = _amount(ctx, entry, "Amt", where)
    signed = _sign(ctx, entry, amount, where)
    booking = _date(ctx, entry, "BookgDt", where)
    if booking is None:
        raise MalformedStatement(
            "BookgDt is required for a booked entry", field=f"{where}/BookgDt", line=entry.sourceline
        )
    value = _date(ctx, entry, "ValDt", where) or booking
    reversal = (ctx.text(entry, "RvslInd") or "").lower() in ("true", "1")
    code = _bank_code(ctx, entry)
    entry_ref = ctx.text(entry, "AcctSvcrRef")
    extra = ctx.text(entry, "AddtlNtryInf") or ""
    transactions = ctx.all(entry, "NtryDtls/TxDtls")
    split = len(transactions) > 1 and all(_tx_amount(ctx, tx) is not None for tx in transactions)
    if split:
        amounts = [_tx_amount(ctx, tx) for tx in transactions]
        total = sum((a for a in amounts if a is not None), Decimal(0))
        if total != amount:
            raise MalformedStatement(
                f"the transactions add up to {total}, the entry's amount is {amount}",
                field=f"{where}/NtryDtls",
                line=entry.sourceline,
            )
    out = []
    for index, tx in enumerate(transactions if split else transactions[:1] or [None]):
        tx_amount = signed
        if split:
            part = amounts[index]
            assert part is not None
            tx_amount = part if signed > 0 else -part
        party = _party(ctx, tx, credit=signed > 0, own_iban=own_iban) if tx is not None else _Party()
        remittance = _remittance(ctx, tx) if tx is not None else ""
        if not remittance:
            remittance = (ctx.text(tx, "AddtlTxInf") if tx is not None else None) or extra
        tx_ref = ctx.text(tx, "Refs/AcctSvcrRef") if tx is not None else None
        end_to_end = ctx.text(tx, "Refs/EndToEndId") if tx is not None else None
        out.append(
            StatementLine(
                booking_date=booking,
                value_date=value,
                amount=tx_amount,
                currency=currency,
                counterparty_name=party.name,
                counterparty_iban=party.iban,
                counterparty_cui=party.cui or find_cui(remittance),
                remittance_info=remittance,
                bank_reference=tx_ref or entry_ref,
                end_to_end_id=None if (end_to_end or "").upper() in ("", "NOTPROVIDED") else end_to_end,
                customer_reference=(ctx.text(tx, "Refs/InstrId") if tx is not None else None),
                transaction_code=code,
                reversal=reversal,
                details=" ".join(p for p in (extra, remittance) if p),
                source_line=(tx if tx is not None else entry).sourceline,
            )
        )
    return out


def _tx_amount(ctx: _Ctx, tx: etree._Element) -> Decimal | None:
    found = ctx.find(tx, "Amt")
    if found is None:
        found = ctx.find(tx, "AmtDtls/TxAmt/Amt")
    if found is None or not _AMOUNT_RE.fullmatch((found.text or "").strip()):
        return None
    return Decimal(found.text.strip())  # type: ignore[union-attr]


def _bank_code(ctx: _Ctx, entry: etree._Element) -> str | None:
    domain = ctx.text(entry, "BkTxCd/Domn/Cd")
    if domain:
        family = ctx.text(entry, "BkTxCd/Domn/Fmly/Cd") or ""
        sub = ctx.text(entry, "BkTxCd/Domn/Fmly/SubFmlyCd") or ""
        return "-".join(p for p in (domain, family, sub) if p)
    return ctx.text(entry, "BkTxCd/Prtry/Cd")


@dataclass(frozen=True)
class _Party:
    name: str | None = None
    iban: str | None = None
    cui: str | None = None


def _party(ctx: _Ctx, tx: etree._Element, *, credit: bool, own_iban: str) -> _Party:
    role = "Dbtr" if credit else "Cdtr"
    name = ctx.text(tx, f"RltdPties/{role}/Nm") or ctx.text(tx, f"RltdPties/{role}/Pty/Nm")
    iban = valid_iban(ctx.text(tx, f"RltdPties/{role}Acct/Id/IBAN"))
    cui = None
    for path in (f"RltdPties/{role}/Id/OrgId/Othr/Id", f"RltdPties/{role}/Pty/Id/OrgId/Othr/Id"):
        cui = cui or valid_cui(ctx.text(tx, path))
    return _Party(name=name, iban=None if iban == own_iban else iban, cui=cui)


def _remittance(ctx: _Ctx, tx: etree._Element) -> str:
    parts = [" ".join(u.text.split()) for u in ctx.all(tx, "RmtInf/Ustrd") if u.text and u.text.strip()]
    for strd in ctx.all(tx, "RmtInf/Strd"):
        for path in ("RfrdDocInf/Nb", "CdtrRefInf/Ref", "AddtlRmtInf"):
            for el in ctx.all(strd, path):
                if el.text and el.text.strip():
                    parts.append(" ".join(el.text.split()))
    return " ".join(parts)
