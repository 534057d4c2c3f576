"""The parties: seller and buyer (BG-4, BG-7), payee (BG-10), tax representative (BG-11), delivery (BG-13)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


@dataclass(kw_only=True)
class Identifier:
    """An identifier with its optional scheme (the ``-1`` sub-BT, e.g. BT-29-1, BT-157-1).

    Used for party identifiers (BT-29, BT-46, BT-60), legal registration ids (BT-30, BT-47, BT-61),
    electronic addresses (BT-34, BT-49; scheme mandatory there by BR-62/BR-63), the delivery
    location (BT-71), invoiced object ids (BT-18, BT-128) and item standard ids (BT-157).
    """

    value: str
    scheme: str | None = None


@dataclass(kw_only=True)
class Address:
    """BG-5 seller / BG-8 buyer / BG-12 tax representative / BG-15 deliver-to postal address."""

    street: str | None = None  # BT-35 / BT-50 / BT-64 / BT-75 address line 1 (StreetName)
    additional_street: str | None = None  # BT-36 / BT-51 / BT-65 / BT-76 address line 2
    address_line_3: str | None = None  # BT-162 / BT-163 / BT-164 / BT-165 (AddressLine/Line)
    city: str | None = None  # BT-37 / BT-52 / BT-66 / BT-77; Bucharest: SECTOR1..6 (BR-RO-100)
    postal_code: str | None = None  # BT-38 / BT-53 / BT-67 / BT-78
    # BT-39 / BT-54 / BT-68 / BT-79: for RO, ISO 3166-2:RO code like "RO-CJ", "RO-B" (BR-RO-110/111)
    country_subdivision: str | None = None
    country_code: str  # BT-40 / BT-55 / BT-69 / BT-80 ISO 3166-1 alpha-2, e.g. "RO"


@dataclass(kw_only=True)
class Contact:
    """BG-6 seller contact / BG-9 buyer contact."""

    name: str | None = None  # BT-41 / BT-56 contact point
    telephone: str | None = None  # BT-42 / BT-57
    email: str | None = None  # BT-43 / BT-58


@dataclass(kw_only=True)
class Party:
    """BG-4 seller or BG-7 buyer (same shape; seller-only fields say so).

    Romanian identifiers: the CUI/CIF of a VAT payer goes in ``vat_id`` with its "RO" prefix
    (BT-31/BT-48, e.g. "RO1234567"; BR-CO-09 wants the country prefix); a seller not registered
    for VAT puts the bare CUI in ``tax_registration_id`` (BT-32); a buyer without VAT registration
    gives its CUI, its CNP, or "0000000000000" (a person without CNP) in ``legal_registration_id``
    (BT-47), which CIUS-RO BR-RO-120 accepts in place of BT-48. The Trade Register number
    ("J40/1234/2020") is the seller's legal registration identifier (BT-30; CIUS-RO sets no
    format for it) and is often repeated in ``additional_legal_info`` (BT-33) with the share
    capital.
    """

    name: str  # BT-27 seller name / BT-44 buyer name (PartyLegalEntity/RegistrationName)
    trading_name: str | None = None  # BT-28 / BT-45 (PartyName/Name)
    identifiers: list[Identifier] = field(default_factory=list)  # BT-29 (0..n) / BT-46 (0..1)
    legal_registration_id: Identifier | None = None  # BT-30 / BT-47 (PartyLegalEntity/CompanyID)
    vat_id: str | None = None  # BT-31 / BT-48 (PartyTaxScheme with TaxScheme VAT)
    tax_registration_id: str | None = None  # BT-32 seller only (PartyTaxScheme, TaxScheme not VAT)
    additional_legal_info: str | None = None  # BT-33 seller only (CompanyLegalForm)
    electronic_address: Identifier | None = None  # BT-34 / BT-49 (EndpointID, scheme BT-34-1)
    address: Address  # BG-5 / BG-8
    contact: Contact | None = None  # BG-6 / BG-9


@dataclass(kw_only=True)
class Payee:
    """BG-10 payee, when someone other than the seller receives the payment."""

    name: str  # BT-59
    identifier: Identifier | None = None  # BT-60 (scheme BT-60-1)
    legal_registration_id: Identifier | None = None  # BT-61 (scheme BT-61-1)


@dataclass(kw_only=True)
class TaxRepresentative:
    """BG-11 seller's tax representative party."""

    name: str  # BT-62
    vat_id: str  # BT-63
    address: Address  # BG-12 (BT-64..BT-69, BT-164)


@dataclass(kw_only=True)
class Delivery:
    """BG-13 delivery information (the invoicing period BG-14 sits on ``Invoice``)."""

    party_name: str | None = None  # BT-70 deliver-to party name
    location_id: Identifier | None = None  # BT-71 (scheme BT-71-1)
    actual_delivery_date: date | None = None  # BT-72
    address: Address | None = None  # BG-15 deliver-to address (BT-75..BT-80, BT-165)
