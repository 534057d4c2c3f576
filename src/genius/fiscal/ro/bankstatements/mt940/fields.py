"""The fixed-format MT940 fields: balances (:60F:, :62F:, ...) and the statement line (:61:).

``:61:`` is ``6!n[4!n]2a[1!a]15d1!a3!c16x[//16x]`` and an optional second line ``[34x]``:
value date YYMMDD, entry (booking) date MMDD, debit/credit mark (``D``, ``C``, or the reversals
``RD`` = reversal of a debit, money back in, and ``RC`` = reversal of a credit, money out), the
third letter of the currency (funds code, ING writes it), the amount with a decimal comma, the
transaction type (``N``/``S``/``F`` + 3 characters, e.g. ``NTRF``, ``NCOM``, ``NCHG``), the
account owner's reference (``NONREF`` when none), ``//`` and the bank's reference, and on the next
line supplementary details (BRD puts the remittance there, BCR the counterparty's name).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Final

from genius.fiscal.ro.bankstatements.errors import MalformedStatement
from genius.fiscal.ro.bankstatements.model import Balance

_BALANCE_RE: Final = re.compile(r"^(?P<mark>[CD])(?P<date>\d{6})(?P<currency>[A-Z]{3})(?P<amount>[\d,]+)$")
_LINE_RE: Final = re.compile(
    r"^(?P<value>\d{6})(?P<entry>\d{4})?(?P<mark>RC|RD|C|D)(?P<funds>[A-Z])?(?P<amount>\d[\d,]*)"
    r"(?P<type>[NSF][A-Z0-9]{3})(?P<reference>.*?)(?://(?P<bank>.*))?$"
)
_AMOUNT_RE: Final = re.compile(r"^\d{1,14},\d{0,14}$")
MAX_AMOUNT_CHARS: Final = 15  # SWIFT 15d: digits and the decimal comma
NO_REFERENCE: Final = "NONREF"


@dataclass(frozen=True)
class LineFields:
    """What :61: says."""

    value_date: date
    booking_date: date
    amount: Decimal  # signed: credits positive
    reversal: bool
    transaction_code: str
    customer_reference: str | None
    bank_reference: str | None
    supplementary: str


def parse_amount(text: str, tag: str, line: int) -> Decimal:
    if len(text) > MAX_AMOUNT_CHARS or not _AMOUNT_RE.fullmatch(text):
        raise MalformedStatement(
            f"amount {text!r} is not an MT940 amount (digits with one decimal comma, at most 15 characters)",
            field=f":{tag}:",
            line=line,
        )
    return Decimal(text.replace(",", "."))


def parse_date(text: str, tag: str, line: int, what: str = "date") -> date:
    """YYMMDD; SWIFT years are 20YY for any statement Genius will see."""
    try:
        return date(2000 + int(text[0:2]), int(text[2:4]), int(text[4:6]))
    except ValueError:
        raise MalformedStatement(
            f"{what} {text!r} is not a valid YYMMDD date", field=f":{tag}:", line=line
        ) from None


def parse_balance(tag: str, text: str, line: int) -> Balance:
    found = _BALANCE_RE.match(text.strip())
    if not found:
        raise MalformedStatement(
            f"balance {text.strip()!r} is not D/C + YYMMDD + currency + amount (e.g. C260131RON1234,56)",
            field=f":{tag}:",
            line=line,
        )
    amount = parse_amount(found.group("amount"), tag, line)
    return Balance(
        amount=-amount if found.group("mark") == "D" else amount,
        currency=found.group("currency"),
        date=parse_date(found.group("date"), tag, line),
    )


def parse_statement_line(first: str, continuation: tuple[str, ...], line: int) -> LineFields:
    found = _LINE_RE.match(first.strip())
    if not found:
        raise MalformedStatement(
            f"{first.strip()[:40]!r} is not a statement line: value date YYMMDD, optional entry date MMDD, "
            "D/C/RD/RC, amount with a decimal comma, transaction type (e.g. NTRF), reference",
            field=":61:",
            line=line,
        )
    value_date = parse_date(found.group("value"), "61", line, "value date")
    booking_date = value_date
    if found.group("entry"):
        booking_date = _entry_date(found.group("entry"), value_date, line)
    amount = parse_amount(found.group("amount"), "61", line)
    mark = found.group("mark")
    # D and RC (reversal of a credit) take money out; C and RD (reversal of a debit) bring it in.
    signed = -amount if mark in ("D", "RC") else amount
    reference = found.group("reference").strip()
    bank = (found.group("bank") or "").strip()
    if len(reference) > 16 or len(bank) > 16:
        raise MalformedStatement(
            "the account owner's reference and the bank's reference are at most 16 characters each",
            field=":61:",
            line=line,
        )
    return LineFields(
        value_date=value_date,
        booking_date=booking_date,
        amount=signed,
        reversal=mark.startswith("R"),
        transaction_code=found.group("type"),
        customer_reference=None if reference in ("", NO_REFERENCE, ".") else reference,
        bank_reference=None if bank in ("", NO_REFERENCE) else bank,
        supplementary=" ".join(" ".join(continuation).split()),
    )


def _entry_date(mmdd: str, value_date: date, line: int) -> date:
    """The booking date MMDD, in the year that puts it nearest the value date (Dec/Jan turns)."""
    month, day = int(mmdd[:2]), int(mmdd[2:])
    candidates = []
    for year in (value_date.year - 1, value_date.year, value_date.year + 1):
        try:
            candidates.append(date(year, month, day))
        except ValueError:
            continue
    if not candidates:
        raise MalformedStatement(f"entry date {mmdd!r} is not a valid MMDD date", field=":61:", line=line)
    return min(candidates, key=lambda d: abs((d - value_date).days))
