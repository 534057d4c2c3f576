"""Typed JSON for event data: dataclass fields <-> JSON values, and their labels in docs/events.md.

Supported field types: str, int, float, bool, Decimal (as a string, never a float), datetime
(RFC 3339), date (ISO), lists and string-keyed objects of these, and ``T | None``. A field's
description is the string in ``Annotated[T, "..."]``.
"""

from __future__ import annotations

import dataclasses
import functools
import types
import typing
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any, get_args, get_origin

from genius.kernel.errors import ValidationError
from genius.platform.bus.envelope import format_time, parse_time


class CatalogueError(ValidationError):
    code = "invalid_message_type"


def init_fields(cls: type) -> tuple[dataclasses.Field[Any], ...]:
    return tuple(f for f in dataclasses.fields(cls) if f.init)


@functools.cache
def plan(cls: type) -> tuple[tuple[str, Any, dataclasses.Field[Any]], ...]:
    """(name, type hint, field) of each init field; resolving hints is slow, so once per class."""
    hints = typing.get_type_hints(cls, include_extras=True)
    return tuple((f.name, hints[f.name], f) for f in init_fields(cls))


def strip_annotation(tp: Any) -> tuple[Any, str]:
    """(the type without Annotated, its description)."""
    if get_origin(tp) is typing.Annotated:
        base, *extras = get_args(tp)
        return base, next((e for e in extras if isinstance(e, str)), "")
    return tp, ""


def unwrap_optional(tp: Any) -> tuple[Any, bool]:
    if get_origin(tp) in (typing.Union, types.UnionType):
        args = [a for a in get_args(tp) if a is not type(None)]
        if len(args) == 1 and len(get_args(tp)) == 2:
            return args[0], True
    return tp, False


def type_label(tp: Any) -> str:
    tp, _ = strip_annotation(tp)
    tp, optional = unwrap_optional(tp)
    origin = get_origin(tp)
    if origin in (list, tuple):
        label = f"list of {type_label(get_args(tp)[0])}"
    elif origin is dict:
        label = f"object of {type_label(get_args(tp)[1])}"
    else:
        label = _LABELS.get(tp)
        if label is None:
            raise CatalogueError.for_field("fields", f"type {tp!r} cannot be carried in event data")
    return f"{label} or null" if optional else label


_LABELS: dict[Any, str] = {
    str: "string",
    int: "integer",
    float: "number",
    bool: "boolean",
    Decimal: "decimal (string)",
    datetime: "datetime (RFC 3339)",
    date: "date (YYYY-MM-DD)",
    Any: "any JSON",
}


def encode_value(value: Any, tp: Any) -> Any:
    tp, _ = strip_annotation(tp)
    tp, _opt = unwrap_optional(tp)
    if value is None:
        return None
    origin = get_origin(tp)
    if origin in (list, tuple):
        return [encode_value(v, get_args(tp)[0]) for v in value]
    if origin is dict:
        return {str(k): encode_value(v, get_args(tp)[1]) for k, v in value.items()}
    if tp is Decimal:
        return str(value)
    if tp is datetime:
        return format_time(value)
    if tp is date:
        return value.isoformat()
    return value


def decode_value(value: Any, tp: Any, path: str) -> Any:
    tp, _ = strip_annotation(tp)
    tp, optional = unwrap_optional(tp)
    if value is None:
        if optional:
            return None
        raise CatalogueError.for_field(path, "must not be null")
    origin = get_origin(tp)
    try:
        if origin in (list, tuple):
            if not isinstance(value, list):
                raise CatalogueError.for_field(path, "must be a list")
            items = [decode_value(v, get_args(tp)[0], f"{path}[{i}]") for i, v in enumerate(value)]
            return tuple(items) if origin is tuple else items
        if origin is dict:
            if not isinstance(value, dict):
                raise CatalogueError.for_field(path, "must be an object")
            return {k: decode_value(v, get_args(tp)[1], f"{path}.{k}") for k, v in value.items()}
        if tp is Decimal:
            return Decimal(str(value))
        if tp is datetime:
            return parse_time(str(value))
        if tp is date:
            return date.fromisoformat(str(value))
        if tp is bool:
            if not isinstance(value, bool):
                raise CatalogueError.for_field(path, "must be true or false")
            return value
        if tp in (int, float, str):
            if tp is str and not isinstance(value, str):
                raise CatalogueError.for_field(path, "must be a string")
            if tp in (int, float) and (isinstance(value, bool) or not isinstance(value, int | float)):
                raise CatalogueError.for_field(path, "must be a number")
            return tp(value)
    except (InvalidOperation, ValueError) as exc:
        if isinstance(exc, ValidationError):
            raise
        raise CatalogueError.for_field(path, f"{value!r} does not fit {type_label(tp)}") from None
    return value
