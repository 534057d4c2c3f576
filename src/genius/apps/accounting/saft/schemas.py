"""Request bodies of the D406 API (pydantic): what the routes accept, each field described."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class SaftExportIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    period: str = Field(
        ...,
        description="2026-10 (monthly, L), 2026-Q3 (quarterly, T) or 2026 (annual assets, A)",
        max_length=10,
    )
    target: Literal["filing", "test"] = Field(
        "filing", description="filing: namespace d406; test: ANAF's test declaration d406t"
    )


class SaftSettingsIn(BaseModel):
    """Only the fields sent change; null clears one."""

    model_config = ConfigDict(extra="forbid")

    contact_first_name: str | None = Field(None, description="Contact person's first name (Header)")
    contact_last_name: str | None = Field(None, description="Contact person's last name")
    contact_telephone: str | None = Field(None, description="Contact telephone (required by D406)")
    contact_email: str | None = Field(None, description="Contact e-mail")
    iban_override: str | None = Field(None, description="IBAN for the header when invoices show none")
    tax_accounting_basis: str | None = Field(None, description="TaxAccountingBasis: A (default), IFRS, ...")
