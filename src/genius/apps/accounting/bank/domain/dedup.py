"""When two imported lines are the same bank movement: the dedup key of a statement line.

With a bank reference the key is the account, the reference, the signed amount, the booking
date and the transaction code: Romanian banks reuse one reference for a transfer and for its
fee (BCR's :61: "//2022103180931993" on both; Banca Transilvania's "REF:" too), so the reference
alone would drop the fee as a duplicate. Without a reference, the key hashes the line's content.
Either way the key includes the line's occurrence among identical lines of its statement (two
equal 4.00 fees on one day are two fees; importing the statement again gives the same
occurrences, so the same keys).
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Sequence
from decimal import Decimal

from genius.fiscal.ro.bankstatements import StatementLine


def _digest(*parts: object) -> str:
    text = "\x1f".join("" if p is None else str(p) for p in parts)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _amount(value: Decimal) -> str:
    # "4.0" (CAMT) and "4,00" (MT940) are the same amount.
    return str(value.quantize(Decimal("0.01")))


def line_keys(account_iban: str, lines: Sequence[StatementLine]) -> list[str]:
    """The dedup key of each line of one statement, in order."""
    keys: list[str] = []
    seen: Counter[str] = Counter()
    for line in lines:
        if line.bank_reference:
            base = _digest(
                "ref",
                account_iban,
                line.bank_reference,
                _amount(line.amount),
                line.booking_date.isoformat(),
                line.transaction_code,
            )
        else:
            base = _digest(
                "content",
                account_iban,
                line.booking_date.isoformat(),
                line.value_date.isoformat(),
                _amount(line.amount),
                line.currency,
                line.counterparty_iban,
                line.counterparty_name,
                " ".join(line.remittance_info.split()),
                line.customer_reference,
                line.end_to_end_id,
                line.transaction_code,
            )
        seen[base] += 1
        keys.append(_digest(base, seen[base]))
    return keys
