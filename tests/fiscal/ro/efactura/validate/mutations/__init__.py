"""Deterministic mutations of e-Factura XML, one broken thing each, grouped in families.

Each mutation edits an lxml tree in place and returns False when the document lacks what it
would break (then the corpus tries the next base). Randomness (text content, which line) comes
only from the ``random.Random`` handed in, so a seed fixes every document.
"""

from tests.fiscal.ro.efactura.validate.mutations import (
    amounts,
    dates_payment,
    schematron_limits,
    vat_addresses,
)
from tests.fiscal.ro.efactura.validate.mutations.core import MUTATIONS, NS, RO_CIUS_ID, Mutation

FAMILIES = tuple(dict.fromkeys(m.family for m in MUTATIONS))

# What each family breaks (for the agreement report).
FAMILY_DESCRIPTIONS = {
    "mandatory": "removes a field EN 16931 / CIUS-RO require but UBL's XSD does not (names, addresses, "
    "VAT ids, totals, line item name, quantity, price, VAT category)",
    "totals": "breaks a total or a rounding by a cent or a unit, adds a third decimal, a negative price, "
    "an unaccounted prepaid or rounding amount",
    "codes": "wrong currency, country, unit, VAT category, tax scheme, payment means, type and reason codes",
    "dates": "time zones, padding, impossible dates, periods ending before they start, BT-7 with BT-8",
    "payment": "no due date and no payment terms (BR-CO-25), credit transfer without account, long texts",
    "identifiers": "BT-24 of another CIUS-RO version, invoice numbers without digits, endpoint schemes",
    "xsd": "unknown elements and attributes, wrong element order, missing XSD-required elements",
    "vat": "VAT category / rate / exemption-reason combinations that do not fit, missing VAT ids",
    "county-sector": "ISO 3166-2:RO county and SECTOR1..6 codes in seller, buyer, deliver-to and tax "
    "representative addresses (wrong, lowercase, missing, and the valid counterpart)",
    "length": "texts one character over each CIUS-RO limit, 21 notes, and a text within the limit only "
    "after normalize-space",
    "limit-boundary": "every `string-length(normalize-space(...)) <= N` assert of ANAF's RO16931-rules.sch, "
    "read from the file: one character over N and exactly N",
    "combined": "two mutations of different families on one document",
}

__all__ = [
    "FAMILIES",
    "FAMILY_DESCRIPTIONS",
    "MUTATIONS",
    "NS",
    "RO_CIUS_ID",
    "Mutation",
    "amounts",
    "dates_payment",
    "schematron_limits",
    "vat_addresses",
]
