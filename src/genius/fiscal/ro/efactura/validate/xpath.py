"""XPath 2.0 / XSD value semantics the official schematron relies on: normalize-space(), the
xs:decimal and xs:boolean casts, round(); so a rule decides on text exactly as ANAF's XSLT does."""

from __future__ import annotations

import re
from decimal import ROUND_FLOOR, Decimal
from typing import Final

# xs:decimal lexical space (XSD 1.0): no exponent, no NaN/INF, no '_' (Python's Decimal takes all three).
_XS_DECIMAL: Final = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")
# XPath normalize-space() strips only these four characters, not NBSP or other Unicode spaces.
_XML_SPACE_RUN: Final = re.compile(r"[ \t\r\n]+")
_XML_SPACE: Final = " \t\r\n"

_HALF: Final = Decimal("0.5")


def normalize_space(value: str | None) -> str:
    """XPath ``normalize-space()``."""
    if not value:
        return ""
    # Fast path: most codes and amounts are already normal (no tab/CR/LF, no double or edge spaces).
    if (
        "\n" not in value
        and "\t" not in value
        and "\r" not in value
        and "  " not in value
        and value[0] != " "
        and value[-1] != " "
    ):
        return value
    return _XML_SPACE_RUN.sub(" ", value).strip(_XML_SPACE)


def parse_xs_decimal(value: str | None) -> Decimal | None:
    """``xs:decimal(value)`` or None when the text is not in the xs:decimal lexical space."""
    if value is None:
        return None
    # Fast path for the usual amount ("123.45", "7", ".5", "5."): ASCII digits with at most one '.'
    # (isascii first: str.isdigit also accepts other scripts' digits, which Decimal would take).
    if value.isascii() and value.replace(".", "", 1).isdigit():
        return Decimal(value)
    text = value.strip(_XML_SPACE)
    if not _XS_DECIMAL.fullmatch(text):
        return None
    return Decimal(text)


def parse_xs_boolean(value: str | None) -> bool | None:
    """The xs:boolean cast ``cbc:ChargeIndicator = false()`` performs, None when not castable."""
    if value is None:
        return None
    text = value.strip(_XML_SPACE)
    if text in ("true", "1"):
        return True
    if text in ("false", "0"):
        return False
    return None


def xpath_round(value: Decimal) -> Decimal:
    """XPath 2.0 ``round()`` on xs:decimal: half toward positive infinity (round(-2.5) = -2)."""
    return (value + _HALF).to_integral_value(rounding=ROUND_FLOOR)


def round2(value: Decimal) -> Decimal:
    """The schematron's ``round(x * 10 * 10) div 100``."""
    return xpath_round(value * 100) / 100
