"""Writes and checks the D406 Header (S.H.1-13, TaxAccountingBasis, TaxEntity)."""

from __future__ import annotations

import re

from genius.fiscal.ro.saft.errors import input_error
from genius.fiscal.ro.saft.model.header import Header
from genius.fiscal.ro.saft.variants import check_period
from genius.fiscal.ro.saft.versions import SchemaVersion
from genius.fiscal.ro.saft.writer.fragment import CODE, LONG, MIDDLE1, MIDDLE2, SHORT, Emitter, Fragment
from genius.fiscal.ro.saft.writer.structures import address, bank_account, contact, tax_registration

# DUK: "Primele doua caractere trebuie sa fie 'RO' urmate de codul numeric sau campul trebuie sa
# contina doar codul numeric" (Header/Company/RegistrationNumber).
_REGISTRATION_NUMBER = re.compile(r"(RO)?\d{2,10}")


def check_header(header: Header, version: SchemaVersion) -> None:
    """The header rules a writer can check before writing anything (clear errors, no file)."""
    check_period(header.report_type, header.period_start, header.period_end)
    company = header.company
    if not _REGISTRATION_NUMBER.fullmatch(company.registration_number):
        raise input_error(
            "Header.Company.cui",
            f"{company.cui!r} is not a CUI (digits, optionally after RO)",
            "bad_registration_number",
        )
    if not company.addresses:
        raise input_error("Header.Company.addresses", "the company's address is required", "required")
    if not company.contacts or any(not person.telephone for person in company.contacts):
        raise input_error(
            "Header.Company.contacts", "a contact person with a telephone number is required", "required"
        )
    if not company.bank_accounts:
        raise input_error(
            "Header.Company.bank_accounts", "at least one bank account (IBAN) is required", "required"
        )
    basis = header.tax_accounting_basis
    if basis not in version.tax_accounting_bases and basis not in version.duk_only_tax_accounting_bases:
        allowed = ", ".join(sorted(version.tax_accounting_bases | version.duk_only_tax_accounting_bases))
        raise input_error("Header.tax_accounting_basis", f"{basis!r} is not one of {allowed}", "bad_code")
    if header.segment_index < 1 or header.total_segments < header.segment_index:
        raise input_error(
            "Header.segment_index",
            f"segment {header.segment_index} of {header.total_segments}: both start at 1 and the index "
            "cannot exceed the total",
            "bad_segment",
        )
    if len(header.default_currency) != 3:
        raise input_error("Header.default_currency", "an ISO 4217 code of 3 letters (RON)", "bad_code")


def write_header(emitter: Emitter, header: Header, version: SchemaVersion) -> None:
    f = Fragment("Header")
    f.open("Header")
    f.text("AuditFileVersion", version.audit_file_version, CODE)
    f.raw("AuditFileCountry", "RO")
    f.opt_text("AuditFileRegion", header.audit_file_region, CODE)
    f.date("AuditFileDateCreated", header.created)
    f.text("SoftwareCompanyName", header.software.company_name, MIDDLE2)
    f.text("SoftwareID", header.software.product_id, LONG)
    f.text("SoftwareVersion", header.software.version, SHORT)
    company = header.company
    f.open("Company")
    f.text("RegistrationNumber", company.registration_number, MIDDLE1)
    f.text("Name", company.name, LONG)
    for item in company.addresses:
        address(f, "Address", item)
    for person in company.contacts:
        contact(f, "Contact", person, telephone_required=True)
    for registration in company.tax_registrations:
        tax_registration(f, registration)
    for account in company.bank_accounts:
        bank_account(f, account)
    f.close()
    f.text("DefaultCurrencyCode", header.default_currency, 3)
    f.open("SelectionCriteria")
    if header.period_numbers:
        f.integer("PeriodStart", header.period_start.month)
        f.integer("PeriodStartYear", header.period_start.year)
        f.integer("PeriodEnd", header.period_end.month)
        f.integer("PeriodEndYear", header.period_end.year)
    else:
        f.date("SelectionStartDate", header.period_start)
        f.date("SelectionEndDate", header.period_end)
    f.opt_text("DocumentType", header.document_type, LONG)
    f.close()
    f.raw("HeaderComment", header.report_type.value)
    f.raw("SegmentIndex", str(header.segment_index))
    f.raw(version.element("total_segments"), str(header.total_segments))
    f.raw("TaxAccountingBasis", header.tax_accounting_basis)
    f.opt_text("TaxEntity", header.tax_entity, MIDDLE2)
    f.close()
    emitter.write(f)
