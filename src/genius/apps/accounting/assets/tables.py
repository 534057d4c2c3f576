"""The fixed-asset register's tables (schema ``assets``, names prefixed ``ast_``) as SQLAlchemy Core.

* ``ast_assets``: one row per asset (amounts as exact decimal text in lei), its status and the
  ledger entries of its acquisition and disposal;
* ``ast_depreciation``: one row per asset and month depreciated, with the ledger entry; the
  primary key (asset, year, month) is what makes a month's run post an asset at most once.
"""

from __future__ import annotations

from sqlalchemy import Column, Date, DateTime, Integer, MetaData, String, Table, Text

SCHEMA = "assets"
metadata = MetaData(schema=SCHEMA)
DEC = 40
TS = DateTime(timezone=True)

assets = Table(
    "ast_assets",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("inventory_no", String(40), nullable=False, unique=True),
    Column("name", String(300), nullable=False),
    Column("asset_account", String(20), nullable=False),
    Column("depreciation_account", String(20), nullable=False),
    Column("acquisition_date", Date, nullable=False),
    Column("acquisition_value", String(DEC), nullable=False),
    Column("commissioning_date", Date, nullable=False),
    Column("catalogue_code", String(20)),
    Column("life_months", Integer, nullable=False),
    Column("method", String(20), nullable=False),
    Column("supplier_name", String(300)),
    Column("supplier_cui", String(20)),
    Column("supplier_city", String(100)),
    Column("supplier_country", String(2)),
    Column("document_ref", String(100)),
    Column("location", String(100)),
    Column("cost_centre", String(50)),
    Column("status", String(12), nullable=False),
    Column("acquisition_entry_id", String(36)),
    Column("disposed_on", Date),
    Column("disposal_kind", String(12)),
    Column("proceeds", String(DEC)),
    Column("disposal_entry_id", String(36)),
    Column("proceeds_entry_id", String(36)),
    Column("note", Text),
    Column("created_at", TS, nullable=False),
    Column("created_by", String(64)),
)

depreciation = Table(
    "ast_depreciation",
    metadata,
    Column("asset_id", String(36), primary_key=True),
    Column("year", Integer, primary_key=True),
    Column("month", Integer, primary_key=True),
    Column("amount", String(DEC), nullable=False),
    Column("entry_id", String(36), nullable=False),
    Column("posted_at", TS, nullable=False),
)
