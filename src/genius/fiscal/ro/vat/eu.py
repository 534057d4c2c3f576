"""The EU member states and the prefixes their VAT numbers carry (intra-Community supplies, VIES).

One list for every Romanian format that tells an EU partner from a foreign one: SAF-T D406 partner
IDs (prefixes 01/05), and any app that checks a partner's country or VAT number.
"""

from __future__ import annotations

# ISO 3166-1 alpha-2 codes of the 27 member states (Romania included).
EU_MEMBER_STATES = frozenset(
    ["AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU",
     "IE", "IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK"]
)  # fmt: skip
# A VAT number's prefix is the country code, except Greece's: EL (Council Directive 2006/112/EC, art. 215).
VAT_PREFIX_EXCEPTIONS = {"GR": "EL"}
# Northern Ireland's traders carry XI VAT numbers for goods (Windsor Framework), checked in VIES.
NORTHERN_IRELAND_VAT_PREFIX = "XI"
# Every prefix an EU VAT number may start with (RO and XI included).
EU_VAT_PREFIXES = frozenset(VAT_PREFIX_EXCEPTIONS.get(c, c) for c in EU_MEMBER_STATES) | {
    NORTHERN_IRELAND_VAT_PREFIX
}


def vat_prefix(country: str) -> str:
    """The prefix of a member state's VAT numbers: its ISO code, EL for Greece."""
    return VAT_PREFIX_EXCEPTIONS.get(country, country)
