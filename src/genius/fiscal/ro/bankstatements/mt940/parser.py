"""MT940 files -> BankStatements: field order, balances that add up, lines with their :86: details."""

from __future__ import annotations

from typing import Final

from genius.fiscal.ro.bankstatements.balances import check_balanced
from genius.fiscal.ro.bankstatements.errors import MalformedStatement
from genius.fiscal.ro.bankstatements.identifiers import bank_of, compact_iban, looks_like_iban, valid_iban
from genius.fiscal.ro.bankstatements.model import Balance, BankStatement, StatementFormat, StatementLine
from genius.fiscal.ro.bankstatements.mt940.details import parse_details
from genius.fiscal.ro.bankstatements.mt940.fields import parse_balance, parse_statement_line
from genius.fiscal.ro.bankstatements.mt940.reader import RawField, RawMessage, decode, read_messages

# Fields read but not needed (MT942 floor limit, date/time, entry counts) or repeated :21:.
_IGNORED: Final = frozenset({"21", "13", "13D", "34F", "90D", "90C", "64", "65"})


def parse_mt940(data: bytes) -> list[BankStatement]:
    """Every statement of an MT940 file; refuses the file at the first field that breaks the format."""
    return [_statement(message) for message in read_messages(decode(data))]


def _statement(message: RawMessage) -> BankStatement:
    fields = message.fields
    if fields[0].tag != "20":
        raise MalformedStatement(
            f"a statement starts with :20: (transaction reference), not :{fields[0].tag}:",
            field=f":{fields[0].tag}:",
            line=fields[0].line,
        )
    reference = fields[0].first.strip()
    if not reference or len(reference) > 16:
        raise MalformedStatement(
            "the statement reference is 1 to 16 characters", field=":20:", line=fields[0].line
        )
    account: str | None = None
    sequence: str | None = None
    opening: Balance | None = None
    closing: Balance | None = None
    lines: list[StatementLine] = []
    information: list[str] = []
    pending: RawField | None = None  # a :61: waiting for its :86:

    def flush(details: RawField | None) -> None:
        nonlocal pending
        if pending is not None:
            assert opening is not None and account is not None
            lines.append(_line(pending, details, opening.currency, account))
        pending = None

    for f in fields[1:]:
        tag = f.tag
        if tag == "25":
            account = _account(f)
        elif tag in ("28", "28C"):
            sequence = f.first.strip() or None
        elif tag in ("60F", "60M"):
            if opening is not None:
                raise MalformedStatement(
                    "a second opening balance in one statement", field=f":{tag}:", line=f.line
                )
            opening = parse_balance(tag, f.first, f.line)
        elif tag == "61":
            _require_before(opening, account, f)
            if closing is not None:
                raise MalformedStatement(
                    "a statement line after the closing balance", field=":61:", line=f.line
                )
            flush(None)
            pending = f
        elif tag == "86":
            if pending is not None:
                flush(f)
            elif closing is not None or opening is not None:
                information.append(" ".join(" ".join(f.lines).split()))
            else:
                raise MalformedStatement(
                    ":86: before any statement line or balance", field=":86:", line=f.line
                )
        elif tag in ("62F", "62M"):
            _require_before(opening, account, f)
            flush(None)
            if closing is not None:
                raise MalformedStatement(
                    "a second closing balance in one statement", field=f":{tag}:", line=f.line
                )
            closing = parse_balance(tag, f.first, f.line)
            _check_balances(opening, closing, lines, f)  # type: ignore[arg-type]
        elif tag in _IGNORED:
            continue
        else:
            raise MalformedStatement(
                f"field :{tag}: has no place in an MT940 statement", field=f":{tag}:", line=f.line
            )
    flush(None)
    if account is None:
        raise MalformedStatement("the statement has no account (:25:)", field=":25:", line=message.line)
    if opening is None:
        raise MalformedStatement(
            "the statement has no opening balance (:60F:)", field=":60F:", line=message.line
        )
    if closing is None:
        raise MalformedStatement(
            "the statement has no closing balance (:62F:)", field=":62F:", line=message.line
        )
    return BankStatement(
        format=StatementFormat.MT940,
        account_iban=account,
        currency=opening.currency,
        statement_id=reference,
        opening=opening,
        closing=closing,
        lines=tuple(lines),
        sequence=sequence,
        bank=bank_of(account),
        information=" ".join(information),
    )


def _account(f: RawField) -> str:
    """The IBAN in :25: (``/RO..``, ``RO..``, ``BIC/RO..``, ``RO..RON``, spaces or dots inside)."""
    text = f.first.strip()
    for part in [text, *text.split("/")]:
        compact = compact_iban(part)
        for candidate in (compact, compact[:-3]):  # some banks append the currency
            iban = valid_iban(candidate)
            if iban:
                return iban
    if any(looks_like_iban(p) for p in [text, *text.split("/")]):
        raise MalformedStatement(
            f"account {text!r} is not a valid IBAN (check digits)", field=":25:", line=f.line
        )
    raise MalformedStatement(
        f"account {text!r} holds no IBAN; Genius identifies bank accounts by IBAN", field=":25:", line=f.line
    )


def _require_before(opening: Balance | None, account: str | None, f: RawField) -> None:
    if account is None:
        raise MalformedStatement("the account (:25:) must come first", field=f":{f.tag}:", line=f.line)
    if opening is None:
        raise MalformedStatement(
            "the opening balance (:60F:) must come first", field=f":{f.tag}:", line=f.line
        )


def _check_balances(opening: Balance, closing: Balance, lines: list[StatementLine], f: RawField) -> None:
    if closing.currency != opening.currency:
        raise MalformedStatement(
            f"closing balance in {closing.currency}, opening balance in {opening.currency}",
            field=f":{f.tag}:",
            line=f.line,
        )
    check_balanced(opening, lines, closing, lines_name="movements", field=f":{f.tag}:", line=f.line)


def _line(f: RawField, details_field: RawField | None, currency: str, own_iban: str) -> StatementLine:
    fields = parse_statement_line(f.first, f.continuation, f.line)
    details = (
        parse_details(details_field.lines, credit=fields.amount > 0, own_iban=own_iban)
        if details_field is not None
        else None
    )
    remittance = details.remittance if details and details.remittance else fields.supplementary
    return StatementLine(
        booking_date=fields.booking_date,
        value_date=fields.value_date,
        amount=fields.amount,
        currency=currency,
        counterparty_name=details.name if details else None,
        counterparty_iban=details.iban if details else None,
        counterparty_cui=details.cui if details else None,
        remittance_info=remittance,
        bank_reference=fields.bank_reference,
        end_to_end_id=details.end_to_end_id if details else None,
        customer_reference=fields.customer_reference,
        transaction_code=fields.transaction_code,
        reversal=fields.reversal,
        details=details.text if details else fields.supplementary,
        source_line=f.line,
    )
