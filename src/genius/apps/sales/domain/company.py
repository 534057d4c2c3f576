"""The seller: the tenant's own company as it appears on every invoice it issues (BG-4).

The profile is checked like a Romanian company partner, and its CUI must be the tenant's own
(registered in the control plane): a tenant issues invoices in its own name only. A VAT payer
is identified by BT-31 (``RO`` + CUI), a non-payer by BT-32 (the bare CUI); the Trade Register
number is BT-30 and the share capital goes to BT-33. Firms on VAT on collection (*TVA la
încasare*, Codul fiscal art. 282) must print that mention on every invoice.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from stdnum import bic as std_bic

from genius.apps.sales.domain.addresses import (
    AddressInput,
    PostalAddress,
    check_length,
    clean,
    validate_address,
)
from genius.apps.sales.domain.identifiers import check_cui, check_email, check_iban, check_trade_register
from genius.apps.sales.domain.partners import MAX_NAME, MAX_PAYMENT_TERM_DAYS, MAX_PHONE
from genius.kernel.errors import ProblemCollector

DEFAULT_PAYMENT_TERM_DAYS = 30
# Art. 319(20) lit. p^1 Codul fiscal: the mention required on invoices of VAT-on-collection firms.
VAT_ON_COLLECTION_NOTE = "TVA la încasare"
CREDIT_TRANSFER = "30"  # UNTDID 4461: credit transfer (BT-81)


@dataclass(frozen=True)
class CompanyInput:
    name: str | None
    cui: str | None
    address: AddressInput | None
    vat_payer: bool | None = None
    trade_register: str | None = None
    iban: str | None = None
    bank_name: str | None = None
    bic: str | None = None
    email: str | None = None
    phone: str | None = None
    share_capital: str | None = None
    vat_on_collection: bool = False
    payment_term_days: int | None = None


@dataclass(frozen=True)
class CompanyProfile:
    name: str
    cui: str  # bare digits
    vat_payer: bool
    address: PostalAddress
    trade_register: str | None = None
    iban: str | None = None
    bank_name: str | None = None
    bic: str | None = None
    email: str | None = None
    phone: str | None = None
    share_capital: Decimal | None = None
    vat_on_collection: bool = False
    payment_term_days: int = DEFAULT_PAYMENT_TERM_DAYS

    @property
    def vat_id(self) -> str | None:
        return f"RO{self.cui}" if self.vat_payer else None

    def seller_party(self) -> dict[str, Any]:
        """The seller (BG-4) in the e-Factura JSON form."""
        party: dict[str, Any] = {"name": self.name, "address": self.address.to_efactura()}
        if self.vat_payer:
            party["vat_id"] = self.vat_id
        else:
            party["tax_registration_id"] = self.cui  # BT-32: a seller outside VAT gives the bare CUI
        if self.trade_register:
            party["legal_registration_id"] = {"value": self.trade_register}
        legal = [f"Capital social {self.share_capital:f} RON"] if self.share_capital is not None else []
        if self.trade_register:
            legal.append(self.trade_register)
        if legal:
            party["additional_legal_info"] = "; ".join(legal)
        contact = {k: v for k, v in (("email", self.email), ("telephone", self.phone)) if v}
        if contact:
            party["contact"] = contact
        return party

    def default_payment_instructions(self, remittance: str) -> list[dict[str, Any]]:
        """A credit transfer to the company's IBAN (BG-16/BG-17), or nothing without an IBAN."""
        if not self.iban:
            return []
        transfer: dict[str, Any] = {"account_id": self.iban, "account_name": self.name[:200]}
        if self.bic:
            transfer["service_provider_id"] = self.bic
        return [
            {
                "means_code": CREDIT_TRANSFER,
                "remittance_information": remittance,
                "credit_transfers": [transfer],
            }
        ]


def validate_company(raw: CompanyInput, registered_cui: str) -> CompanyProfile:
    """The checked profile; ``registered_cui`` is the tenant's CUI from the control plane."""
    problems = ProblemCollector()
    name = clean(raw.name)
    if name is None:
        problems.add("name", "required", "required")
    check_length(problems, "name", name, MAX_NAME)
    address = validate_address(raw.address, problems, "address", romanian=True)
    digits, vat_payer = None, False
    if not clean(raw.cui):
        problems.add("cui", "required", "required")
    else:
        checked = check_cui(problems, "cui", raw.cui or "")
        if checked is not None:
            digits, has_ro = checked
            vat_payer = has_ro if raw.vat_payer is None else raw.vat_payer
            if raw.vat_payer is False and has_ro:
                problems.add("vat_payer", "the CUI has the RO prefix, which marks a VAT payer", "vat_payer")
            registered = "".join(ch for ch in registered_cui if ch.isdigit())
            if digits != registered:
                problems.add(
                    "cui", f"the tenant is registered with CUI {registered}, got {digits}", "not_tenant"
                )
    values: dict[str, Any] = {}
    if clean(raw.trade_register):
        values["trade_register"] = check_trade_register(problems, "trade_register", raw.trade_register or "")
    if clean(raw.iban):
        values["iban"] = check_iban(problems, "iban", raw.iban or "")
    if clean(raw.bic):
        bic = "".join((raw.bic or "").split()).upper()
        if std_bic.is_valid(bic):
            values["bic"] = bic
        else:
            problems.add("bic", f"{raw.bic!r} is not a BIC (ISO 9362: 8 or 11 characters)", "bic_invalid")
    if clean(raw.email):
        values["email"] = check_email(problems, "email", raw.email or "")
    values["bank_name"] = clean(raw.bank_name)
    values["phone"] = clean(raw.phone)
    check_length(problems, "phone", values["phone"], MAX_PHONE)
    if clean(raw.share_capital):
        try:
            capital = Decimal((raw.share_capital or "").strip())
            if not capital.is_finite() or capital < 0:
                raise InvalidOperation
            values["share_capital"] = capital
        except InvalidOperation:
            problems.add("share_capital", f"{raw.share_capital!r} is not an amount in RON", "bad_decimal")
    if raw.payment_term_days is not None:
        if not 0 <= raw.payment_term_days <= MAX_PAYMENT_TERM_DAYS:
            problems.add("payment_term_days", f"between 0 and {MAX_PAYMENT_TERM_DAYS} days", "out_of_range")
        else:
            values["payment_term_days"] = raw.payment_term_days
    problems.raise_if_any("invalid company profile")
    assert name is not None and address is not None and digits is not None
    return CompanyProfile(
        name=name,
        cui=digits,
        vat_payer=vat_payer,
        address=address,
        vat_on_collection=raw.vat_on_collection,
        **values,
    )
