"""The documented JSON form of the invoice model (docs/efactura-json.md): loader and dumper.

Keys are the model's snake_case field names; decimals are JSON strings ("12.50"), dates are ISO
strings ("2025-03-31"), attachment content is base64 text, ``document_kind`` is "Invoice" or
"CreditNote". The loader refuses unknown keys, wrong types, bad dates and bad decimals, and
reports every problem at once with its field path (``lines[0].price.net_price``) in a
:class:`~genius.fiscal.ro.efactura.errors.JsonFormError`.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import json
import re
import types
import typing
from datetime import date
from decimal import Decimal, InvalidOperation
from enum import Enum
from functools import cache
from typing import Any

from genius.fiscal.ro.efactura.errors import JsonFormError
from genius.fiscal.ro.efactura.model import Invoice
from genius.kernel.errors import FieldProblem

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# A plain decimal: optional sign, digits, optional fraction; no exponent, no spaces, no NaN.
_DECIMAL = re.compile(r"^[+-]?\d+(\.\d+)?$")


class _Problems:
    def __init__(self) -> None:
        self.items: list[FieldProblem] = []

    def add(self, path: str, code: str, message: str) -> None:
        self.items.append(FieldProblem(path or "$", code, message))


_MISSING = object()


@cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _describe(value: object) -> str:
    names = {dict: "an object", list: "an array", str: "a string", bool: "a boolean", type(None): "null"}
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return "a number"
    return names.get(type(value), type(value).__name__)


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _convert(value: Any, hint: Any, path: str, problems: _Problems) -> Any:
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        options = [arg for arg in typing.get_args(hint) if arg is not type(None)]
        if value is None:
            return None
        return _convert(value, options[0], path, problems)
    if value is None:
        problems.add(path, "required", "must not be null")
        return _MISSING
    if origin is list:
        if not isinstance(value, list):
            problems.add(path, "wrong_type", f"must be an array, got {_describe(value)}")
            return _MISSING
        (item_hint,) = typing.get_args(hint)
        items = [_convert(item, item_hint, f"{path}[{i}]", problems) for i, item in enumerate(value)]
        return [item for item in items if item is not _MISSING]
    if dataclasses.is_dataclass(hint):
        return _load_dataclass(value, hint, path, problems)  # type: ignore[arg-type]
    if isinstance(hint, type) and issubclass(hint, Enum):
        allowed = [member.value for member in hint]
        if value not in allowed:
            problems.add(path, "bad_value", f"must be one of {', '.join(map(repr, allowed))}, got {value!r}")
            return _MISSING
        return hint(value)
    if hint is Decimal:
        if not isinstance(value, str) or not _DECIMAL.match(value.strip()):
            shown = value if isinstance(value, str) else _describe(value)
            problems.add(
                path, "bad_decimal", f'must be a decimal written as a string like "12.50", got {shown!r}'
            )
            return _MISSING
        try:
            return Decimal(value.strip())
        except InvalidOperation:  # pragma: no cover - the pattern already excludes these
            problems.add(path, "bad_decimal", f"{value!r} is not a decimal")
            return _MISSING
    if hint is date:
        if not isinstance(value, str) or not _ISO_DATE.match(value):
            problems.add(path, "bad_date", f'must be an ISO date string "YYYY-MM-DD", got {value!r}')
            return _MISSING
        try:
            return date.fromisoformat(value)
        except ValueError as exc:
            problems.add(path, "bad_date", f"{value!r} is not a real date ({exc})")
            return _MISSING
    if hint is bytes:
        if not isinstance(value, str):
            problems.add(path, "wrong_type", f"must be base64 text, got {_describe(value)}")
            return _MISSING
        try:
            return base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError):
            problems.add(path, "bad_base64", "is not valid base64 text")
            return _MISSING
    if hint is str:
        if not isinstance(value, str):
            problems.add(path, "wrong_type", f"must be a string, got {_describe(value)}")
            return _MISSING
        return value
    raise TypeError(f"{path}: the JSON form has no rule for {hint!r}")  # a model change not mirrored here


def _load_dataclass(data: Any, cls: type, path: str, problems: _Problems) -> Any:
    if not isinstance(data, dict):
        problems.add(path, "wrong_type", f"must be an object, got {_describe(data)}")
        return _MISSING
    hints = _hints(cls)
    fields = {f.name: f for f in dataclasses.fields(cls)}
    for key in data:
        if key not in fields:
            problems.add(
                _join(path, str(key)),
                "unknown_key",
                f"is not a field of {cls.__name__}; see docs/efactura-json.md",
            )
    values: dict[str, Any] = {}
    failed = False
    for name, spec in fields.items():
        field_path = _join(path, name)
        if name not in data:
            required = spec.default is dataclasses.MISSING and spec.default_factory is dataclasses.MISSING
            if required:
                problems.add(field_path, "required", "is required")
                failed = True
            continue
        converted = _convert(data[name], hints[name], field_path, problems)
        if converted is _MISSING:
            failed = True
        else:
            values[name] = converted
    if failed:
        return _MISSING
    return cls(**values)


def invoice_from_dict(data: Any) -> Invoice:
    """Build an :class:`Invoice` from the parsed JSON form, or raise :class:`JsonFormError`."""
    problems = _Problems()
    result = _load_dataclass(data, Invoice, "", problems)
    if problems.items:
        raise JsonFormError.from_problems("the invoice JSON is not valid", problems.items)
    return result  # type: ignore[no-any-return]


def load_json(text: str | bytes) -> Invoice:
    """Parse the JSON form (text or UTF-8 bytes) into an :class:`Invoice`."""
    try:
        data = json.loads(text)  # JSON numbers stay numbers here and are refused where decimals belong
    except json.JSONDecodeError as exc:
        raise JsonFormError.from_problems(
            "the invoice JSON is not valid",
            [FieldProblem("$", "bad_json", f"not JSON: {exc.msg} at line {exc.lineno} column {exc.colno}")],
        ) from exc
    return invoice_from_dict(data)


def _dump(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        out: dict[str, Any] = {}
        for spec in dataclasses.fields(value):
            item = _dump(getattr(value, spec.name))
            if item is None or item == [] or item == {}:
                continue  # absent means "not given"; the loader reads the default back
            out[spec.name] = item
        return out
    if isinstance(value, list):
        return [_dump(item) for item in value]
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    return value


def invoice_to_dict(invoice: Invoice) -> dict[str, Any]:
    """The JSON form of ``invoice`` as plain dicts/lists/strings (``None``, ``[]``, ``{}`` left out)."""
    result = _dump(invoice)
    assert isinstance(result, dict)
    return result


def dump_json(invoice: Invoice, *, indent: int = 2) -> str:
    """The JSON form of ``invoice`` as text (UTF-8 safe, non-ASCII kept readable)."""
    return json.dumps(invoice_to_dict(invoice), indent=indent, ensure_ascii=False) + "\n"


__all__ = ["dump_json", "invoice_from_dict", "invoice_to_dict", "load_json"]
