"""Bank statements as Romanian banks deliver them: MT940 (BCR, BRD, Banca Transilvania, ING,
Raiffeisen layouts of :86:) and CAMT.053 (ISO 20022, 001.02 to 001.08), parsed into one typed
model. Pure functions: bytes in, ``StatementFile`` out, no I/O, no clock.

Public API::

    parse_statement_file(data, format=None) -> StatementFile   format auto-detected when None
    detect_format(data) -> StatementFormat
    StatementFile, BankStatement, Balance, StatementLine, StatementFormat     (model)
    StatementError, UnknownStatementFormat, StatementTooLarge, MalformedStatement, UnsafeXml
    MAX_STATEMENT_BYTES

Every refusal names the line (MT940) or element path and line (CAMT.053) at fault. A statement
whose closing balance is not its opening balance plus its lines is refused: the file is
incomplete or altered.
"""

from __future__ import annotations

from genius.fiscal.ro.bankstatements.camt053 import MAX_STATEMENT_BYTES, parse_camt053
from genius.fiscal.ro.bankstatements.errors import (
    MalformedStatement,
    StatementError,
    StatementTooLarge,
    UnknownStatementFormat,
    UnsafeXml,
)
from genius.fiscal.ro.bankstatements.model import (
    Balance,
    BankStatement,
    StatementFile,
    StatementFormat,
    StatementLine,
)
from genius.fiscal.ro.bankstatements.mt940 import parse_mt940


def detect_format(data: bytes) -> StatementFormat:
    """XML -> CAMT.053; text with MT940 tags -> MT940; anything else is refused."""
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"<") or head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return StatementFormat.CAMT053
    if b":20:" in data[:65536] and (b":60F:" in data or b":60M:" in data or b":61:" in data):
        return StatementFormat.MT940
    raise UnknownStatementFormat(
        "the file is neither a CAMT.053 XML statement nor an MT940 text statement (no :20:/:60F: fields)"
    )


def parse_statement_file(data: bytes, format: StatementFormat | str | None = None) -> StatementFile:
    """Parse a statement file; ``format`` ("mt940" or "camt053") skips detection."""
    if isinstance(data, bytearray | memoryview):
        data = bytes(data)
    if not isinstance(data, bytes):
        raise TypeError(f"statement files are bytes, not {type(data).__name__}")
    if len(data) > MAX_STATEMENT_BYTES:
        raise StatementTooLarge(
            f"the file has {len(data):,} bytes; at most {MAX_STATEMENT_BYTES:,} are accepted"
        )
    if not data.strip():
        raise UnknownStatementFormat("the file is empty")
    if format is None:
        chosen = detect_format(data)
    else:
        try:
            chosen = StatementFormat(str(format).lower().replace(".", "").replace("_", ""))
        except ValueError:
            raise UnknownStatementFormat(
                f"format {format!r} is not one of: " + ", ".join(f.value for f in StatementFormat)
            ) from None
    statements = parse_mt940(data) if chosen is StatementFormat.MT940 else parse_camt053(data)
    return StatementFile(format=chosen, statements=tuple(statements))


__all__ = [
    "MAX_STATEMENT_BYTES",
    "Balance",
    "BankStatement",
    "MalformedStatement",
    "StatementError",
    "StatementFile",
    "StatementFormat",
    "StatementLine",
    "StatementTooLarge",
    "UnknownStatementFormat",
    "UnsafeXml",
    "detect_format",
    "parse_statement_file",
]
