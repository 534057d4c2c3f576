"""Streams D406 records through formats compiled per record shape, and formats values as the XSD types want.

Why templates: a record's *shape* (which elements, in which order) repeats, so each shape is
compiled once into a ``%`` format and later records only fill in their texts (see ``markup`` for
the output and its escaping; the hot records of the big sections skip the fragment and format
their markup directly, in ``entries`` and ``documents``).

A :class:`Fragment` records one record as a shape (``"<Tag"`` opens, ``">"`` closes, ``"Tag"``
is a leaf) plus the leaf texts in document order; :class:`Emitter` maps the shape to its
template. Tags are written without a namespace: the root declares the D406 namespace as the
default one, so every unprefixed element belongs to it and no declaration is repeated.
"""

from __future__ import annotations

from datetime import date, time
from decimal import Decimal, InvalidOperation
from typing import Any

from genius.fiscal.ro.saft.errors import input_error
from genius.fiscal.ro.saft.writer.markup import Markup, escape, plain
from genius.kernel.money import round_money

# XSD simple types' maximum lengths (Ro_SAFT_Schema: SAFcodeType ... SAFlongtextType).
CODE = 9
SHORT = 18
MIDDLE1 = 35
MIDDLE2 = 70
LONG = 256

CENT = Decimal("0.01")
_MONEY_LIMIT = Decimal(10) ** 16  # SAFmonetaryType: totalDigits 18, fractionDigits 2
_QUANTITY_LIMIT = Decimal(10) ** 16  # SAFquantityType: totalDigits 22, fractionDigits 6
_RATE_LIMIT = Decimal(10) ** 14  # SAFexchangerateType: totalDigits 18, fractionDigits 4
# Templates kept per emitter; shapes repeat, so this only bounds pathological inputs.
MAX_TEMPLATES = 2048


def _as_decimal(value: Any, where: str) -> Decimal:
    if type(value) is Decimal:
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return Decimal(value)
    if isinstance(value, str):
        try:
            return Decimal(value.strip())
        except InvalidOperation:
            raise input_error(where, f"{value!r} is not a number", "bad_decimal") from None
    raise input_error(where, f"give a Decimal, int or str, not {type(value).__name__}", "bad_decimal")


def money(value: Any, where: str) -> str:
    """SAFmonetaryType: at most 2 decimals (amounts are rounded by the caller, OMFP half-up)."""
    if value.__class__ is Decimal:
        # Fast path for what a numeric(…, 2) column gives: "-1234.56" (exponent -2, no "E").
        text = str(value)
        if len(text) <= 20 and text[-3:-2] == "." and "E" not in text:
            return "0.00" if text == "-0.00" else text
    amount = _as_decimal(value, where)
    if not amount.is_finite() or not -_MONEY_LIMIT < amount < _MONEY_LIMIT:
        raise input_error(
            where, f"{value} is not an amount D406 can hold (18 digits, 2 decimals)", "bad_amount"
        )
    cents = amount.quantize(CENT)
    if cents != amount:
        raise input_error(
            where, f"{value} has more than 2 decimals; round it to bani before writing", "too_many_decimals"
        )
    return "0.00" if not cents else str(cents)


def rounded_money(value: Any, where: str) -> str:
    """For UnitPrice only: the XSD allows 2 decimals, so a finer unit price is rounded half-up."""
    return money(round_money(_as_decimal(value, where)), where)


def fixed(value: Any, where: str, places: int | None = None, limit: Decimal | None = None) -> str:
    """An xs:decimal in fixed notation (never ``1E+1``), with at most ``places`` decimals."""
    number = _as_decimal(value, where)
    if not number.is_finite():
        raise input_error(where, f"{value} is not a finite number", "bad_decimal")
    if limit is not None and not -limit < number < limit:
        raise input_error(where, f"{value} has too many digits for D406", "bad_decimal")
    exponent = number.as_tuple().exponent
    if places is not None and isinstance(exponent, int) and exponent < -places:
        normalized = number.normalize()
        exponent = normalized.as_tuple().exponent
        if isinstance(exponent, int) and exponent < -places:
            raise input_error(where, f"{value} has more than {places} decimals", "too_many_decimals")
        number = normalized
    return format(number, "f")


def quantity(value: Any, where: str) -> str:
    return fixed(value, where, 6, _QUANTITY_LIMIT)


def exchange_rate(value: Any, where: str) -> str:
    return fixed(value, where, 4, _RATE_LIMIT)


def base_rate(value: Any, where: str) -> str:
    """SAFBaseRate: the deductible share as a fraction 0.0000-1.0000 (not a percentage)."""
    number = _as_decimal(value, where)
    if not Decimal(0) <= number <= Decimal(1):
        raise input_error(
            where, f"{value} must be a fraction between 0 and 1 (1 = 100 % deductible)", "bad_rate"
        )
    return fixed(number, where, 4)


class Fragment:
    """One record's shape and leaf texts; methods check each value against its XSD type."""

    __slots__ = ("events", "texts", "where")

    def __init__(self, where: str) -> None:
        self.events: list[str] = []
        self.texts: list[str] = []
        self.where = where

    def open(self, tag: str) -> None:
        self.events.append("<" + tag)

    def close(self) -> None:
        self.events.append(">")

    def text(self, tag: str, value: str | None, limit: int) -> None:
        if value is None:
            raise input_error(f"{self.where}.{tag}", "is required", "required")
        if len(value) > limit:
            raise input_error(
                f"{self.where}.{tag}",
                f"{value[:40]!r}... is {len(value)} characters; D406 allows at most {limit}",
                "too_long",
            )
        self.events.append(tag)
        self.texts.append(value)

    def opt_text(self, tag: str, value: str | None, limit: int) -> None:
        if value is not None:
            self.text(tag, value, limit)

    def raw(self, tag: str, value: str) -> None:
        """A leaf whose text is already formatted and checked."""
        self.events.append(tag)
        self.texts.append(value)

    def money(self, tag: str, value: Any) -> None:
        self.events.append(tag)
        self.texts.append(money(value, f"{self.where}.{tag}"))

    def opt_money(self, tag: str, value: Any) -> None:
        if value is not None:
            self.money(tag, value)

    def decimal(self, tag: str, value: Any, places: int | None = None) -> None:
        self.events.append(tag)
        self.texts.append(fixed(value, f"{self.where}.{tag}", places))

    def opt_decimal(self, tag: str, value: Any, places: int | None = None) -> None:
        if value is not None:
            self.decimal(tag, value, places)

    def quantity(self, tag: str, value: Any) -> None:
        self.events.append(tag)
        self.texts.append(quantity(value, f"{self.where}.{tag}"))

    def integer(self, tag: str, value: int) -> None:
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise input_error(
                f"{self.where}.{tag}", f"{value!r} must be a non-negative integer", "bad_integer"
            )
        self.events.append(tag)
        self.texts.append(str(value))

    def opt_integer(self, tag: str, value: int | None) -> None:
        if value is not None:
            self.integer(tag, value)

    def date(self, tag: str, value: date | None) -> None:
        if not isinstance(value, date):
            raise input_error(f"{self.where}.{tag}", f"{value!r} must be a date", "bad_date")
        self.events.append(tag)
        self.texts.append(value.isoformat())

    def opt_date(self, tag: str, value: date | None) -> None:
        if value is not None:
            self.date(tag, value)

    def opt_time(self, tag: str, value: time | None) -> None:
        if value is not None:
            self.events.append(tag)
            self.texts.append(value.replace(microsecond=0, tzinfo=None).isoformat())


class Emitter:
    """Writes fragments to a :class:`Markup` stream through ``%`` formats compiled once per shape."""

    __slots__ = ("_templates", "out")

    def __init__(self, out: Markup) -> None:
        self.out = out
        self._templates: dict[tuple[str, ...], str] = {}

    def write(self, fragment: Fragment) -> None:
        self.out.write(self.markup(fragment))

    def markup(self, fragment: Fragment) -> str:
        """The fragment's markup: its shape's format filled with its texts, escaped when needed."""
        key = tuple(fragment.events)
        template = self._templates.get(key)
        if template is None:
            template = self._compile(key)
        texts = fragment.texts
        if not plain("".join(texts)):
            tags = [event for event in key if event != ">" and event[0] != "<"]
            texts = [escape(text, f"{fragment.where}.{tag}") for tag, text in zip(tags, texts, strict=True)]
        # Same shape, so as many texts as leaves (each leaf event is appended with its text).
        return template % tuple(texts)

    def _compile(self, key: tuple[str, ...]) -> str:
        if len(self._templates) >= MAX_TEMPLATES:
            self._templates.clear()
        parts: list[str] = []
        stack: list[str] = []
        for event in key:
            if event == ">":
                tag = stack.pop()
                if parts[-1] == f"<{tag}>":
                    parts[-1] = f"<{tag}/>"  # no children and no text, as lxml serialises it
                else:
                    parts.append(f"</{tag}>")
            elif event[0] == "<":
                stack.append(event[1:])
                parts.append(f"<{event[1:]}>")
            else:
                parts.append(f"<{event}>%s</{event}>")
        template = self._templates[key] = "".join(parts)
        return template
