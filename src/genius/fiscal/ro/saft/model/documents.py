"""SourceDocuments: sales and purchase invoices, payments, stock movements, asset transactions."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, time
from decimal import Decimal
from enum import StrEnum

from genius.fiscal.ro.saft.model.common import Address, Amount, Analysis, ShippingPoint, Side, TaxInformation
from genius.fiscal.ro.saft.model.entries import SectionTotals


@dataclass(frozen=True, slots=True)
class OrderReference:
    originating_on: str | None = None
    order_date: date | None = None


@dataclass(frozen=True, slots=True)
class Delivery:
    """Exactly one of: movement references, a delivery date, or a delivery period."""

    movement_references: tuple[str, ...] = ()
    delivery_date: date | None = None
    period_from: date | None = None
    period_to: date | None = None


@dataclass(frozen=True, slots=True)
class InvoiceLine:
    """One invoice line: ``amount`` is net of VAT; ``side`` is C on sales, D on purchases."""

    account_id: str
    quantity: Decimal
    unit_price: Decimal
    tax_point_date: date
    description: str
    amount: Amount
    side: Side
    tax: tuple[TaxInformation, ...]
    line_number: str | None = None
    analysis: tuple[Analysis, ...] = ()
    order_references: tuple[OrderReference, ...] = ()
    ship_to: ShippingPoint | None = None
    ship_from: ShippingPoint | None = None
    goods_services_id: str | None = None
    product_code: str | None = None
    product_description: str | None = None
    delivery: Delivery | None = None
    uom: str | None = None
    uom_conversion_factor: Decimal | None = None
    credit_note_reference: str | None = None
    credit_note_reason: str | None = None
    shipping_costs: Amount | None = None


@dataclass(frozen=True, slots=True)
class Settlement:
    """InvoiceSettlement / PaymentSettlement (an invoice's settlement needs ``amount``)."""

    amount: Amount | None = None
    discount: str | None = None
    settlement_date: date | None = None
    payment_mechanism: str | None = None


@dataclass(frozen=True, slots=True)
class DocumentTotals:
    """InvoiceDocumentTotals / PaymentDocumentTotals."""

    gross_total: Decimal
    net_total: Decimal | None = None
    tax_totals: tuple[TaxInformation, ...] = ()
    shipping_costs_total: Decimal | None = None


@dataclass(frozen=True, slots=True)
class Invoice:
    """An invoice. ``partner_id`` goes in CustomerInfo (sales) or SupplierInfo (purchases): always
    the ID, never a name (DUK refuses the Name branch). ``account_id`` is the 411x analytic on
    sales, 401x on purchases. ``invoice_type``: 380 invoice, 381 storno, 384 corrected, 389
    self-invoice, 751 accounting information, 575 insurer's invoice."""

    invoice_no: str
    partner_id: str
    billing_address: Address
    account_id: str
    invoice_date: date
    lines: Iterable[InvoiceLine]
    invoice_type: str = "380"
    self_billing_indicator: str = "0"
    period: int | None = None
    period_year: int | None = None
    branch_store_number: str | None = None
    ship_to: ShippingPoint | None = None
    ship_from: ShippingPoint | None = None
    payment_terms: str | None = None
    source_id: str | None = None
    gl_posting_date: date | None = None
    batch_id: str | None = None
    system_id: str | None = None
    transaction_id: str | None = None
    receipt_numbers: str | None = None
    settlement: Settlement | None = None
    totals: DocumentTotals | None = None


@dataclass(frozen=True, slots=True)
class PaymentLine:
    """A payment line: TaxInformation is ``000``/``000000`` on payments (S.TI.1)."""

    account_id: str
    customer_id: str
    supplier_id: str
    side: Side
    amount: Amount
    tax: tuple[TaxInformation, ...]
    line_number: str | None = None
    source_document_id: str | None = None
    analysis: tuple[Analysis, ...] = ()
    tax_point_date: date | None = None
    description: str | None = None


@dataclass(frozen=True, slots=True)
class Payment:
    """``payment_method``: 01 cash, 02 offset, 03 non-cash, 98 mutually defined, 99 undefined;
    a settlement's ``payment_mechanism`` must pair with it (10 cash, 97 offset, 42 transfer, 48
    card, 20 cheque, 68 online)."""

    payment_ref_no: str
    transaction_date: date
    payment_method: str
    description: str
    lines: Iterable[PaymentLine]
    period: int | None = None
    period_year: int | None = None
    transaction_id: str | None = None
    batch_id: str | None = None
    system_id: str | None = None
    source_id: str | None = None
    settlement: Settlement | None = None
    totals: DocumentTotals | None = None


class StockDirection(StrEnum):
    """Whether a movement line brings goods in or out (feeds TotalQuantityReceived / Issued)."""

    RECEIVED = "received"
    ISSUED = "issued"


@dataclass(frozen=True, slots=True)
class StockMovementLine:
    line_number: str
    account_id: str
    customer_id: str
    supplier_id: str
    product_code: str
    quantity: Decimal
    unit_of_measure: str
    movement_subtype: str
    direction: StockDirection
    uom_conversion_factor: Decimal = Decimal("1")
    transaction_id: str | None = None
    ship_to: ShippingPoint | None = None
    ship_from: ShippingPoint | None = None
    stock_account_no: str | None = None
    book_value: Decimal | None = None
    comments: str | None = None
    tax: tuple[TaxInformation, ...] = ()


@dataclass(frozen=True, slots=True)
class DocumentReference:
    document_type: str
    document_number: str
    document_line: str | None = None


@dataclass(frozen=True, slots=True)
class StockMovement:
    movement_reference: str
    movement_date: date
    movement_type: str
    lines: Iterable[StockMovementLine]
    posting_date: date | None = None
    posting_time: time | None = None
    tax_point_date: date | None = None
    source_id: str | None = None
    system_id: str | None = None
    document_reference: DocumentReference | None = None


@dataclass(frozen=True, slots=True)
class AssetTransactionValuation:
    acquisition_cost_on_transaction: Decimal
    book_value_on_transaction: Decimal
    transaction_amount: Decimal
    valuation_type: str | None = None


@dataclass(frozen=True, slots=True)
class AssetTransactionSupplier:
    name: str
    supplier_id: str
    address: Address


@dataclass(frozen=True, slots=True)
class AssetTransaction:
    """``transaction_type`` from ANAF's Nomenclator imobilizari: 10 acquisition, 20 sale, 30
    depreciation, 40 internal transfer, 50 scrapping, 60/70 revaluation -/+, ..."""

    asset_transaction_id: str
    asset_id: str
    transaction_type: str
    transaction_date: date
    transaction_id: str
    valuations: tuple[AssetTransactionValuation, ...]
    description: str | None = None
    supplier: AssetTransactionSupplier | None = None


@dataclass(frozen=True, slots=True)
class MovementTotals:
    """NumberOfMovementLines / TotalQuantityReceived / TotalQuantityIssued, known up front."""

    number_of_lines: int
    quantity_received: Decimal = Decimal("0")
    quantity_issued: Decimal = Decimal("0")


@dataclass(frozen=True)
class InvoiceSection:
    totals: SectionTotals
    invoices: Iterable[Invoice] = ()


@dataclass(frozen=True)
class PaymentSection:
    totals: SectionTotals
    payments: Iterable[Payment] = ()


@dataclass(frozen=True)
class MovementSection:
    totals: MovementTotals
    movements: Iterable[StockMovement] = ()


@dataclass(frozen=True)
class AssetTransactionSection:
    number_of_transactions: int
    transactions: Iterable[AssetTransaction] = ()


def _no_invoices() -> InvoiceSection:
    return InvoiceSection(SectionTotals(0))


@dataclass(frozen=True)
class SourceDocuments:
    """The SourceDocuments sections; an omitted one is written empty (or left out, per type)."""

    sales_invoices: InvoiceSection = field(default_factory=_no_invoices)
    purchase_invoices: InvoiceSection = field(default_factory=_no_invoices)
    payments: PaymentSection = field(default_factory=lambda: PaymentSection(SectionTotals(0)))
    movements: MovementSection = field(default_factory=lambda: MovementSection(MovementTotals(0)))
    asset_transactions: AssetTransactionSection | None = None
