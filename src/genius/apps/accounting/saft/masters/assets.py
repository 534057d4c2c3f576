"""The fixed-asset register as the annual D406 (HeaderComment A) reports it: Assets and AssetTransactions.

Per asset owned at some point of the year (acquired by its end, not disposed before its start),
one ``Valuation`` (type ``contabil``: the books' values; Genius keeps no separate tax valuation)
from the register and its posted depreciation (``assets.domain.schedule.period_figures``): cost at
the start and end, addition, book value disposed, book values, the year's depreciation, the
accumulated depreciation, life in months (``AssetLifeMonth``) and the monthly rate in percent;
``ValuationClass`` is the HG 2139/2004 class (tangible) or the asset account (intangible).

AssetTransactions: the year's acquisitions, each month's depreciation and disposals, each with
the ledger entry's number as TransactionID (the GeneralLedgerEntries TransactionID of the same
entry in the monthly files). Codes of ANAF's "Nomenclator imobilizari" as the writer's model
documents them (``genius.fiscal.ro.saft.model.documents.AssetTransaction``): 10 acquisition,
20 sale, 30 depreciation, 50 scrapping. The register is small (it grows with assets, not with
journal lines), so both sections are lists.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy import Connection

from genius.apps.accounting import tables as t
from genius.apps.accounting.assets import repository as register
from genius.apps.accounting.assets.domain.model import DisposalKind, Method, is_tangible
from genius.apps.accounting.assets.domain.schedule import (
    ACCELERATED_FIRST_YEAR,
    degressive_coefficient,
    period_figures,
    shifted,
)
from genius.apps.accounting.domain.periods import Period
from genius.apps.accounting.saft.domain import ReportPeriod, partner_saft_id
from genius.fiscal.ro.saft.model import (
    Address,
    Asset,
    AssetSupplier,
    AssetTransaction,
    AssetTransactionSection,
    AssetTransactionSupplier,
    AssetTransactionValuation,
    AssetValuation,
)

ZERO = Decimal("0.00")
VALUATION_TYPE = "contabil"
# DepreciationMethod is free text in the D406 schema (SAFmiddle1textType): the method's Romanian name.
METHODS = {Method.LINEAR: "liniara", Method.DEGRESSIVE: "degresiva", Method.ACCELERATED: "accelerata"}
ACQUISITION, SALE, DEPRECIATION, SCRAPPING = "10", "20", "30", "50"


def _owned(conn: Connection, period: ReportPeriod) -> list[register.AssetRow]:
    return register.list_assets(conn, acquired_until=period.last, held_from=period.first)


def _supplier(row: register.AssetRow) -> tuple[str, str, Address] | None:
    """(name, SAF-T ID, address) of the asset's supplier, when the register knows name and city."""
    spec = row.spec
    if not spec.supplier_name or not spec.supplier_city:
        return None
    country = (spec.supplier_country or "RO").upper()
    supplier_id = partner_saft_id(
        partner_id=f"{spec.inventory_no}-furnizor",
        kind="company",
        cui=spec.supplier_cui,
        vat_id=None,
        country_code=country,
    )
    return spec.supplier_name[:70], supplier_id, Address(spec.supplier_city[:35], country)


def _life(row: register.AssetRow, period: ReportPeriod) -> tuple[Decimal, Decimal]:
    """Life in months and the monthly rate in percent of the method during ``period``.

    Linear: 100 / life. Degressive: the linear rate times the coefficient of Codul fiscal art. 28
    alin. (7), applied to the value left. Accelerated: 50 % over the first 12 months of use, the rest
    evenly over the remaining months (art. 28 alin. (8)); the rate of the part ``period`` starts in.
    """
    spec = row.spec
    months = Decimal(spec.life_months)
    if spec.method == Method.DEGRESSIVE:
        rate = degressive_coefficient(spec.life_months // 12) * 100 / months
    elif spec.method == Method.ACCELERATED:
        first_year_end = shifted(Period.of(spec.commissioning_date), 12)
        in_first_year = Period.of(period.first) <= first_year_end
        share = ACCELERATED_FIRST_YEAR if in_first_year else 1 - ACCELERATED_FIRST_YEAR
        rate = share * 100 / (12 if in_first_year else months - 12)
    else:
        rate = 100 / months
    return months, rate.quantize(Decimal("0.0001"))


def register_assets(conn: Connection, period: ReportPeriod) -> list[Asset]:
    out = []
    for row in _owned(conn, period):
        spec = row.spec
        figures = period_figures(
            value=spec.acquisition_value,
            acquired=spec.acquisition_date,
            disposed=row.disposed_on,
            posted=[(month.first_day, amount) for month, amount, _ in row.posted],
            first=period.first,
            last=period.last,
        )
        months, rate = _life(row, period)
        supplier = _supplier(row)
        out.append(
            Asset(
                asset_id=spec.inventory_no,
                account_id=spec.asset_account,
                description=spec.name[:256],
                acquisition_date=spec.acquisition_date,
                start_up_date=spec.commissioning_date,
                suppliers=(AssetSupplier(*supplier),) if supplier else (),
                valuations=(
                    AssetValuation(
                        valuation_type=VALUATION_TYPE,
                        valuation_class=(
                            spec.catalogue_code if is_tangible(spec.asset_account) else spec.asset_account
                        )
                        or spec.asset_account,
                        cost_begin=figures.cost_begin,
                        cost_end=figures.cost_end,
                        investment_support=ZERO,
                        asset_addition=figures.addition,
                        transfers=ZERO,
                        asset_disposal=figures.disposal,
                        book_value_begin=figures.book_value_begin,
                        depreciation_method=METHODS[Method(spec.method)],
                        depreciation_percentage=rate,
                        depreciation_for_period=figures.depreciation,
                        appreciation_for_period=ZERO,
                        accumulated_depreciation=figures.accumulated_end,
                        book_value_end=figures.book_value_end,
                        life_months=months,
                    ),
                ),
            )
        )
    return out


def _numbers(conn: Connection, ids: Iterable[str | None]) -> dict[str, str]:
    wanted = sorted({i for i in ids if i})
    if not wanted:
        return {}
    query = sa.select(t.entries.c.id, t.entries.c.number).where(t.entries.c.id.in_(wanted))
    return {row.id: row.number or row.id for row in conn.execute(query)}


def asset_transactions(conn: Connection, period: ReportPeriod) -> AssetTransactionSection:
    rows = _owned(conn, period)
    numbers = _numbers(
        conn,
        [
            entry
            for row in rows
            for entry in (
                row.acquisition_entry_id,
                row.disposal_entry_id,
                *(entry_id for _, _, entry_id in row.posted),
            )
        ],
    )
    out: list[AssetTransaction] = []

    def add(
        row: register.AssetRow,
        kind: str,
        on: date,
        entry: str | None,
        book: Decimal,
        amount: Decimal,
        text: str,
        key: str,
    ) -> None:
        spec = row.spec
        supplier = _supplier(row) if kind == ACQUISITION else None
        out.append(
            AssetTransaction(
                asset_transaction_id=f"{spec.inventory_no}-{key}"[:70],
                asset_id=spec.inventory_no,
                transaction_type=kind,
                transaction_date=on,
                transaction_id=(numbers.get(entry or "") or spec.document_ref or spec.inventory_no)[:70],
                description=text[:256],
                supplier=AssetTransactionSupplier(*supplier) if supplier else None,
                valuations=(
                    AssetTransactionValuation(
                        acquisition_cost_on_transaction=spec.acquisition_value,
                        book_value_on_transaction=book,
                        transaction_amount=amount,
                        valuation_type=VALUATION_TYPE,
                    ),
                ),
            )
        )  # fmt: skip

    for row in rows:
        spec = row.spec
        value = spec.acquisition_value
        if period.first <= spec.acquisition_date <= period.last:
            add(row, ACQUISITION, spec.acquisition_date, row.acquisition_entry_id, value, value,
                f"Intrare {spec.name}", "intrare")  # fmt: skip
        accumulated = ZERO
        for month, amount, entry_id in row.posted:
            accumulated += amount
            if period.first <= month.first_day <= period.last:
                add(row, DEPRECIATION, month.last_day, entry_id, value - accumulated, amount,
                    f"Amortizare {month}", f"amortizare-{month}")  # fmt: skip
        if row.disposed_on is not None and period.first <= row.disposed_on <= period.last:
            sale = row.disposal_kind == DisposalKind.SALE.value
            add(row, SALE if sale else SCRAPPING, row.disposed_on, row.disposal_entry_id, ZERO,
                value - accumulated, ("Vânzare " if sale else "Casare ") + spec.name, "iesire")  # fmt: skip
    return AssetTransactionSection(len(out), out)
