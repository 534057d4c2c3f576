"""D406 structures shared by every section (XSD ``*Structure`` types): amounts, addresses, tax."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from genius.kernel.money import round_money

RON = "RON"
ZERO = Decimal("0.00")


class Side(StrEnum):
    """Debit or credit: the ``DebitCreditIndicator`` codes, and the side of a journal line."""

    DEBIT = "D"
    CREDIT = "C"


@dataclass(frozen=True, slots=True)
class Amount:
    """``AmountStructure``: the amount in lei plus the currency it was booked in.

    DUK checks ``Amount == round(CurrencyAmount x ExchangeRate)`` (rate = lei per one unit, BNR);
    for RON the currency amount equals the amount and the rate is left out.
    """

    amount: Decimal
    currency: str = RON
    currency_amount: Decimal | None = None
    exchange_rate: Decimal | None = None

    @classmethod
    def ron(cls, amount: Decimal) -> Amount:
        return cls(amount)

    @classmethod
    def foreign(cls, currency: str, currency_amount: Decimal, exchange_rate: Decimal) -> Amount:
        """An amount booked in ``currency``: lei = round(currency amount x rate, 2), OMFP half-up."""
        return cls(round_money(currency_amount * exchange_rate), currency, currency_amount, exchange_rate)


ZERO_RON = Amount(ZERO)


@dataclass(frozen=True, slots=True)
class TaxInformation:
    """``TaxInformationStructure``: required on every journal, invoice and payment line.

    Lines without tax relevance, payment lines and import invoices use ``000`` / ``000000``
    (ANAF rule S.TI.1): that is the default.
    """

    tax_type: str = "000"
    tax_code: str = "000000"
    amount: Amount = ZERO_RON
    percentage: Decimal | None = None
    base: Decimal | None = None
    base_description: str | None = None
    exemption_reason: str | None = None
    declaration_period: str | None = None


NO_TAX = TaxInformation()


@dataclass(frozen=True, slots=True)
class Address:
    """``AddressStructure``: City and Country required; Region (ISO 3166-2, e.g. RO-CJ) only for RO."""

    city: str
    country: str = "RO"
    street_name: str | None = None
    number: str | None = None
    additional_detail: str | None = None
    building: str | None = None
    postal_code: str | None = None
    region: str | None = None
    address_type: str | None = None


@dataclass(frozen=True, slots=True)
class Contact:
    """``ContactInformationStructure`` (the header's ``ContactHeaderStructure`` needs a telephone)."""

    first_name: str
    last_name: str
    telephone: str | None = None
    fax: str | None = None
    email: str | None = None
    website: str | None = None
    title: str | None = None


@dataclass(frozen=True, slots=True)
class BankAccount:
    """``BankAccountStructure``: an IBAN, or a bank account number with optional name and sort code."""

    iban: str | None = None
    account_number: str | None = None
    account_name: str | None = None
    sort_code: str | None = None


@dataclass(frozen=True, slots=True)
class TaxRegistration:
    """``TaxIDStructure``; ``tax_type`` is a regime code (100010 VAT-registered, 100040 VAT on
    collection, 100050 non-taxable ...) from ANAF's Nomenclator_Regim_fiscal."""

    registration_number: str
    tax_type: str | None = None
    tax_number: str | None = None
    tax_authority: str | None = None
    verification_date: date | None = None


@dataclass(frozen=True, slots=True)
class CompanyStructure:
    """``CompanyStructure`` of a partner or owner: RegistrationNumber is the prefixed partner ID."""

    registration_number: str
    name: str
    addresses: tuple[Address, ...]
    contacts: tuple[Contact, ...] = ()
    tax_registrations: tuple[TaxRegistration, ...] = ()
    bank_accounts: tuple[BankAccount, ...] = ()


@dataclass(frozen=True, slots=True)
class Analysis:
    """``AnalysisStructure``: a cost centre, project ... declared in the AnalysisTypeTable."""

    analysis_type: str
    analysis_id: str
    amount: Amount | None = None


@dataclass(frozen=True, slots=True)
class ShippingPoint:
    """``ShippingPointStructure`` (ShipTo / ShipFrom)."""

    delivery_id: str | None = None
    delivery_date: date | None = None
    warehouse_id: str | None = None
    location_id: str | None = None
    ucr: str | None = None
    address: Address | None = None
