"""Writes SourceDocuments' SalesInvoices, PurchaseInvoices and Payments (one loop for both kinds)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from genius.fiscal.ro.saft.errors import input_error
from genius.fiscal.ro.saft.model.common import Side
from genius.fiscal.ro.saft.model.documents import (
    DocumentTotals,
    Invoice,
    InvoiceLine,
    InvoiceSection,
    Payment,
    PaymentLine,
    PaymentSection,
    Settlement,
)
from genius.fiscal.ro.saft.writer.direct import (
    SELF_BILLING,
    SIDES,
    invoice_head_markup,
    invoice_line_markup,
    payment_head_markup,
    payment_line_markup,
)
from genius.fiscal.ro.saft.writer.fragment import (
    CODE,
    LONG,
    MIDDLE1,
    MIDDLE2,
    SHORT,
    Emitter,
    Fragment,
    money,
    rounded_money,
)
from genius.fiscal.ro.saft.writer.markup import Markup, plain
from genius.fiscal.ro.saft.writer.structures import address, amount, analysis, shipping_point, tax_information
from genius.fiscal.ro.saft.writer.tally import Tally

_SELF_BILLING = SELF_BILLING
_SIDES = SIDES


def _side(f: Fragment, side: Side, tally: Tally, value: Any) -> None:
    code = _SIDES.get(side)
    if code is None:
        raise input_error(f"{f.where}.DebitCreditIndicator", f"{side!r} is not a Side", "bad_side")
    f.raw("DebitCreditIndicator", code)
    if code == "D":
        tally.debit += value
    else:
        tally.credit += value


def _taxes(f: Fragment, taxes: tuple[Any, ...]) -> None:
    if not taxes:
        raise input_error(f"{f.where}.TaxInformation", "at least one TaxInformation is required", "required")
    for tax in taxes:
        tax_information(f, "TaxInformation", tax)


def _settlement(f: Fragment, tag: str, value: Settlement | None, *, amount_required: bool) -> None:
    if value is None:
        return
    f.open(tag)
    f.opt_text("SettlementDiscount", value.discount, MIDDLE1)
    if value.amount is not None:
        amount(f, "SettlementAmount", value.amount)
    elif amount_required:
        raise input_error(
            f"{f.where}.{tag}.SettlementAmount", "is required in an invoice settlement", "required"
        )
    f.opt_date("SettlementDate", value.settlement_date)
    f.opt_text("PaymentMechanism", value.payment_mechanism, CODE)
    f.close()


def _document_totals(f: Fragment, tag: str, value: DocumentTotals | None, *, invoice: bool) -> None:
    if value is None:
        return
    f.open(tag)
    for tax in value.tax_totals:
        tax_information(f, "TaxInformationTotals", tax)
    if invoice:
        f.opt_money("ShippingCostsAmountTotal", value.shipping_costs_total)
        if value.net_total is None:
            raise input_error(f"{f.where}.{tag}.NetTotal", "is required in invoice totals", "required")
        f.money("NetTotal", value.net_total)
    else:
        f.opt_money("NetTotal", value.net_total)
    f.money("GrossTotal", value.gross_total)
    f.close()


def _invoice_head(emitter: Emitter, where: str, item: Invoice, partner_tag: str) -> str:
    f = Fragment(where)
    f.text("InvoiceNo", item.invoice_no, MIDDLE2)
    f.open(f"{partner_tag}Info")
    # The ID branch only: DUK refuses the Name alternative of the xs:choice.
    f.text(f"{partner_tag}ID", item.partner_id, MIDDLE1)
    address(f, "BillingAddress", item.billing_address)
    f.close()
    f.text("AccountID", item.account_id, MIDDLE2)
    f.opt_text("BranchStoreNumber", item.branch_store_number, MIDDLE1)
    f.opt_integer("Period", item.period)
    f.opt_integer("PeriodYear", item.period_year)
    f.date("InvoiceDate", item.invoice_date)
    f.text("InvoiceType", item.invoice_type, CODE)
    shipping_point(f, "ShipTo", item.ship_to)
    shipping_point(f, "ShipFrom", item.ship_from)
    f.opt_text("PaymentTerms", item.payment_terms, MIDDLE2)
    if item.self_billing_indicator not in _SELF_BILLING:
        raise input_error(
            f"{where}.SelfBillingIndicator", "use 389 for a self-invoice, 0 otherwise", "bad_code"
        )
    f.raw("SelfBillingIndicator", item.self_billing_indicator)
    f.opt_text("SourceID", item.source_id, MIDDLE1)
    f.opt_date("GLPostingDate", item.gl_posting_date)
    f.opt_text("BatchID", item.batch_id, MIDDLE1)
    f.opt_text("SystemID", item.system_id, MIDDLE1)
    f.opt_text("TransactionID", item.transaction_id, MIDDLE2)
    f.opt_text("ReceiptNumbers", item.receipt_numbers, LONG)
    return emitter.markup(f)


def _invoice_line(emitter: Emitter, where: str, line: InvoiceLine, index: int, tally: Tally) -> str:
    f = Fragment(f"{where}.InvoiceLine[{line.line_number or index}]")
    f.open("InvoiceLine")
    f.opt_text("LineNumber", line.line_number, SHORT)
    f.text("AccountID", line.account_id, MIDDLE2)
    for item in line.analysis:
        analysis(f, item)
    for reference in line.order_references:
        f.open("OrderReferences")
        f.opt_text("OriginatingON", reference.originating_on, MIDDLE2)
        f.opt_date("OrderDate", reference.order_date)
        f.close()
    shipping_point(f, "ShipTo", line.ship_to)
    shipping_point(f, "ShipFrom", line.ship_from)
    f.opt_text("GoodsServicesID", line.goods_services_id, CODE)
    f.opt_text("ProductCode", line.product_code, MIDDLE2)
    f.opt_text("ProductDescription", line.product_description, LONG)
    if line.delivery is not None:
        delivery = line.delivery
        f.open("Delivery")
        if delivery.movement_references:
            for reference in delivery.movement_references:
                f.text("MovementReference", reference, MIDDLE1)
        elif delivery.delivery_date is not None:
            f.date("DeliveryDate", delivery.delivery_date)
        else:
            f.open("DeliveryPeriod")
            f.date("FromDate", delivery.period_from)
            f.date("ToDate", delivery.period_to)
            f.close()
        f.close()
    f.quantity("Quantity", line.quantity)
    f.opt_text("InvoiceUOM", line.uom, CODE)
    f.opt_decimal("UOMToUOMBaseConversionFactor", line.uom_conversion_factor)
    f.raw("UnitPrice", rounded_money(line.unit_price, f"{f.where}.UnitPrice"))
    f.date("TaxPointDate", line.tax_point_date)
    if line.credit_note_reference is not None or line.credit_note_reason is not None:
        f.open("References")
        f.open("CreditNote")
        f.opt_text("Reference", line.credit_note_reference, MIDDLE1)
        f.opt_text("Reason", line.credit_note_reason, LONG)
        f.close()
        f.close()
    f.text("Description", line.description, LONG)
    amount(f, "InvoiceLineAmount", line.amount)
    _side(f, line.side, tally, line.amount.amount)
    if line.shipping_costs is not None:
        amount(f, "ShippingCostsAmount", line.shipping_costs)
    _taxes(f, line.tax)
    f.close()
    return emitter.markup(f)


def _declared(emitter: Emitter, where: str, totals: Any) -> None:
    money(totals.total_debit, f"{where}.TotalDebit")
    money(totals.total_credit, f"{where}.TotalCredit")
    if totals.number_of_entries:
        f = Fragment(where)
        f.integer("NumberOfEntries", totals.number_of_entries)
        f.money("TotalDebit", totals.total_debit)
        f.money("TotalCredit", totals.total_credit)
        emitter.write(f)


def _payment_head(emitter: Emitter, where: str, item: Payment) -> str:
    f = Fragment(where)
    f.text("PaymentRefNo", item.payment_ref_no, MIDDLE1)
    f.opt_integer("Period", item.period)
    f.opt_integer("PeriodYear", item.period_year)
    f.opt_text("TransactionID", item.transaction_id, MIDDLE2)
    f.date("TransactionDate", item.transaction_date)
    f.text("PaymentMethod", item.payment_method, SHORT)
    f.text("Description", item.description, LONG)
    f.opt_text("BatchID", item.batch_id, MIDDLE1)
    f.opt_text("SystemID", item.system_id, MIDDLE1)
    f.opt_text("SourceID", item.source_id, MIDDLE1)
    return emitter.markup(f)


def _payment_line(emitter: Emitter, where: str, line: PaymentLine, index: int, tally: Tally) -> str:
    f = Fragment(f"{where}.PaymentLine[{line.line_number or index}]")
    f.open("PaymentLine")
    f.opt_text("LineNumber", line.line_number, SHORT)
    f.opt_text("SourceDocumentID", line.source_document_id, MIDDLE1)
    f.text("AccountID", line.account_id, MIDDLE2)
    for item in line.analysis:
        analysis(f, item)
    f.text("CustomerID", line.customer_id, MIDDLE1)
    f.text("SupplierID", line.supplier_id, MIDDLE1)
    f.opt_date("TaxPointDate", line.tax_point_date)
    f.opt_text("Description", line.description, LONG)
    _side(f, line.side, tally, line.amount.amount)
    amount(f, "PaymentLineAmount", line.amount)
    _taxes(f, line.tax)
    f.close()
    return emitter.markup(f)


@dataclass(frozen=True, slots=True)
class _DocumentKind:
    """What differs between an invoice and a payment in the one SourceDocuments loop."""

    element: str
    line_element: str
    noun: str
    settlement: str
    totals: str
    invoice: bool  # an invoice's settlement needs an amount and its totals a NetTotal


_INVOICE = _DocumentKind(
    "Invoice", "InvoiceLine", "an invoice", "InvoiceSettlement", "InvoiceDocumentTotals", invoice=True
)
_PAYMENT = _DocumentKind(
    "Payment", "PaymentLine", "a payment", "PaymentSettlement", "PaymentDocumentTotals", invoice=False
)


def _documents(
    xf: Markup,
    emitter: Emitter,
    section: str,
    kind: _DocumentKind,
    data: InvoiceSection | PaymentSection | None,
    head: Callable[[Emitter, str, Any], str],
    line_writer: Callable[[Emitter, str, Any, int, Tally], str],
    direct_head: Callable[[Any], str | None],
    direct_line: Callable[[Any], str | None],
) -> Tally:
    """The section's declared totals, then each document: head, its lines (at least one), tail.

    Heads and lines are formatted directly (``direct``) when they have the common form, by the
    fragment writers otherwise (which also name what is wrong).
    """
    where = f"SourceDocuments.{section}"
    tally = Tally(where)
    write = xf.write
    with xf.element(section):
        if data is None:
            return tally
        _declared(emitter, where, data.totals)
        documents = data.invoices if isinstance(data, InvoiceSection) else data.payments
        for item in documents:
            d_where = ""  # the record's path, built only when the fragment writers need it
            markup = direct_head(item)
            if markup is None:
                d_where = _document_where(where, kind, item)
                markup = f"<{kind.element}>" + head(emitter, d_where, item)
            write(markup)
            lines = 0
            for line in item.lines:
                lines += 1
                markup = direct_line(line)
                if markup is None:
                    d_where = d_where or _document_where(where, kind, item)
                    markup = line_writer(emitter, d_where, line, lines, tally)
                elif _SIDES[line.side] == "D":
                    tally.debit += line.amount.amount
                else:
                    tally.credit += line.amount.amount
                write(markup)
            if not lines:
                raise input_error(
                    f"{_document_where(where, kind, item)}.{kind.line_element}",
                    f"{kind.noun} needs at least one line",
                    "required",
                )
            tally.lines += lines
            settlement, totals = item.settlement, item.totals
            if settlement is not None or totals is not None:
                mechanism = _mechanism_only(settlement) if totals is None else None
                if mechanism is not None:
                    write(
                        f"<{kind.settlement}><PaymentMechanism>{mechanism}</PaymentMechanism>"
                        f"</{kind.settlement}>"
                    )
                else:
                    tail = Fragment(d_where or _document_where(where, kind, item))
                    _settlement(tail, kind.settlement, settlement, amount_required=kind.invoice)
                    _document_totals(tail, kind.totals, totals, invoice=kind.invoice)
                    if tail.events:
                        write(emitter.markup(tail))
            write(f"</{kind.element}>")
            tally.count += 1
    return tally


def _document_where(where: str, kind: _DocumentKind, item: Any) -> str:
    return f"{where}.{kind.element}[{item.invoice_no if kind.invoice else item.payment_ref_no}]"


def _mechanism_only(value: Settlement | None) -> str | None:
    """The PaymentMechanism of a settlement that has nothing else (a payment's usual one), or None."""
    if (
        value is None
        or value.amount is not None
        or value.discount is not None
        or value.settlement_date is not None
    ):
        return None
    mechanism = value.payment_mechanism
    if mechanism.__class__ is not str or len(mechanism) > CODE or not plain(mechanism):
        return None
    return mechanism


def write_invoices(xf: Markup, emitter: Emitter, section: str, data: InvoiceSection | None) -> Tally:
    partner_tag = "Customer" if section == "SalesInvoices" else "Supplier"

    def head(emitter: Emitter, where: str, item: Invoice) -> str:
        return _invoice_head(emitter, where, item, partner_tag)

    def direct_head(item: Invoice) -> str | None:
        return invoice_head_markup(item, partner_tag)

    return _documents(
        xf, emitter, section, _INVOICE, data, head, _invoice_line, direct_head, invoice_line_markup
    )


def write_payments(xf: Markup, emitter: Emitter, data: PaymentSection | None) -> Tally:
    return _documents(
        xf,
        emitter,
        "Payments",
        _PAYMENT,
        data,
        _payment_head,
        _payment_line,
        payment_head_markup,
        payment_line_markup,
    )
