"""MasterFiles records: accounts with balances, partners, tax/UOM/analysis/movement tables,
products, physical stock, owners and fixed assets. Sections are iterables, read once."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from genius.fiscal.ro.chart import AccountType
from genius.fiscal.ro.saft.model.common import ZERO, Address, Amount, CompanyStructure


@dataclass(frozen=True, slots=True)
class GeneralLedgerAccount:
    """One account as booked (the analytic account, digits only) with its period balances.

    Give debit and credit balances as the trial balance has them; the writer nets each pair
    (``xs:choice``: one of OpeningDebitBalance/OpeningCreditBalance is written, never both, and a
    zero balance is ``OpeningDebitBalance 0.00``). ``account_type`` defaults to the OMFP function of
    the synthetic account (``genius.fiscal.ro.chart``).
    """

    account_id: str
    description: str
    opening_debit: Decimal = ZERO
    opening_credit: Decimal = ZERO
    closing_debit: Decimal = ZERO
    closing_credit: Decimal = ZERO
    account_type: AccountType | None = None
    standard_account_id: str | None = None
    grouping_category: str | None = None
    grouping_code: str | None = None
    creation_date: date | None = None


@dataclass(frozen=True, slots=True)
class PartnerAccount:
    """A partner on one of its accounts, with its balances there: the record Customer and Supplier share.

    ``partner_id`` is the prefixed partner ID (00+CUI, 01+VAT ID, 03+CNP, ...) and must equal
    ``company.registration_number``.
    """

    partner_id: str
    account_id: str
    company: CompanyStructure | None
    opening_debit: Decimal = ZERO
    opening_credit: Decimal = ZERO
    closing_debit: Decimal = ZERO
    closing_credit: Decimal = ZERO
    self_billing_indicator: str | None = None


@dataclass(frozen=True, slots=True)
class Customer(PartnerAccount):
    """A customer per receivable account (411x, 418, 419 ...), with its balances on that account."""

    @property
    def customer_id(self) -> str:
        return self.partner_id


@dataclass(frozen=True, slots=True)
class Supplier(PartnerAccount):
    """A supplier per payable account (401, 404, 408, 409x ...), with its balances on that account."""

    @property
    def supplier_id(self) -> str:
        return self.partner_id


@dataclass(frozen=True, slots=True)
class TaxCodeDetails:
    """One tax code of a TaxTable entry; ``base_rate`` is the deductible share, 0 to 1 (not 100)."""

    tax_code: str
    percentage: Decimal | None
    base_rates: tuple[Decimal, ...] = (Decimal("1"),)
    country: str = "RO"
    description: str | None = None
    effective_date: date | None = None
    expiration_date: date | None = None
    flat_tax_rate: Amount | None = None
    region: str | None = None


@dataclass(frozen=True, slots=True)
class TaxTableEntry:
    """A tax type (``300`` VAT, ``000`` none) with the codes used in the file."""

    tax_type: str
    description: str
    details: tuple[TaxCodeDetails, ...]


@dataclass(frozen=True, slots=True)
class UOMEntry:
    """A unit of measure (UN/ECE Rec 20 code such as H87, KGM; ``BUC`` is refused by DUK)."""

    unit: str
    description: str


@dataclass(frozen=True, slots=True)
class AnalysisTypeEntry:
    analysis_type: str
    type_description: str
    analysis_id: str
    id_description: str


@dataclass(frozen=True, slots=True)
class MovementTypeEntry:
    """A stock movement code of ANAF's Nomenclator stocuri (10 purchase, 30 sale, 70 consumption ...)."""

    movement_type: str
    description: str


@dataclass(frozen=True, slots=True)
class ProductTax:
    tax_type: str
    tax_code: str


@dataclass(frozen=True, slots=True)
class Product:
    """A product or service; ``commodity_code`` is the 8-digit NC code (mandatory element)."""

    product_code: str
    description: str
    commodity_code: str
    uom_base: str
    uom_standard: str
    uom_conversion_factor: Decimal = Decimal("1")
    goods_services_id: str | None = None
    product_group: str | None = None
    product_number_code: str | None = None
    valuation_method: str | None = None
    taxes: tuple[ProductTax, ...] = ()


@dataclass(frozen=True, slots=True)
class PhysicalStockEntry:
    """Stock of one product in one warehouse (on-request D406, HeaderComment C)."""

    warehouse_id: str
    product_code: str
    product_type: str
    commodity_code: str
    owner_id: str
    uom: str
    unit_price: Decimal
    opening_quantity: Decimal
    opening_value: Decimal
    closing_quantity: Decimal
    closing_value: Decimal
    characteristics: tuple[tuple[str, str], ...] = (("0", "0"),)
    uom_conversion_factor: Decimal = Decimal("1")
    location_id: str | None = None
    stock_account_no: str | None = None
    product_status: str | None = None


@dataclass(frozen=True, slots=True)
class Owner:
    account_id: str
    company: CompanyStructure | None = None
    owner_id: str | None = None


@dataclass(frozen=True, slots=True)
class AssetSupplier:
    name: str
    supplier_id: str
    address: Address


@dataclass(frozen=True, slots=True)
class AssetValuation:
    """One valuation of a fixed asset over the year (annual D406, HeaderComment A).

    ``valuation_class`` is the asset's code in the HG 2139/2004 catalogue (e.g. 2.1.24.1);
    ``life_years`` or ``life_months`` (exactly one).
    """

    valuation_type: str
    valuation_class: str
    cost_begin: Decimal
    cost_end: Decimal
    investment_support: Decimal
    asset_addition: Decimal
    transfers: Decimal
    asset_disposal: Decimal
    book_value_begin: Decimal
    depreciation_method: str
    depreciation_percentage: Decimal
    depreciation_for_period: Decimal
    appreciation_for_period: Decimal
    accumulated_depreciation: Decimal
    book_value_end: Decimal
    life_years: Decimal | None = None
    life_months: Decimal | None = None
    extraordinary_depreciations: tuple[tuple[str, Decimal], ...] = (("0", ZERO),)


@dataclass(frozen=True, slots=True)
class Asset:
    asset_id: str
    account_id: str
    description: str
    acquisition_date: date
    start_up_date: date
    valuations: tuple[AssetValuation, ...]
    suppliers: tuple[AssetSupplier, ...] = ()
    purchase_order_date: date | None = None


@dataclass(frozen=True)
class MasterFiles:
    """The MasterFiles sections as iterables (lists, or generators reading rows from a query)."""

    accounts: Iterable[GeneralLedgerAccount] = ()
    customers: Iterable[Customer] = ()
    suppliers: Iterable[Supplier] = ()
    tax_table: Iterable[TaxTableEntry] = ()
    uom_table: Iterable[UOMEntry] = ()
    analysis_types: Iterable[AnalysisTypeEntry] = ()
    movement_types: Iterable[MovementTypeEntry] = ()
    products: Iterable[Product] = ()
    physical_stock: Iterable[PhysicalStockEntry] = ()
    owners: Iterable[Owner] = ()
    assets: Iterable[Asset] = ()
