"""Writers of the XSD's shared structures (Address, Amount, TaxInformation, CompanyStructure ...)."""

from __future__ import annotations

from genius.fiscal.ro.saft.errors import input_error
from genius.fiscal.ro.saft.model.common import (
    Address,
    Amount,
    Analysis,
    BankAccount,
    CompanyStructure,
    Contact,
    ShippingPoint,
    TaxInformation,
    TaxRegistration,
)
from genius.fiscal.ro.saft.model.documents import AssetTransactionSupplier
from genius.fiscal.ro.saft.model.masterfiles import AssetSupplier
from genius.fiscal.ro.saft.writer.direct import ADDRESS_TYPES as _ADDRESS_TYPES
from genius.fiscal.ro.saft.writer.fragment import CODE, LONG, MIDDLE1, MIDDLE2, SHORT, Fragment, exchange_rate


def address(f: Fragment, tag: str, value: Address) -> None:
    f.open(tag)
    f.opt_text("StreetName", value.street_name, MIDDLE2)
    f.opt_text("Number", value.number, SHORT)
    f.opt_text("AdditionalAddressDetail", value.additional_detail, MIDDLE2)
    f.opt_text("Building", value.building, MIDDLE1)
    f.text("City", value.city, MIDDLE1)
    f.opt_text("PostalCode", value.postal_code, SHORT)
    f.opt_text("Region", value.region, MIDDLE1)
    f.text("Country", value.country, 2)
    if value.address_type is not None:
        if value.address_type not in _ADDRESS_TYPES:
            raise input_error(
                f"{f.where}.{tag}.AddressType",
                f"{value.address_type!r} is not one of {', '.join(sorted(_ADDRESS_TYPES))}",
                "bad_code",
            )
        f.raw("AddressType", value.address_type)
    f.close()


def amount(f: Fragment, tag: str, value: Amount) -> None:
    """AmountStructure; for RON the CurrencyAmount repeats the amount."""
    f.open(tag)
    f.money("Amount", value.amount)
    f.text("CurrencyCode", value.currency, 3)
    f.money("CurrencyAmount", value.amount if value.currency_amount is None else value.currency_amount)
    if value.exchange_rate is not None:
        f.raw("ExchangeRate", exchange_rate(value.exchange_rate, f"{f.where}.{tag}.ExchangeRate"))
    f.close()


def tax_information(f: Fragment, tag: str, value: TaxInformation) -> None:
    f.open(tag)
    f.text("TaxType", value.tax_type, CODE)
    f.text("TaxCode", value.tax_code, CODE)
    f.opt_decimal("TaxPercentage", value.percentage)
    f.opt_decimal("TaxBase", value.base)
    f.opt_text("TaxBaseDescription", value.base_description, MIDDLE2)
    amount(f, "TaxAmount", value.amount)
    f.opt_text("TaxExemptionReason", value.exemption_reason, MIDDLE2)
    f.opt_text("TaxDeclarationPeriod", value.declaration_period, MIDDLE1)
    f.close()


def analysis(f: Fragment, value: Analysis) -> None:
    f.open("Analysis")
    f.text("AnalysisType", value.analysis_type, CODE)
    f.text("AnalysisID", value.analysis_id, LONG)
    if value.amount is not None:
        amount(f, "AnalysisAmount", value.amount)
    f.close()


def contact(f: Fragment, tag: str, value: Contact, *, telephone_required: bool) -> None:
    f.open(tag)
    f.open("ContactPerson")
    f.opt_text("Title", value.title, CODE)
    f.text("FirstName", value.first_name, MIDDLE1)
    f.text("LastName", value.last_name, MIDDLE2)
    f.close()
    if telephone_required:
        f.text("Telephone", value.telephone, SHORT)
    else:
        f.opt_text("Telephone", value.telephone, SHORT)
    f.opt_text("Fax", value.fax, SHORT)
    f.opt_text("Email", value.email, MIDDLE2)
    f.opt_text("Website", value.website, LONG)
    f.close()


def tax_registration(f: Fragment, value: TaxRegistration) -> None:
    f.open("TaxRegistration")
    f.text("TaxRegistrationNumber", value.registration_number, MIDDLE1)
    f.opt_text("TaxType", value.tax_type, CODE)
    f.opt_text("TaxNumber", value.tax_number, MIDDLE1)
    if value.tax_authority is not None:
        if value.tax_authority != "ANAF":
            raise input_error(f"{f.where}.TaxAuthority", "the only value the XSD allows is ANAF", "bad_code")
        f.raw("TaxAuthority", value.tax_authority)
    f.opt_date("TaxVerificationDate", value.verification_date)
    f.close()


def bank_account(f: Fragment, value: BankAccount) -> None:
    f.open("BankAccount")
    if value.iban is not None:
        f.text("IBANNumber", value.iban, MIDDLE1)
    else:
        f.text("BankAccountNumber", value.account_number, MIDDLE1)
        f.opt_text("BankAccountName", value.account_name, MIDDLE2)
        f.opt_text("SortCode", value.sort_code, SHORT)
    f.close()


def company_structure(f: Fragment, tag: str, value: CompanyStructure) -> None:
    f.open(tag)
    f.text("RegistrationNumber", value.registration_number, MIDDLE1)
    f.text("Name", value.name, LONG)
    if not value.addresses:
        raise input_error(
            f"{f.where}.{tag}.Address", "at least one address (City, Country) is required", "required"
        )
    for item in value.addresses:
        address(f, "Address", item)
    for person in value.contacts:
        contact(f, "Contact", person, telephone_required=False)
    for registration in value.tax_registrations:
        tax_registration(f, registration)
    for account in value.bank_accounts:
        bank_account(f, account)
    f.close()


def shipping_point(f: Fragment, tag: str, value: ShippingPoint | None) -> None:
    if value is None:
        return
    f.open(tag)
    f.opt_text("DeliveryID", value.delivery_id, MIDDLE1)
    f.opt_date("DeliveryDate", value.delivery_date)
    f.opt_text("WarehouseID", value.warehouse_id, MIDDLE1)
    f.opt_text("LocationID", value.location_id, SHORT)
    f.opt_text("UCR", value.ucr, MIDDLE1)
    if value.address is not None:
        address(f, "Address", value.address)
    f.close()


def asset_supplier(f: Fragment, value: AssetSupplier | AssetTransactionSupplier) -> None:
    """AssetSupplier: the same three children in MasterFiles.Asset and in an AssetTransaction."""
    f.open("AssetSupplier")
    f.text("SupplierName", value.name, MIDDLE2)
    f.text("SupplierID", value.supplier_id, MIDDLE1)
    address(f, "PostalAddress", value.address)
    f.close()
