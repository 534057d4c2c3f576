"""The error tree of bank statement parsing; every error names the line or element at fault.

ValidationError (kernel)
└── StatementError              a statement file Genius cannot read
    ├── UnknownStatementFormat  neither MT940 nor CAMT.053 (or a format that was not asked for)
    ├── StatementTooLarge       above MAX_STATEMENT_BYTES, refused before parsing
    ├── MalformedStatement      a field breaks its format: ``field`` is the MT940 tag or the
    │                           CAMT element path, the message starts with the line number
    └── UnsafeXml               a DTD, an entity or an external reference in a CAMT file
"""

from __future__ import annotations

from genius.kernel.errors import FieldProblem, ValidationError


class StatementError(ValidationError):
    code = "bank_statement_invalid"

    def __init__(self, message: str, *, field: str = "file", line: int | None = None) -> None:
        where = f"line {line}: " if line is not None else ""
        self.line = line
        self.field = field
        super().__init__(
            f"{field}: {where}{message}" if field != "file" else f"{where}{message}",
            problems=[FieldProblem(field, self.code, f"{where}{message}")],
        )


class UnknownStatementFormat(StatementError):
    code = "bank_statement_unknown_format"


class StatementTooLarge(StatementError):
    code = "bank_statement_too_large"


class MalformedStatement(StatementError):
    code = "bank_statement_malformed"


class UnsafeXml(StatementError):
    code = "bank_statement_unsafe_xml"
