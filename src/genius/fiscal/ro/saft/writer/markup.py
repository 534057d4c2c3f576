"""The writer's output stream: markup strings, text escaped exactly as libxml2 serialises it, UTF-8 bytes.

Why strings: a D406 record is a fixed shape of elements whose texts change, so each shape is a
``%`` format compiled once and filled with the record's texts; ``str.join`` of a megabyte of
records, one ``encode`` and one ``write`` replace lxml's per-element tree and serialisation (the
writer filled cached lxml templates until 2026-11, see docs/benchmarks.md). The
bytes are those lxml wrote: the same compact form (no indentation, ``<Tag></Tag>`` for an empty
text, ``<Tag/>`` for an element without children or text), and text content escaped as libxml2
escapes it: ``&`` ``<`` ``>`` as entities, carriage return as ``&#13;``, everything else verbatim
in UTF-8 (checked against lxml for every code point in tests/fiscal/ro/saft/test_markup.py).
Characters XML 1.0 cannot carry (C0 controls but tab, newline and carriage return; lone surrogates;
U+FFFE, U+FFFF) are refused with the element's name, as lxml refused them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import BinaryIO

from genius.fiscal.ro.saft.errors import input_error

# Strings appended before they are joined, encoded and written: ~1 MB for journal lines.
CHUNK_PARTS = 2048
_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_SPECIAL = re.compile("[&<>\r]")
_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;"}


def plain(text: str) -> bool:
    """True when ``text`` (one text or several joined) is written as it is: nothing to escape or refuse.

    ``isprintable`` is false for every character XML refuses (controls, surrogates, non-characters)
    and for tab, newline and carriage return, which then take the slow path of ``escape``.
    """
    return text.isprintable() and "&" not in text and "<" not in text and ">" not in text


def _entity(match: re.Match[str]) -> str:
    return _ENTITIES[match.group()]


def escape(text: str, where: str) -> str:
    """``text`` as libxml2 writes element content; ``SaftInputError`` naming ``where`` when XML
    cannot carry it."""
    if _INVALID.search(text):
        raise input_error(where, f"{text!r} contains characters XML cannot carry", "bad_text")
    return _SPECIAL.sub(_entity, text)


def escaped(text: str, where: str) -> str:
    """``text`` ready to write: itself when plain, else ``escape``d."""
    return text if plain(text) else escape(text, where)


class Markup:
    """Buffered UTF-8 output of markup strings, with ``element`` for the sections' start and end tags."""

    __slots__ = ("_out", "parts")

    def __init__(self, out: BinaryIO) -> None:
        self._out = out
        self.parts: list[str] = []

    def write(self, markup: str) -> None:
        parts = self.parts
        parts.append(markup)
        if len(parts) >= CHUNK_PARTS:
            self.flush()

    def flush(self) -> None:
        if self.parts:
            data = "".join(self.parts).encode("utf-8")
            self.parts.clear()
            self._out.write(data)

    @contextmanager
    def element(self, tag: str, namespace: str | None = None) -> Iterator[None]:
        """``<tag>`` ... ``</tag>`` around what is written inside (``<tag></tag>`` when nothing is).

        The end tag is written only when the block ends normally: after an error the output is
        discarded by the caller anyway.
        """
        self.write(f'<{tag} xmlns="{namespace}">' if namespace is not None else f"<{tag}>")
        yield
        self.write(f"</{tag}>")
