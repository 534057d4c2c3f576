"""Writes SourceDocuments' MovementOfGoods and AssetTransactions."""

from __future__ import annotations

from typing import Any

from genius.fiscal.ro.saft.errors import input_error
from genius.fiscal.ro.saft.model.documents import (
    AssetTransaction,
    MovementSection,
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
    quantity,
)
from genius.fiscal.ro.saft.writer.structures import asset_supplier, shipping_point, tax_information
from genius.fiscal.ro.saft.writer.tally import MovementTally


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


def write_movements(
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
        asset_supplier(f, item.supplier)
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
