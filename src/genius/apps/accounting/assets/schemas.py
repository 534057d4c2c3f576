"""Request bodies of the register's API (validated by pydantic; the rules are the domain's)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from pydantic import BaseModel, Field


class AssetBody(BaseModel):
    inventory_no: str = Field(max_length=40)
    name: str = Field(max_length=300)
    asset_account: str = Field(max_length=20, description="20x/21x, e.g. 2133, 214, 208")
    depreciation_account: str | None = Field(None, max_length=20, description="280x/281x; derived if absent")
    acquisition_date: date
    acquisition_value: Decimal
    commissioning_date: date
    life_months: int
    catalogue_code: str | None = Field(None, max_length=20, description="HG 2139/2004 class, e.g. 2.2.9")
    method: str = Field(
        "linear", max_length=20, description="linear, degressive or accelerated (Codul fiscal art. 28)"
    )
    supplier_name: str | None = Field(None, max_length=300)
    supplier_cui: str | None = Field(None, max_length=20)
    supplier_city: str | None = Field(None, max_length=100)
    supplier_country: str | None = Field(None, min_length=2, max_length=2)
    document_ref: str | None = Field(None, max_length=100)
    location: str | None = Field(None, max_length=100)
    cost_centre: str | None = Field(None, max_length=50)
    acquisition_account: str | None = Field(
        None, max_length=20, description="post <asset account> = this account (e.g. 404) for the value"
    )


class DepreciationBody(BaseModel):
    period: str = Field(description="the month, YYYY-MM")


class DisposeBody(BaseModel):
    on: date
    kind: str = Field(description="sale or scrap")
    proceeds: Decimal | None = None
    receivable_account: str | None = Field(None, max_length=20, description="461 by default")
