"""CIUS-RO code lists and limits (from RO16931-rules.sch 1.0.9) and the rule ids per kind of address."""

from __future__ import annotations

import re
from dataclasses import dataclass

from genius.fiscal.ro.efactura.model import DocumentKind

# County codes and Bucharest sectors come from data/ through subdivisions.py (one source of truth
# with the validator); re-exported under the names the builder and the apps import from here.
from genius.fiscal.ro.efactura.subdivisions import BUCHAREST as BUCHAREST
from genius.fiscal.ro.efactura.subdivisions import BUCHAREST_SECTORS as BUCHAREST_SECTORS
from genius.fiscal.ro.efactura.subdivisions import RO_COUNTY_CODES as RO_COUNTY_CODES

# BR-RO-020: Invoice type codes (BT-3) ANAF accepts for each UBL document.
ALLOWED_TYPE_CODES = {
    DocumentKind.INVOICE: frozenset({"380", "384", "389", "751"}),
    DocumentKind.CREDIT_NOTE: frozenset({"381"}),
}
# BR-RO-040: tax point date codes (BT-8), UNTDID 2005 restricted to 3, 35, 432.
ALLOWED_TAX_POINT_DATE_CODES = frozenset({"3", "35", "432"})
# Categories that make BR-RO-065 / BR-RO-120 ask for the parties' tax identifiers.
TAXABLE_CATEGORIES = frozenset({"S", "Z", "E", "AE", "K", "G", "L", "M"})
# Categories that need a VAT exemption reason text or code (BR-E-10, BR-AE-10, BR-IC-10,
# BR-G-10, BR-O-10) and the ones that must not have one (BR-S-10, BR-Z-10, BR-IG-10, BR-IP-10).
EXEMPT_RULES = {"E": "BR-E-10", "AE": "BR-AE-10", "K": "BR-IC-10", "G": "BR-G-10", "O": "BR-O-10"}
NOT_EXEMPT_RULES = {"S": "BR-S-10", "Z": "BR-Z-10", "L": "BR-IG-10", "M": "BR-IP-10"}
# BR-CO-09: a VAT identifier starts with the ISO 3166-1 alpha-2 country code (Greece uses "EL").
VAT_PREFIX = re.compile(r"^[A-Z]{2}")

# CIUS-RO maxima (BR-RO-A...): notes, item attributes, attachments, preceding invoices.
MAX_NOTES = 20
MAX_ITEM_ATTRIBUTES = 50
MAX_ATTACHMENTS = 50
MAX_PRECEDING_INVOICES = 500


@dataclass(frozen=True)
class AddressRules:
    """The rule ids that apply to one kind of address (seller, buyer, tax representative, delivery)."""

    street_len: str
    additional_len: str
    line3_len: str
    city_len: str
    postcode_len: str
    street_required: str | None
    city_required: str | None
    subdivision_required: str | None
    sector: str
    county: str


SELLER_ADDRESS = AddressRules(
    "BR-RO-L151",
    "BR-RO-L1002",
    "BR-RO-L1003",
    "BR-RO-L0501",
    "BR-RO-L0201",
    "BR-RO-081",
    "BR-RO-091",
    None,
    "BR-RO-100",
    "BR-RO-110",
)
BUYER_ADDRESS = AddressRules(
    "BR-RO-L152",
    "BR-RO-L1007",
    "BR-RO-L1008",
    "BR-RO-L0502",
    "BR-RO-L0202",
    "BR-RO-082",
    "BR-RO-092",
    None,
    "BR-RO-101",
    "BR-RO-111",
)
TAX_REPRESENTATIVE_ADDRESS = AddressRules(
    "BR-RO-L153",
    "BR-RO-L1012",
    "BR-RO-L1013",
    "BR-RO-L0503",
    "BR-RO-L0203",
    "BR-RO-140",
    "BR-RO-150",
    None,
    "BR-RO-160",
    "BR-RO-170",
)
DELIVERY_ADDRESS = AddressRules(
    "BR-RO-L154",
    "BR-RO-L1014",
    "BR-RO-L1015",
    "BR-RO-L0504",
    "BR-RO-L0204",
    "BR-RO-180",
    "BR-RO-201",
    "BR-RO-211",
    "BR-RO-202",
    "BR-RO-212",
)
