"""Partners (customers): Romanian companies, individuals and foreign firms; their invariants.

A partner is what a sales document's buyer (BG-7) is expanded from. The rules, per kind:

- ``company``: a CUI with a valid check digit; ``RO`` in front (or ``vat_payer``) marks a VAT
  payer, whose VAT id is ``RO`` + CUI; a Trade Register number when given; a Romanian address.
- ``individual``: optionally a CNP (checked; the handler seals it, lists show the last digits);
  without one the invoice carries thirteen zeros (CIUS-RO BT-47 for a person without CNP).
- ``foreign``: an address abroad; in the EU a VAT number valid for that member state (when
  given), elsewhere a free tax identifier.

Every bad value is reported at once, each problem naming its field.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from stdnum import bic as std_bic

from genius.apps.sales.domain.addresses import (
    AddressInput,
    PostalAddress,
    check_length,
    clean,
    validate_address,
)
from genius.apps.sales.domain.identifiers import (
    EU_MEMBER_STATES,
    MAX_TAX_ID,
    check_cnp,
    check_cui,
    check_email,
    check_eu_vat,
    check_iban,
    check_trade_register,
)
from genius.kernel.errors import ProblemCollector, ValidationError

MAX_NAME = 200  # CIUS-RO BT-44 buyer name
MAX_PHONE = 100  # CIUS-RO BT-57
MAX_PAYMENT_TERM_DAYS = 3650
# BT-47 of a person without a CNP (CIUS-RO: thirteen zeros).
NO_CNP = "0000000000000"


class PartnerKind(StrEnum):
    COMPANY = "company"
    INDIVIDUAL = "individual"
    FOREIGN = "foreign"


@dataclass(frozen=True)
class PartnerInput:
    """A partner as a caller describes it; ``validate_partner`` turns it into a ``Partner``."""

    kind: str
    name: str | None
    address: AddressInput | None
    cui: str | None = None
    vat_payer: bool | None = None
    trade_register: str | None = None
    cnp: str | None = None
    vat_id: str | None = None
    tax_id: str | None = None
    iban: str | None = None
    bank_name: str | None = None
    bic: str | None = None
    email: str | None = None
    phone: str | None = None
    payment_term_days: int | None = None


@dataclass(frozen=True)
class Partner:
    """A checked partner. ``cnp`` is plaintext here only: it is sealed before it is stored."""

    kind: PartnerKind
    name: str
    address: PostalAddress
    cui: str | None = None  # bare digits
    vat_payer: bool = False
    vat_id: str | None = None  # with its country prefix: RO + CUI, DE..., EL...
    trade_register: str | None = None
    cnp: str | None = field(default=None, repr=False)
    tax_id: str | None = None
    iban: str | None = None
    bank_name: str | None = None
    bic: str | None = None
    email: str | None = None
    phone: str | None = None
    payment_term_days: int | None = None

    @property
    def country_code(self) -> str:
        return self.address.country_code

    @property
    def cnp_last_digits(self) -> str | None:
        return self.cnp[-4:] if self.cnp else None

    def buyer_party(self) -> dict[str, Any]:
        """The buyer (BG-7) in the e-Factura JSON form.

        Romanian companies: VAT payers by BT-48 (``RO`` + CUI); every company also by BT-47 =
        the CUI, which is how SPV delivers the invoice to the buyer. Individuals: BT-47 = CNP or
        thirteen zeros. Foreign firms: BT-48 when they have an EU VAT number, else their tax id.
        """
        party: dict[str, Any] = {"name": self.name, "address": self.address.to_efactura()}
        if self.kind == PartnerKind.COMPANY:
            party["legal_registration_id"] = {"value": self.cui}
            if self.vat_payer:
                party["vat_id"] = self.vat_id
        elif self.kind == PartnerKind.INDIVIDUAL:
            party["legal_registration_id"] = {"value": self.cnp or NO_CNP}
        else:
            if self.vat_id:
                party["vat_id"] = self.vat_id
            elif self.tax_id:
                party["legal_registration_id"] = {"value": self.tax_id}
        contact = {k: v for k, v in (("email", self.email), ("telephone", self.phone)) if v}
        if contact:
            party["contact"] = contact
        return party


def validate_partner(raw: PartnerInput) -> Partner:
    """The checked partner; a ValidationError lists every problem, each naming its field."""
    try:
        kind = PartnerKind(raw.kind)
    except ValueError:
        raise ValidationError.for_field(
            "kind", f"{raw.kind!r} is not a partner kind (company, individual, foreign)"
        ) from None
    problems = ProblemCollector()
    name = clean(raw.name)
    if name is None:
        problems.add("name", "required", "required")
    check_length(problems, "name", name, MAX_NAME)
    address = validate_address(
        raw.address,
        problems,
        "address",
        romanian={PartnerKind.COMPANY: True, PartnerKind.FOREIGN: False}.get(kind),
    )
    values: dict[str, Any] = {}
    if kind == PartnerKind.COMPANY:
        values.update(_company_ids(raw, problems))
    else:
        for name_, value in (("cui", raw.cui), ("trade_register", raw.trade_register)):
            if clean(value):
                problems.add(
                    name_, f"only a Romanian company has a {name_.replace('_', ' ')}", "not_for_kind"
                )
        if raw.vat_payer:
            problems.add("vat_payer", "only a Romanian company is marked as a VAT payer here", "not_for_kind")
    if kind == PartnerKind.INDIVIDUAL:
        if clean(raw.cnp):
            values["cnp"] = check_cnp(problems, "cnp", raw.cnp or "")
        for name_, value in (("vat_id", raw.vat_id), ("tax_id", raw.tax_id)):
            if clean(value):
                problems.add(name_, "an individual is identified by a CNP", "not_for_kind")
    elif clean(raw.cnp):
        problems.add("cnp", "only an individual has a CNP", "not_for_kind")
    if kind == PartnerKind.FOREIGN and address is not None:
        values.update(_foreign_ids(raw, address.country_code, problems))
    elif kind == PartnerKind.COMPANY and clean(raw.tax_id):
        problems.add("tax_id", "a Romanian company is identified by its CUI", "not_for_kind")
    values.update(_contact_and_bank(raw, problems))
    problems.raise_if_any("invalid partner")
    assert name is not None and address is not None
    return Partner(kind=kind, name=name, address=address, **values)


def _company_ids(raw: PartnerInput, problems: ProblemCollector) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if not clean(raw.cui):
        problems.add("cui", "required for a Romanian company", "required")
    else:
        checked = check_cui(problems, "cui", raw.cui or "")
        if checked is not None:
            digits, has_ro = checked
            if raw.vat_payer is False and has_ro:
                problems.add("vat_payer", "the CUI has the RO prefix, which marks a VAT payer", "vat_payer")
            payer = has_ro if raw.vat_payer is None else raw.vat_payer
            out.update(cui=digits, vat_payer=payer, vat_id=f"RO{digits}" if payer else None)
    if clean(raw.trade_register):
        out["trade_register"] = check_trade_register(problems, "trade_register", raw.trade_register or "")
    if clean(raw.vat_id):
        problems.add("vat_id", "a Romanian company's VAT id is RO + its CUI: give it as cui", "not_for_kind")
    return out


def _foreign_ids(raw: PartnerInput, country: str, problems: ProblemCollector) -> dict[str, Any]:
    out: dict[str, Any] = {}
    vat_id, tax_id = clean(raw.vat_id), clean(raw.tax_id)
    if country in EU_MEMBER_STATES:
        if vat_id:
            out["vat_id"] = check_eu_vat(problems, "vat_id", vat_id, country)
        if tax_id:
            check_length(problems, "tax_id", tax_id, MAX_TAX_ID)
            out["tax_id"] = tax_id
    else:
        if vat_id:
            problems.add(
                "vat_id", f"{country} is not an EU member state: give its tax identifier as tax_id", "not_eu"
            )
        if tax_id:
            check_length(problems, "tax_id", tax_id, MAX_TAX_ID)
            out["tax_id"] = tax_id
    return out


def _contact_and_bank(raw: PartnerInput, problems: ProblemCollector) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if clean(raw.iban):
        out["iban"] = check_iban(problems, "iban", raw.iban or "")
    if clean(raw.bic):
        value = "".join((raw.bic or "").split()).upper()
        if std_bic.is_valid(value):
            out["bic"] = value
        else:
            problems.add("bic", f"{raw.bic!r} is not a BIC (ISO 9362: 8 or 11 characters)", "bic_invalid")
    out["bank_name"] = clean(raw.bank_name)
    check_length(problems, "bank_name", out["bank_name"], MAX_NAME)
    if clean(raw.email):
        out["email"] = check_email(problems, "email", raw.email or "")
    out["phone"] = clean(raw.phone)
    check_length(problems, "phone", out["phone"], MAX_PHONE)
    if raw.payment_term_days is not None:
        if not 0 <= raw.payment_term_days <= MAX_PAYMENT_TERM_DAYS:
            problems.add("payment_term_days", f"between 0 and {MAX_PAYMENT_TERM_DAYS} days", "out_of_range")
        else:
            out["payment_term_days"] = raw.payment_term_days
    return out
