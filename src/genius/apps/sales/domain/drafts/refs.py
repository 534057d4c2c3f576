"""A draft's own checks: server-owned keys refused, the references it names read."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from genius.apps.sales.domain.invoices import DocumentType
from genius.kernel.errors import ProblemCollector, ValidationError

RON = "RON"
INVOICE_TYPE_CODES = frozenset({"380", "384", "751"})  # CIUS-RO BR-RO-020 minus self-billing (389)
CREDIT_NOTE_TYPE_CODE = "381"
# Payment means that pay into an account identified by an IBAN (UNTDID 4461).
IBAN_MEANS = frozenset({"30", "31", "42", "58"})
# Keys of the JSON form the server owns; the message says where the value comes from instead.
SERVER_OWNED = {
    "number": "assigned when the document is issued, from its series",
    "seller": "the seller is the company profile (PUT /api/v1/sales/company)",
    "specification_id": "always CIUS-RO's identifier",
}
PLACEHOLDER_NUMBER = "0"  # a draft is checked with this number; it is never stored


@dataclass(frozen=True)
class DraftRefs:
    """The server-side references a draft names (each id still to be looked up)."""

    series_id: str | None
    partner_id: str | None
    product_ids: tuple[str, ...]
    corrects_invoice_id: str | None
    issue_date: date | None


def _ref(problems: ProblemCollector, path: str, value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip() or len(value) > 64:
        problems.add(path, "an id as a string", "wrong_type")
        return None
    return value.strip()


def read_refs(document: Any, document_type: DocumentType) -> DraftRefs:
    """The references of a draft; refuses server-owned keys and malformed references."""
    if not isinstance(document, Mapping):
        raise ValidationError.for_field(
            "$", "the draft is a JSON object in the e-Factura JSON form", "wrong_type"
        )
    problems = ProblemCollector()
    for key, why in SERVER_OWNED.items():
        if key in document:
            problems.add(key, f"leave it out: {why}", "server_owned")
    kind = document.get("document_kind")
    expected = "CreditNote" if document_type == DocumentType.CREDIT_NOTE else "Invoice"
    if kind is not None and kind != expected:
        problems.add("document_kind", f"this endpoint makes a {expected}", "bad_value")
    corrects = _ref(problems, "corrects_invoice_id", document.get("corrects_invoice_id"))
    if document_type == DocumentType.CREDIT_NOTE and document.get("corrects_invoice_id") is None:
        problems.add(
            "corrects_invoice_id",
            "required: the id of the issued invoice this credit note corrects",
            "required",
        )
    if document_type == DocumentType.INVOICE and "corrects_invoice_id" in document:
        problems.add("corrects_invoice_id", "only a credit note corrects an invoice", "not_for_kind")
    buyer = document.get("buyer")
    partner_id = (
        _ref(problems, "buyer.partner_id", buyer.get("partner_id")) if isinstance(buyer, Mapping) else None
    )
    products: list[str] = []
    lines = document.get("lines")
    if isinstance(lines, list):
        for index, line in enumerate(lines):
            if isinstance(line, Mapping) and "product_id" in line:
                product_id = _ref(problems, f"lines[{index}].product_id", line["product_id"])
                if product_id:
                    products.append(product_id)
    issue_date = None
    if document.get("issue_date") is not None:
        try:
            issue_date = date.fromisoformat(str(document["issue_date"]))
        except ValueError:
            problems.add("issue_date", "a date YYYY-MM-DD", "bad_date")
    problems.raise_if_any("invalid draft")
    return DraftRefs(
        series_id=_ref(problems, "series_id", document.get("series_id")),
        partner_id=partner_id,
        product_ids=tuple(dict.fromkeys(products)),
        corrects_invoice_id=corrects,
        issue_date=issue_date,
    )
