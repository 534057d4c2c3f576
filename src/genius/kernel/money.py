"""Money amounts and the rounding rules used across the product (Decimal, never float)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

# EN 16931 and Romanian accounting both round monetary amounts half-up to 2 decimals (bani).
CENT = Decimal("0.01")


def to_decimal(value: object, field_name: str = "amount") -> Decimal:
    """Turn a str/int/Decimal into Decimal; floats are refused because they carry binary error."""
    if isinstance(value, (bool, float)):
        raise TypeError(f"{field_name}: give a string or Decimal, not {type(value).__name__}")
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, (int, str)):
        try:
            result = Decimal(str(value).strip())
        except InvalidOperation as exc:
            raise ValueError(f"{field_name}: {value!r} is not a number") from exc
    else:
        raise TypeError(f"{field_name}: unsupported type {type(value).__name__}")
    if not result.is_finite():
        raise ValueError(f"{field_name}: {value!r} is not a finite number")
    return result


def round_money(value: Decimal, places: Decimal = CENT) -> Decimal:
    """Round half-up to the given quantum (2 decimals by default)."""
    return value.quantize(places, rounding=ROUND_HALF_UP)


def percent_of(base: Decimal, rate_percent: Decimal) -> Decimal:
    """``base * rate / 100`` rounded to cents, as VAT amounts are computed."""
    return round_money(base * rate_percent / Decimal(100))
