"""Small writers of the fast path (:mod:`.text`): one element as one string at a known depth.

Each appends the element's text to ``out`` and every text or attribute value it writes to ``t``
(checked all at once at the end, see :mod:`.text`); a ``None`` where the tree path would write an
empty element goes into ``t`` too, which sends the document to the tree path.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Final

# libxml2's pretty print indents two spaces per level (the root is level 0).
I1: Final = "\n  "
I2: Final = "\n    "
I3: Final = "\n      "
I4: Final = "\n        "
I5: Final = "\n          "
I6: Final = "\n            "


def num(value: Any) -> str:
    """``format(value, "f")`` (the tree path's ``elements.num``), by the 4x cheaper ``str`` when equal.

    A Decimal's ``str`` is its plain notation unless it needs an exponent (``1E+3``, ``1E-7``), and
    the plain notation is what ``"f"`` writes.
    """
    if type(value) is Decimal:
        text = str(value)
        if "E" not in text and "e" not in text:
            return text
    return format(value, "f")


def leaf(out: list[str], t: list[Any], indent: str, name: str, text: Any, before: str = "") -> None:
    """A basic element with text (``before``: the opening tags of its parents, written first)."""
    t.append(text)
    out.append(f"{before}{indent}<{name}>{text}</{name}>")


def opt(out: list[str], t: list[Any], indent: str, name: str, text: Any) -> None:
    """A basic element only when its value is given."""
    if text is not None:
        t.append(text)
        out.append(f"{indent}<{name}>{text}</{name}>")


def ident(
    out: list[str], t: list[Any], indent: str, name: str, value: Any, scheme: Any, attribute: str = "schemeID"
) -> None:
    """A basic element with an optional attribute (``schemeID`` unless ``attribute`` names another)."""
    t.append(value)
    if scheme is None:
        out.append(f"{indent}<{name}>{value}</{name}>")
    else:
        t.append(scheme)
        out.append(f'{indent}<{name} {attribute}="{scheme}">{value}</{name}>')


def money(out: list[str], t: list[Any], indent: str, name: str, value: Any, currency: Any) -> None:
    """An amount with its ``currencyID`` (a ``None`` currency goes to the tree path, which omits it)."""
    if value is not None:
        text = num(value)
        t.append(text)
        t.append(currency)
        out.append(f'{indent}<{name} currencyID="{currency}">{text}</{name}>')


def period(out: list[str], t: list[Any], indent: str, value: Any, description_code: Any = None) -> None:
    """InvoicePeriod (BG-14 / BG-26) with BT-8 ``description_code``; ``<cac:InvoicePeriod/>`` when empty."""
    if value is None and description_code is None:
        return
    start = len(out)
    out.append(f"{indent}<cac:InvoicePeriod>")
    inner = indent + "  "
    if value is not None:
        if value.start_date is not None:
            leaf(out, t, inner, "cbc:StartDate", value.start_date.isoformat())
        if value.end_date is not None:
            leaf(out, t, inner, "cbc:EndDate", value.end_date.isoformat())
    opt(out, t, inner, "cbc:DescriptionCode", description_code)
    close(out, start, indent, "cac:InvoicePeriod")


def close(out: list[str], start: int, indent: str, name: str) -> None:
    """Close the aggregate opened at ``out[start]``: ``<name/>`` when nothing was written inside."""
    if len(out) == start + 1:
        out[start] = f"{indent}<{name}/>"
    else:
        out.append(f"{indent}</{name}>")
