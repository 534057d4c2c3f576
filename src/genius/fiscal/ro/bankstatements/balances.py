"""The rule every statement obeys, whatever its format: closing = opening + the booked lines."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from genius.fiscal.ro.bankstatements.errors import MalformedStatement
from genius.fiscal.ro.bankstatements.model import Balance, StatementLine


def check_balanced(
    opening: Balance,
    lines: Sequence[StatementLine],
    closing: Balance,
    *,
    lines_name: str,
    field: str,
    line: int | None,
) -> None:
    """Refuses a statement whose lines do not carry the opening balance to the closing one.

    ``lines_name`` says what the format calls its lines (MT940 movements, CAMT booked entries);
    ``field`` and ``line`` say where the error is reported.
    """
    movements = sum((item.amount for item in lines), Decimal(0))
    if opening.amount + movements != closing.amount:
        raise MalformedStatement(
            f"closing balance {closing.amount} is not opening {opening.amount} + {lines_name} {movements} "
            f"= {opening.amount + movements}: the file is incomplete or altered",
            field=field,
            line=line,
        )
