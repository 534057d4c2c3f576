"""The D406 Header and MasterFiles of a period, read in the export's snapshot.

Sizes grow with accounts, partners, products, tax codes and fixed assets, never with journal
lines, so these sections are plain lists (the pre-validator and the writer each read them once).

* ``company``: the Header's company (``SaftSetupMissing`` names what the D406 still needs);
* ``accounts``: GeneralLedgerAccounts, Customers, Suppliers with their balances;
* ``tables``: TaxTable, UOMTable, Products, AnalysisTypeTable;
* ``assets``: the fixed-asset register as the annual D406 (A) reports it (Assets and
  AssetTransactions). MovementTypeTable and Owners stay empty (Genius keeps no stock register);
  a monthly or quarterly D406 writes Assets empty, an annual one only GeneralLedgerAccounts,
  AnalysisTypeTable and Assets (``genius.fiscal.ro.saft.variants``).
"""

from __future__ import annotations

from sqlalchemy import Connection

from genius.apps.accounting.saft.domain import ReportPeriod
from genius.apps.accounting.saft.masters.accounts import accounts, partners
from genius.apps.accounting.saft.masters.assets import register_assets
from genius.apps.accounting.saft.masters.company import SaftSetupMissing, TenantProfile, company
from genius.apps.accounting.saft.masters.tables import (
    analysis_types,
    products_and_units,
    tax_table,
    used_tax_codes,
)
from genius.fiscal.ro.saft.model import MasterFiles, ReportType


def master_files(conn: Connection, period: ReportPeriod) -> MasterFiles:
    if period.report_type is ReportType.ANNUAL_ASSETS:
        return MasterFiles(
            accounts=accounts(conn, period),
            analysis_types=analysis_types(conn, period),
            assets=register_assets(conn, period),
        )
    customers, suppliers = partners(conn, period)
    products, units = products_and_units(conn, period)
    return MasterFiles(
        accounts=accounts(conn, period),
        customers=customers,
        suppliers=suppliers,
        tax_table=tax_table(used_tax_codes(conn, period)),
        uom_table=units,
        analysis_types=analysis_types(conn, period),
        products=products,
    )


__all__ = ["SaftSetupMissing", "TenantProfile", "company", "master_files"]
