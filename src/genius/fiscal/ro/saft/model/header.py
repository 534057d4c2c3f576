"""The D406 header: the reporting company, the period and the declaration type (HeaderComment)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from genius.fiscal.ro.saft.model.common import Address, BankAccount, Contact, TaxRegistration


class ReportType(StrEnum):
    """``HeaderComment``: which D406 this is (the sections it carries follow from it)."""

    MONTHLY = "L"
    QUARTERLY = "T"
    ANNUAL_ASSETS = "A"
    ON_REQUEST_STOCK = "C"
    NON_RESIDENT_MONTHLY = "NL"
    NON_RESIDENT_QUARTERLY = "NT"


@dataclass(frozen=True, slots=True)
class Company:
    """The reporting taxpayer (``CompanyHeaderStructure``).

    ``cui`` is the fiscal code digits (no ``RO``); ``vat_registered`` decides the header's
    RegistrationNumber: ``RO`` + CUI for a VAT payer, the bare CUI otherwise (S.CMH.1; DUK accepts
    only those two forms). Address, contact with telephone and bank account are required.
    """

    cui: str
    vat_registered: bool
    name: str
    addresses: tuple[Address, ...]
    contacts: tuple[Contact, ...]
    bank_accounts: tuple[BankAccount, ...]
    tax_registrations: tuple[TaxRegistration, ...] = ()

    @property
    def registration_number(self) -> str:
        digits = self.cui.strip().upper().removeprefix("RO").strip()
        return f"RO{digits}" if self.vat_registered else digits

    @property
    def own_partner_id(self) -> str:
        """``00`` + CUI: the ID ANAF wants on both CustomerID and SupplierID of lines that are
        not debts or claims on a partner (revenue, VAT, bank lines)."""
        return "00" + self.cui.strip().upper().removeprefix("RO").strip()


@dataclass(frozen=True, slots=True)
class Software:
    """Who produced the file (SoftwareCompanyName, SoftwareID, SoftwareVersion)."""

    company_name: str
    product_id: str
    version: str


@dataclass(frozen=True, slots=True)
class Header:
    """Everything above MasterFiles. ``created`` is the file date (an argument: no clock here).

    The period is written as SelectionStartDate/SelectionEndDate, or, with
    ``period_numbers=True``, as PeriodStart/PeriodStartYear/PeriodEnd/PeriodEndYear (calendar months).
    """

    company: Company
    report_type: ReportType
    period_start: date
    period_end: date
    created: date
    software: Software
    tax_accounting_basis: str = "A"
    default_currency: str = "RON"
    audit_file_region: str | None = None
    segment_index: int = 1
    total_segments: int = 1
    tax_entity: str | None = None
    period_numbers: bool = False
    document_type: str | None = None
