"""MT940 text -> messages of tagged fields, each field with the line numbers it came from.

SWIFT frames a message as ``{1:...}{2:...}{3:...}{4:`` + fields + ``-}``; banks that export files
for their customers often drop the frame and start at ``:20:``. Both are read. A field starts at
a line ``:NN[a]:`` and runs over the following lines until the next tag; a new ``:20:`` starts
the next statement. Lines are kept as they are (leading spaces included): how a field's lines
join is the field parser's business (Banca Transilvania starts continuations with a space, BCR
and ING cut words and IBANs in the middle).
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field
from typing import Final

from genius.fiscal.ro.bankstatements.errors import MalformedStatement, UnknownStatementFormat

_TAG_RE: Final = re.compile(r"^:(\d{2}[A-Z]?):(.*)$")
# The SWIFT basic/application/user header blocks before the text block {4:.
_ENVELOPE_RE: Final = re.compile(r"^(?:\{[1-3]:(?:[^{}]|\{[^{}]*\})*\})*\{4:")
_COMMA_BELOW: Final = str.maketrans("şţŞŢ", "șțȘȚ")
_TRAILER_RE: Final = re.compile(r"^-?\}?(?:\{5:.*\})?$")


@dataclass(frozen=True)
class RawField:
    """One tagged field: its tag (``61``, ``60F``), its physical lines, the line number of the tag."""

    tag: str
    lines: tuple[str, ...]
    line: int

    @property
    def first(self) -> str:
        return self.lines[0]

    @property
    def continuation(self) -> tuple[str, ...]:
        return self.lines[1:]


@dataclass
class RawMessage:
    fields: list[RawField] = field(default_factory=list)

    @property
    def line(self) -> int:
        return self.fields[0].line if self.fields else 0


def decode(data: bytes) -> str:
    """The file as text: UTF-8 when it is, else Windows-1250 (Romanian banks' Windows exports)."""
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    if b"\x00" in data:
        raise UnknownStatementFormat("the file is binary (it holds NUL bytes), not an MT940 text")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = data.decode("cp1250", errors="replace")
    # Windows-1250 has only the cedilla forms ş ţ; Romanian writes s and t with a comma below.
    return text.translate(_COMMA_BELOW)


def read_messages(text: str) -> list[RawMessage]:
    """Split MT940 text into messages; refuses text outside fields, naming its line."""
    messages: list[RawMessage] = []
    current: RawMessage | None = None
    tag: str | None = None
    lines: list[str] = []
    start = 0

    def close_field() -> None:
        nonlocal tag, lines
        if tag is not None and current is not None:
            current.fields.append(RawField(tag, tuple(lines), start))
        tag, lines = None, []

    for number, raw in enumerate(re.split(r"\r\n|\r|\n", text), start=1):
        line = raw.rstrip("\x1a")  # DOS end-of-file marker some exports keep
        stripped = line.strip()
        envelope = _ENVELOPE_RE.match(stripped)
        if envelope:
            close_field()
            line = stripped[envelope.end() :]
            stripped = line.strip()
            if not stripped:
                continue
        match = _TAG_RE.match(line)
        if match:
            close_field()
            if match.group(1) == "20" or current is None:
                current = RawMessage()
                messages.append(current)
            tag, lines, start = match.group(1), [match.group(2)], number
            continue
        if not stripped:
            continue  # blank lines between messages or at the end
        if stripped in ("-", "-}", "}") or stripped.startswith("{5:") or _TRAILER_RE.fullmatch(stripped):
            close_field()
            continue
        if stripped == ":940:":
            continue  # a header line some banks put before each statement
        if tag is None:
            raise MalformedStatement(
                f"text outside any field: {stripped[:40]!r} (an MT940 field starts with :NN:)",
                field="file",
                line=number,
            )
        lines.append(line)
    close_field()
    if not messages:
        raise UnknownStatementFormat("no MT940 field (:20:, :25:, :60F:, :61:, ...) was found")
    return messages
