"""Sales documents (invoices and credit notes): their lifecycle and the rules on each move.

::

    draft --issue--> issued --(ANAF step)--> submitted --> accepted
      |                 |                        \\------> rejected
    delete            cancel --> cancelled

- A draft can be changed or deleted; it has no number.
- Issuing assigns the number, builds and validates the UBL and freezes the document: an issued
  document is never edited again (``sales.invoice.immutable``) nor issued twice
  (``sales.invoice.issue-once``).
- Cancelling is possible only before the invoice is sent to ANAF; afterwards the correction is a
  credit note (``sales.invoice.cancel-before-anaf``): a document in SPV cannot be withdrawn.
- A credit note corrects one issued invoice (BG-3), in the same currency, and the credit notes of
  an invoice together never credit more than it was for (``sales.credit-note.exceeds-invoice``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from genius.apps.sales.domain.errors import LifecycleConflict
from genius.fiscal.ro.efactura.model import Invoice
from genius.kernel.errors import Conflict, ValidationError
from genius.kernel.money import round_money

RULE_IMMUTABLE = "sales.invoice.immutable"
RULE_ISSUE_ONCE = "sales.invoice.issue-once"
RULE_CANCEL_BEFORE_ANAF = "sales.invoice.cancel-before-anaf"
RULE_DELETE_DRAFT_ONLY = "sales.invoice.delete-draft-only"
RULE_CREDIT_ISSUED_ONLY = "sales.credit-note.corrects-issued-invoice"
RULE_CREDIT_CURRENCY = "sales.credit-note.same-currency"
RULE_CREDIT_EXCEEDS = "sales.credit-note.exceeds-invoice"
MAX_CANCEL_REASON = 500


class DocumentType(StrEnum):
    INVOICE = "invoice"
    CREDIT_NOTE = "credit_note"


class InvoiceStatus(StrEnum):
    DRAFT = "draft"
    ISSUED = "issued"
    SUBMITTED = "submitted"  # uploaded to ANAF SPV, waiting for its verdict
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    CANCELLED = "cancelled"


# States in which the document has been handed to ANAF (SPV): only a credit note corrects it.
SENT_TO_ANAF = frozenset({InvoiceStatus.SUBMITTED, InvoiceStatus.ACCEPTED, InvoiceStatus.REJECTED})
# States of an issued (numbered) document that a credit note may correct. A document ANAF
# rejected for its content is corrected by a credit note and a new invoice (it cannot be edited).
CORRECTABLE = frozenset(
    {InvoiceStatus.ISSUED, InvoiceStatus.SUBMITTED, InvoiceStatus.ACCEPTED, InvoiceStatus.REJECTED}
)


def _label(document_type: DocumentType) -> str:
    return "credit note" if document_type == DocumentType.CREDIT_NOTE else "invoice"


def ensure_editable(status: InvoiceStatus, number: str | None, document_type: DocumentType) -> None:
    """Only a draft changes; an issued document is final (correct it with a credit note)."""
    if status != InvoiceStatus.DRAFT:
        raise LifecycleConflict(
            f"{_label(document_type)} {number or ''} is {status}: an issued document cannot be edited;"
            " correct it with a credit note",
            rule=RULE_IMMUTABLE,
            code="invoice_not_draft",
            status=status,
        )


def ensure_issuable(status: InvoiceStatus, number: str | None, document_type: DocumentType) -> None:
    if status != InvoiceStatus.DRAFT:
        what = f"was already issued as {number}" if number else f"is {status}"
        raise LifecycleConflict(
            f"this {_label(document_type)} {what}: a document is issued once",
            rule=RULE_ISSUE_ONCE,
            code="invoice_already_issued",
            status=status,
        )


def ensure_deletable(status: InvoiceStatus) -> None:
    if status != InvoiceStatus.DRAFT:
        raise LifecycleConflict(
            f"only drafts can be deleted; this document is {status}"
            " (cancel it, or correct it with a credit note)",
            rule=RULE_DELETE_DRAFT_ONLY,
            code="invoice_not_draft",
            status=status,
        )


def ensure_cancellable(status: InvoiceStatus, number: str | None, document_type: DocumentType) -> None:
    """Cancel only an issued document not yet sent to ANAF."""
    label = _label(document_type)
    if status in SENT_TO_ANAF:
        raise LifecycleConflict(
            f"{label} {number} was sent to ANAF (e-Factura SPV) and cannot be cancelled any more:"
            " issue a credit note for it instead (POST /api/v1/sales/credit-notes)",
            rule=RULE_CANCEL_BEFORE_ANAF,
            code="invoice_sent_to_anaf",
            status=status,
        )
    if status == InvoiceStatus.DRAFT:
        raise LifecycleConflict(
            f"a draft {label} has no number to cancel: delete it instead",
            rule=RULE_CANCEL_BEFORE_ANAF,
            code="invoice_not_issued",
            status=status,
        )
    if status == InvoiceStatus.CANCELLED:
        raise LifecycleConflict(
            f"{label} {number} is already cancelled",
            rule=RULE_CANCEL_BEFORE_ANAF,
            code="invoice_cancelled",
            status=status,
        )


def check_cancel_reason(reason: str | None) -> str:
    text = " ".join((reason or "").split())
    if not text:
        raise ValidationError.for_field(
            "reason", "say why the invoice is cancelled (kept with it and audited)", "required"
        )
    if len(text) > MAX_CANCEL_REASON:
        raise ValidationError.for_field("reason", f"at most {MAX_CANCEL_REASON} characters", "too_long")
    return text


@dataclass(frozen=True)
class CorrectedInvoice:
    """What a credit note needs to know of the invoice it corrects."""

    id: str
    number: str
    issue_date: date
    tax_point_date: date
    currency: str
    exchange_rate: Decimal | None
    partner_id: str | None
    payable_amount: Decimal
    status: InvoiceStatus
    document_type: DocumentType
    credited_so_far: Decimal  # payable amounts of the credit notes already issued for it


def ensure_correctable(target: CorrectedInvoice) -> None:
    if target.document_type != DocumentType.INVOICE or target.status not in CORRECTABLE:
        what = "a credit note" if target.document_type == DocumentType.CREDIT_NOTE else f"{target.status}"
        raise Conflict(
            f"a credit note corrects an issued invoice; {target.number or target.id} is {what}"
            f" ({RULE_CREDIT_ISSUED_ONLY})",
            code="credit_note_target",
            details={"rule": RULE_CREDIT_ISSUED_ONLY, "status": str(target.status)},
        )


def check_credit(target: CorrectedInvoice, currency: str, payable: Decimal) -> None:
    """The credit note is in the invoice's currency and keeps the credited total within the invoice."""
    if currency != target.currency:
        raise ValidationError.for_field(
            "currency",
            f"a credit note is in the currency of the invoice it corrects ({target.currency})",
            RULE_CREDIT_CURRENCY,
        )
    remaining = round_money(target.payable_amount - target.credited_so_far)
    if payable > remaining:
        raise ValidationError.for_field(
            "lines",
            f"the credit note is for {payable:f} {currency} but only {remaining:f} of invoice {target.number}"
            f" ({target.payable_amount:f}) is left to credit",
            RULE_CREDIT_EXCEEDS,
        )


@dataclass(frozen=True)
class Totals:
    """The amounts lists and events show, from the computed EN 16931 model (BG-22)."""

    line_net_total: Decimal
    tax_exclusive_amount: Decimal
    vat_total: Decimal
    vat_total_ron: Decimal
    tax_inclusive_amount: Decimal
    payable_amount: Decimal

    @classmethod
    def of(cls, invoice: Invoice) -> Totals:
        t = invoice.totals
        zero = Decimal("0.00")
        vat_total = t.vat_total if t.vat_total is not None else zero
        ron = t.vat_total_accounting if t.vat_total_accounting is not None else vat_total
        return cls(
            line_net_total=t.line_net_total or zero,
            tax_exclusive_amount=t.tax_exclusive_amount or zero,
            vat_total=vat_total,
            vat_total_ron=ron,
            tax_inclusive_amount=t.tax_inclusive_amount or zero,
            payable_amount=t.payable_amount if t.payable_amount is not None else zero,
        )

    def payable_in_ron(self, currency: str, exchange_rate: Decimal | None) -> Decimal:
        """For limits set in lei (the issuing user's max_invoice_amount)."""
        if currency == "RON" or exchange_rate is None:
            return self.payable_amount
        return round_money(self.payable_amount * exchange_rate)
