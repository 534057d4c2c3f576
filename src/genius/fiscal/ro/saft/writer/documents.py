"""Writes SourceDocuments: SalesInvoices, PurchaseInvoices, Payments, MovementOfGoods, AssetTransactions."""

from __future__ import annotations

from typing import Any

from genius.fiscal.ro.saft.errors import input_error
from genius.fiscal.ro.saft.model.common import Side
from genius.fiscal.ro.saft.model.documents import (
    AssetTransaction,
    DocumentTotals,
    Invoice,
    InvoiceLine,
    InvoiceSection,
    MovementSection,
    Payment,
    PaymentLine,
    PaymentSection,
    Settlement,
    StockDirection,
    StockMovement,
    StockMovementLine,
)
from genius.fiscal.ro.saft.versions import SchemaVersion
from genius.fiscal.ro.saft.writer.fragment import (
    CODE,
    LONG,
    MIDDLE1,
    MIDDLE2,
    SHORT,
    Emitter,
    Fragment,
    money,
    quantity,
    rounded_money,
)
from genius.fiscal.ro.saft.writer.structures import address, amount, analysis, shipping_point, tax_information
from genius.fiscal.ro.saft.writer.tally import MovementTally, Tally

_SELF_BILLING = frozenset({"0", "389"})
_SIDES = {Side.DEBIT: "D", Side.CREDIT: "C"}


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


def _invoice_head(emitter: Emitter, where: str, item: Invoice, partner_tag: str) -> None:
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
    emitter.write(f)


def _invoice_line(emitter: Emitter, where: str, line: InvoiceLine, index: int, tally: Tally) -> None:
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
    emitter.write(f)


def _invoices(
    xf: Any, emitter: Emitter, section: str, partner_tag: str, data: InvoiceSection | None
) -> Tally:
    where = f"SourceDocuments.{section}"
    tally = Tally(where)
    with xf.element(section):
        if data is None:
            return tally
        _declared(emitter, where, data.totals)
        for item in data.invoices:
            i_where = f"{where}.Invoice[{item.invoice_no}]"
            with xf.element("Invoice"):
                _invoice_head(emitter, i_where, item, partner_tag)
                lines = 0
                for line in item.lines:
                    lines += 1
                    _invoice_line(emitter, i_where, line, lines, tally)
                if not lines:
                    raise input_error(
                        f"{i_where}.InvoiceLine", "an invoice needs at least one line", "required"
                    )
                tally.lines += lines
                tail = Fragment(i_where)
                _settlement(tail, "InvoiceSettlement", item.settlement, amount_required=True)
                _document_totals(tail, "InvoiceDocumentTotals", item.totals, invoice=True)
                if tail.events:
                    emitter.write(tail)
            tally.count += 1
    return tally


def _declared(emitter: Emitter, where: str, totals: Any) -> None:
    money(totals.total_debit, f"{where}.TotalDebit")
    money(totals.total_credit, f"{where}.TotalCredit")
    if totals.number_of_entries:
        f = Fragment(where)
        f.integer("NumberOfEntries", totals.number_of_entries)
        f.money("TotalDebit", totals.total_debit)
        f.money("TotalCredit", totals.total_credit)
        emitter.write(f)


def _payment_head(emitter: Emitter, where: str, item: Payment) -> None:
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
    emitter.write(f)


def _payment_line(emitter: Emitter, where: str, line: PaymentLine, index: int, tally: Tally) -> None:
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
    emitter.write(f)


def _payments(xf: Any, emitter: Emitter, data: PaymentSection | None) -> Tally:
    where = "SourceDocuments.Payments"
    tally = Tally(where)
    with xf.element("Payments"):
        if data is None:
            return tally
        _declared(emitter, where, data.totals)
        for item in data.payments:
            p_where = f"{where}.Payment[{item.payment_ref_no}]"
            with xf.element("Payment"):
                _payment_head(emitter, p_where, item)
                lines = 0
                for line in item.lines:
                    lines += 1
                    _payment_line(emitter, p_where, line, lines, tally)
                if not lines:
                    raise input_error(
                        f"{p_where}.PaymentLine", "a payment needs at least one line", "required"
                    )
                tally.lines += lines
                tail = Fragment(p_where)
                _settlement(tail, "PaymentSettlement", item.settlement, amount_required=False)
                _document_totals(tail, "PaymentDocumentTotals", item.totals, invoice=False)
                if tail.events:
                    emitter.write(tail)
            tally.count += 1
    return tally


def _movement_head(emitter: Emitter, where: str, item: StockMovement) -> None:
    f = Fragment(where)
    f.text("MovementReference", item.movement_reference, MIDDLE1)
    f.date("MovementDate", item.movement_date)
    f.opt_date("MovementPostingDate", item.posting_date)
    f.opt_time("MovementPostingTime", item.posting_time)
    f.opt_date("TaxPointDate", item.tax_point_date)
    f.text("MovementType", item.movement_type, CODE)
    f.opt_text("SourceID", item.source_id, MIDDLE1)
    f.opt_text("SystemID", item.system_id, MIDDLE1)
    if item.document_reference is not None:
        f.open("DocumentReference")
        f.text("DocumentType", item.document_reference.document_type, SHORT)
        f.text("DocumentNumber", item.document_reference.document_number, MIDDLE1)
        f.opt_text("DocumentLine", item.document_reference.document_line, SHORT)
        f.close()
    emitter.write(f)


def _movement_line(
    emitter: Emitter, where: str, line: StockMovementLine, tally: MovementTally, factor_tag: str
) -> None:
    f = Fragment(f"{where}.StockMovementLine[{line.line_number}]")
    f.open("StockMovementLine")
    f.text("LineNumber", line.line_number, SHORT)
    f.text("AccountID", line.account_id, MIDDLE2)
    f.opt_text("TransactionID", line.transaction_id, MIDDLE2)
    f.text("CustomerID", line.customer_id, MIDDLE1)
    f.text("SupplierID", line.supplier_id, MIDDLE1)
    shipping_point(f, "ShipTo", line.ship_to)
    shipping_point(f, "ShipFrom", line.ship_from)
    f.text("ProductCode", line.product_code, MIDDLE2)
    f.opt_text("StockAccountNo", line.stock_account_no, MIDDLE2)
    f.raw("Quantity", quantity(line.quantity, f"{f.where}.Quantity"))
    f.text("UnitOfMeasure", line.unit_of_measure, CODE)
    f.decimal(factor_tag, line.uom_conversion_factor)
    f.opt_money("BookValue", line.book_value)
    f.text("MovementSubType", line.movement_subtype, CODE)
    f.opt_text("MovementComments", line.comments, LONG)
    for tax in line.tax:
        tax_information(f, "TaxInformation", tax)
    f.close()
    emitter.write(f)
    tally.lines += 1
    if line.direction is StockDirection.RECEIVED:
        tally.received += line.quantity
    elif line.direction is StockDirection.ISSUED:
        tally.issued += line.quantity
    else:
        raise input_error(
            f"{f.where}.direction", f"{line.direction!r} is not a StockDirection", "bad_direction"
        )


def _movements(
    xf: Any, emitter: Emitter, data: MovementSection | None, version: SchemaVersion
) -> MovementTally:
    where = "SourceDocuments.MovementOfGoods"
    tally = MovementTally()
    with xf.element("MovementOfGoods"):
        if data is None:
            return tally
        totals = data.totals
        if totals.number_of_lines:
            f = Fragment(where)
            f.integer("NumberOfMovementLines", totals.number_of_lines)
            f.quantity("TotalQuantityReceived", totals.quantity_received)
            f.quantity("TotalQuantityIssued", totals.quantity_issued)
            emitter.write(f)
        factor_tag = version.element("movement_uom_factor")
        for item in data.movements:
            m_where = f"{where}.StockMovement[{item.movement_reference}]"
            with xf.element("StockMovement"):
                _movement_head(emitter, m_where, item)
                before = tally.lines
                for line in item.lines:
                    _movement_line(emitter, m_where, line, tally, factor_tag)
                if tally.lines == before:
                    raise input_error(
                        f"{m_where}.StockMovementLine", "a movement needs at least one line", "required"
                    )
    return tally


def _asset_transaction(emitter: Emitter, item: AssetTransaction) -> None:
    f = Fragment(f"SourceDocuments.AssetTransactions.AssetTransaction[{item.asset_transaction_id}]")
    if not item.valuations:
        raise input_error(
            f"{f.where}.AssetTransactionValuations", "at least one valuation is required", "required"
        )
    f.open("AssetTransaction")
    f.text("AssetTransactionID", item.asset_transaction_id, MIDDLE2)
    f.text("AssetID", item.asset_id, MIDDLE1)
    f.text("AssetTransactionType", item.transaction_type, CODE)
    f.opt_text("Description", item.description, LONG)
    f.date("AssetTransactionDate", item.transaction_date)
    if item.supplier is not None:
        f.open("AssetSupplier")
        f.text("SupplierName", item.supplier.name, MIDDLE2)
        f.text("SupplierID", item.supplier.supplier_id, MIDDLE1)
        address(f, "PostalAddress", item.supplier.address)
        f.close()
    f.text("TransactionID", item.transaction_id, MIDDLE2)
    f.open("AssetTransactionValuations")
    for valuation in item.valuations:
        f.open("AssetTransactionValuation")
        f.opt_text("AssetValuationType", valuation.valuation_type, SHORT)
        f.money("AcquisitionAndProductionCostsOnTransaction", valuation.acquisition_cost_on_transaction)
        f.money("BookValueOnTransaction", valuation.book_value_on_transaction)
        f.money("AssetTransactionAmount", valuation.transaction_amount)
        f.close()
    f.close()
    f.close()
    emitter.write(f)


def write_invoices(xf: Any, emitter: Emitter, section: str, data: InvoiceSection | None) -> Tally:
    return _invoices(xf, emitter, section, "Customer" if section == "SalesInvoices" else "Supplier", data)


def write_payments(xf: Any, emitter: Emitter, data: PaymentSection | None) -> Tally:
    return _payments(xf, emitter, data)


def write_movements(
    xf: Any, emitter: Emitter, data: MovementSection | None, version: SchemaVersion
) -> MovementTally:
    return _movements(xf, emitter, data, version)


def write_asset_transactions(xf: Any, emitter: Emitter, declared: int, items: Any) -> int:
    """AssetTransactions (annual D406): NumberOfAssetTransactions is required, even when 0."""
    written = 0
    with xf.element("AssetTransactions"):
        f = Fragment("SourceDocuments.AssetTransactions")
        f.integer("NumberOfAssetTransactions", declared)
        emitter.write(f)
        for item in items:
            _asset_transaction(emitter, item)
            written += 1
    return written
