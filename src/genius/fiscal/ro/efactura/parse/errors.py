"""The parser's error tree: why a UBL document was refused, naming the field (XPath) when it is one.

Every refusal is a :class:`ParseError`, an ``EfacturaError`` and so a kernel ``ValidationError``
(HTTP 422 at the gateway). Its subclasses say what kind of problem it was::

    ValidationError                 (genius.kernel.errors)
    └── EfacturaError               (genius.fiscal.ro.efactura.errors, the package's root)
        └── ParseError              the document cannot be read into the EN 16931 model
            ├── DocumentTooLarge    over MAX_DOCUMENT_BYTES; refused before any parsing
            ├── MalformedXml        not well-formed XML (message has line and column)
            ├── UnsafeXml           DTD, entity declaration or external reference: never processed
            ├── NotAnInvoice        root is not a UBL 2.1 Invoice or CreditNote (name or namespace)
            └── InvalidField        a field is missing, repeated, or its value cannot be read;
                                    ``problems[0].field`` is the XPath, e.g.
                                    ``/Invoice/cac:InvoiceLine[2]/cbc:InvoicedQuantity/@unitCode``
"""

from __future__ import annotations

from genius.fiscal.ro.efactura.errors import EfacturaError
from genius.kernel.errors import FieldProblem


class ParseError(EfacturaError):
    """The document cannot be read into the EN 16931 model."""

    code = "efactura_parse_error"

    def __init__(
        self,
        message: str,
        *,
        field: str = "document",
        problem_code: str | None = None,
        problems: list[FieldProblem] | None = None,
    ) -> None:
        # ``problems`` keeps EfacturaError.from_problems working for every subclass.
        self.field = problems[0].field if problems else field
        super().__init__(
            message,
            problems=problems or [FieldProblem(field, problem_code or self.code, message)],
            code=self.code,
        )


class DocumentTooLarge(ParseError):
    code = "efactura_document_too_large"


class MalformedXml(ParseError):
    code = "efactura_malformed_xml"


class UnsafeXml(ParseError):
    code = "efactura_unsafe_xml"


class NotAnInvoice(ParseError):
    code = "efactura_not_an_invoice"


class InvalidField(ParseError):
    """A field is missing, repeated or unreadable; ``field`` is its XPath."""

    code = "efactura_invalid_field"

    def __init__(self, path: str, message: str) -> None:
        super().__init__(f"{path}: {message}", field=path)


__all__ = ["DocumentTooLarge", "InvalidField", "MalformedXml", "NotAnInvoice", "ParseError", "UnsafeXml"]
