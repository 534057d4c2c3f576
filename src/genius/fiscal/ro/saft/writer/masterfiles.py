"""Writes MasterFiles: one fragment per account, partner, table entry, product, stock entry, asset."""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator
from typing import Any, TypeVar

from genius.fiscal.ro.chart import chart
from genius.fiscal.ro.saft.errors import SectionNotAllowed, input_error
from genius.fiscal.ro.saft.model.header import ReportType
from genius.fiscal.ro.saft.model.masterfiles import (
    AnalysisTypeEntry,
    Asset,
    Customer,
    GeneralLedgerAccount,
    MasterFiles,
    MovementTypeEntry,
    Owner,
    PhysicalStockEntry,
    Product,
    Supplier,
    TaxTableEntry,
    UOMEntry,
)
from genius.fiscal.ro.saft.variants import Rule, section_rule
from genius.fiscal.ro.saft.writer.fragment import (
    CODE,
    LONG,
    MIDDLE1,
    MIDDLE2,
    SHORT,
    Emitter,
    Fragment,
    base_rate,
)
from genius.fiscal.ro.saft.writer.structures import amount, asset_supplier, company_structure

T = TypeVar("T")
_MISSING = object()

# Section name in variants.SECTIONS -> XML element.
SECTION_ELEMENTS = {
    "accounts": "GeneralLedgerAccounts",
    "customers": "Customers",
    "suppliers": "Suppliers",
    "tax_table": "TaxTable",
    "uom_table": "UOMTable",
    "analysis_types": "AnalysisTypeTable",
    "movement_types": "MovementTypeTable",
    "products": "Products",
    "physical_stock": "PhysicalStock",
    "owners": "Owners",
    "assets": "Assets",
    "general_ledger": "GeneralLedgerEntries",
    "sales_invoices": "SalesInvoices",
    "purchase_invoices": "PurchaseInvoices",
    "payments": "Payments",
    "movements": "MovementOfGoods",
    "asset_transactions": "AssetTransactions",
}


def admitted(report_type: ReportType, section: str, items: Iterable[T]) -> tuple[Rule, Iterator[T] | None]:
    """The section's rule, and its items if it may carry any (None when it must stay empty).

    Content for a section the declaration type does not report is refused before it is written.
    """
    rule = section_rule(report_type, section)
    iterator = iter(items)
    if rule is Rule.FILL:
        return rule, iterator
    if next(iterator, _MISSING) is not _MISSING:
        raise SectionNotAllowed(
            f"{SECTION_ELEMENTS[section]}: a D406 of type {report_type.value} does not report this "
            f"section ({'left out' if rule is Rule.OMIT else 'written empty'}), yet it has content",
        )
    return rule, None


def _balances(f: Fragment, item: Any) -> None:
    """The two xs:choice pairs: net debit minus credit; >= 0 as a debit balance, else a credit one."""
    opening = item.opening_debit - item.opening_credit
    closing = item.closing_debit - item.closing_credit
    if opening >= 0:
        f.money("OpeningDebitBalance", opening)
    else:
        f.money("OpeningCreditBalance", -opening)
    if closing >= 0:
        f.money("ClosingDebitBalance", closing)
    else:
        f.money("ClosingCreditBalance", -closing)


def account(emitter: Emitter, item: GeneralLedgerAccount) -> None:
    f = Fragment(f"MasterFiles.GeneralLedgerAccounts.Account[{item.account_id}]")
    kind = item.account_type or chart().account_type(item.account_id)
    if kind is None:
        raise input_error(
            f"{f.where}.AccountType",
            "the chart gives no function for this account (class 9 or unknown); set account_type",
            "required",
        )
    f.open("Account")
    f.text("AccountID", item.account_id, MIDDLE2)
    f.text("AccountDescription", item.description, LONG)
    f.opt_text("StandardAccountID", item.standard_account_id, MIDDLE1)
    f.opt_text("GroupingCategory", item.grouping_category, MIDDLE1)
    f.opt_text("GroupingCode", item.grouping_code, MIDDLE1)
    f.raw("AccountType", kind.saft_value)
    f.opt_date("AccountCreationDate", item.creation_date)
    _balances(f, item)
    f.close()
    emitter.write(f)


def partner(emitter: Emitter, item: Customer | Supplier) -> None:
    tag = "Customer" if isinstance(item, Customer) else "Supplier"
    partner_id = item.partner_id
    f = Fragment(f"MasterFiles.{tag}s.{tag}[{partner_id}/{item.account_id}]")
    f.open(tag)
    if item.company is not None:
        company_structure(f, "CompanyStructure", item.company)
    f.text(f"{tag}ID", partner_id, MIDDLE1)
    f.opt_text("SelfBillingIndicator", item.self_billing_indicator, CODE)
    f.text("AccountID", item.account_id, MIDDLE2)
    _balances(f, item)
    f.close()
    emitter.write(f)


def tax_entry(emitter: Emitter, item: TaxTableEntry) -> None:
    f = Fragment(f"MasterFiles.TaxTable.TaxTableEntry[{item.tax_type}]")
    if not item.details:
        raise input_error(f"{f.where}.TaxCodeDetails", "at least one tax code is required", "required")
    f.open("TaxTableEntry")
    f.text("TaxType", item.tax_type, CODE)
    f.text("Description", item.description, LONG)
    for detail in item.details:
        f.open("TaxCodeDetails")
        f.text("TaxCode", detail.tax_code, CODE)
        f.opt_date("EffectiveDate", detail.effective_date)
        f.opt_date("ExpirationDate", detail.expiration_date)
        f.opt_text("Description", detail.description, LONG)
        if detail.flat_tax_rate is not None:
            amount(f, "FlatTaxRate", detail.flat_tax_rate)
        elif detail.percentage is not None:
            f.decimal("TaxPercentage", detail.percentage)
        else:
            raise input_error(
                f"{f.where}.TaxCodeDetails[{detail.tax_code}].TaxPercentage",
                "give the percentage (or a flat tax rate)",
                "required",
            )
        if not detail.base_rates:
            raise input_error(
                f"{f.where}.TaxCodeDetails[{detail.tax_code}].BaseRate", "is required", "required"
            )
        for rate in detail.base_rates:
            f.raw("BaseRate", base_rate(rate, f"{f.where}.TaxCodeDetails[{detail.tax_code}].BaseRate"))
        f.text("Country", detail.country, 2)
        f.opt_text("Region", detail.region, CODE)
        f.close()
    f.close()
    emitter.write(f)


def _code_entry(emitter: Emitter, table: str, code_tag: str, code: str, description: str) -> None:
    """A code table's entry: the code and its description (UOMTable, MovementTypeTable)."""
    f = Fragment(f"MasterFiles.{table}.{table}Entry[{code}]")
    f.open(f"{table}Entry")
    f.text(code_tag, code, CODE)
    f.text("Description", description, LONG)
    f.close()
    emitter.write(f)


def uom(emitter: Emitter, item: UOMEntry) -> None:
    _code_entry(emitter, "UOMTable", "UnitOfMeasure", item.unit, item.description)


def analysis_type(emitter: Emitter, item: AnalysisTypeEntry) -> None:
    f = Fragment(
        f"MasterFiles.AnalysisTypeTable.AnalysisTypeTableEntry[{item.analysis_type}/{item.analysis_id}]"
    )
    f.open("AnalysisTypeTableEntry")
    f.text("AnalysisType", item.analysis_type, CODE)
    f.text("AnalysisTypeDescription", item.type_description, LONG)
    f.text("AnalysisID", item.analysis_id, MIDDLE1)
    f.text("AnalysisIDDescription", item.id_description, LONG)
    f.close()
    emitter.write(f)


def movement_type(emitter: Emitter, item: MovementTypeEntry) -> None:
    _code_entry(emitter, "MovementTypeTable", "MovementType", item.movement_type, item.description)


def product(emitter: Emitter, item: Product) -> None:
    f = Fragment(f"MasterFiles.Products.Product[{item.product_code}]")
    f.open("Product")
    f.text("ProductCode", item.product_code, MIDDLE2)
    f.opt_text("GoodsServicesID", item.goods_services_id, CODE)
    f.opt_text("ProductGroup", item.product_group, MIDDLE2)
    f.text("Description", item.description, LONG)
    f.text("ProductCommodityCode", item.commodity_code, MIDDLE1)
    f.opt_text("ProductNumberCode", item.product_number_code, MIDDLE2)
    f.opt_text("ValuationMethod", item.valuation_method, CODE)
    f.text("UOMBase", item.uom_base, CODE)
    f.text("UOMStandard", item.uom_standard, CODE)
    f.decimal("UOMToUOMBaseConversionFactor", item.uom_conversion_factor)
    for tax in item.taxes:
        f.open("Tax")
        f.text("TaxType", tax.tax_type, CODE)
        f.text("TaxCode", tax.tax_code, CODE)
        f.close()
    f.close()
    emitter.write(f)


def stock_entry(emitter: Emitter, item: PhysicalStockEntry) -> None:
    f = Fragment(f"MasterFiles.PhysicalStock.PhysicalStockEntry[{item.warehouse_id}/{item.product_code}]")
    f.open("PhysicalStockEntry")
    f.text("WarehouseID", item.warehouse_id, MIDDLE1)
    f.opt_text("LocationID", item.location_id, SHORT)
    f.text("ProductCode", item.product_code, MIDDLE2)
    f.opt_text("StockAccountNo", item.stock_account_no, MIDDLE2)
    f.text("ProductType", item.product_type, SHORT)
    f.opt_text("ProductStatus", item.product_status, SHORT)
    f.text("StockAccountCommodityCode", item.commodity_code, MIDDLE1)
    f.text("OwnerID", item.owner_id, MIDDLE1)
    f.text("UOMPhysicalStock", item.uom, CODE)
    f.decimal("UOMToUOMBaseConversionFactor", item.uom_conversion_factor)
    f.money("UnitPrice", item.unit_price)
    f.quantity("OpeningStockQuantity", item.opening_quantity)
    f.money("OpeningStockValue", item.opening_value)
    f.quantity("ClosingStockQuantity", item.closing_quantity)
    f.money("ClosingStockValue", item.closing_value)
    if not item.characteristics:
        raise input_error(
            f"{f.where}.StockCharacteristics", "at least one characteristic is required", "required"
        )
    f.open("StockCharacteristics")
    for name, value in item.characteristics:
        f.text("StockCharacteristic", name, SHORT)
        f.text("StockCharacteristicValue", value, MIDDLE1)
    f.close()
    f.close()
    emitter.write(f)


def owner(emitter: Emitter, item: Owner) -> None:
    f = Fragment(f"MasterFiles.Owners.Owner[{item.owner_id or item.account_id}]")
    f.open("Owner")
    if item.company is not None:
        company_structure(f, "CompanyStructure", item.company)
    f.opt_text("OwnerID", item.owner_id, MIDDLE1)
    f.text("AccountID", item.account_id, MIDDLE2)
    f.close()
    emitter.write(f)


def asset(emitter: Emitter, item: Asset) -> None:
    f = Fragment(f"MasterFiles.Assets.Asset[{item.asset_id}]")
    if not item.valuations:
        raise input_error(f"{f.where}.Valuations", "at least one valuation is required", "required")
    f.open("Asset")
    f.text("AssetID", item.asset_id, MIDDLE1)
    f.text("AccountID", item.account_id, MIDDLE2)
    f.text("Description", item.description, LONG)
    for supplier in item.suppliers:
        asset_supplier(f, supplier)
    f.opt_date("PurchaseOrderDate", item.purchase_order_date)
    f.date("DateOfAcquisition", item.acquisition_date)
    f.date("StartUpDate", item.start_up_date)
    f.open("Valuations")
    for valuation in item.valuations:
        f.open("Valuation")
        f.text("AssetValuationType", valuation.valuation_type, SHORT)
        f.text("ValuationClass", valuation.valuation_class, SHORT)
        f.money("AcquisitionAndProductionCostsBegin", valuation.cost_begin)
        f.money("AcquisitionAndProductionCostsEnd", valuation.cost_end)
        f.money("InvestmentSupport", valuation.investment_support)
        if (valuation.life_years is None) == (valuation.life_months is None):
            raise input_error(
                f"{f.where}.AssetLifeYear", "give exactly one of life_years, life_months", "choice"
            )
        if valuation.life_years is not None:
            f.decimal("AssetLifeYear", valuation.life_years)
        else:
            f.decimal("AssetLifeMonth", valuation.life_months)
        f.money("AssetAddition", valuation.asset_addition)
        f.money("Transfers", valuation.transfers)
        f.money("AssetDisposal", valuation.asset_disposal)
        f.money("BookValueBegin", valuation.book_value_begin)
        f.text("DepreciationMethod", valuation.depreciation_method, MIDDLE1)
        f.decimal("DepreciationPercentage", valuation.depreciation_percentage)
        f.money("DepreciationForPeriod", valuation.depreciation_for_period)
        f.money("AppreciationForPeriod", valuation.appreciation_for_period)
        if not valuation.extraordinary_depreciations:
            raise input_error(f"{f.where}.ExtraordinaryDepreciationsForPeriod", "is required", "required")
        f.open("ExtraordinaryDepreciationsForPeriod")
        for method, value in valuation.extraordinary_depreciations:
            f.open("ExtraordinaryDepreciationForPeriod")
            f.text("ExtraordinaryDepreciationMethod", method, MIDDLE1)
            f.money("ExtraordinaryDepreciationAmountForPeriod", value)
            f.close()
        f.close()
        f.money("AccumulatedDepreciation", valuation.accumulated_depreciation)
        f.money("BookValueEnd", valuation.book_value_end)
        f.close()
    f.close()
    f.close()
    emitter.write(f)


_WRITERS = (
    ("accounts", account),
    ("customers", partner),
    ("suppliers", partner),
    ("tax_table", tax_entry),
    ("uom_table", uom),
    ("analysis_types", analysis_type),
    ("movement_types", movement_type),
    ("products", product),
    ("physical_stock", stock_entry),
    ("owners", owner),
    ("assets", asset),
)


def write_master_files(
    xf: Any, emitter: Emitter, master_files: MasterFiles, report_type: ReportType
) -> dict[str, int]:
    """Writes every MasterFiles section in XSD order; returns how many records each had."""
    counts: dict[str, int] = {}
    with xf.element("MasterFiles"):
        for section, writer in _WRITERS:
            rule, items = admitted(report_type, section, getattr(master_files, section))
            element = SECTION_ELEMENTS[section]
            count = 0
            if section == "physical_stock":
                # PhysicalStock (minOccurs=0) needs at least one entry when present: leave it out
                # when there is none.
                first = next(items, _MISSING) if items is not None else _MISSING
                if rule is not Rule.FILL or first is _MISSING:
                    counts[section] = 0
                    continue
                items = itertools.chain((first,), items)  # type: ignore[arg-type]
            with xf.element(element):
                for item in items or ():
                    writer(emitter, item)  # type: ignore[operator]
                    count += 1
            counts[section] = count
    return counts
