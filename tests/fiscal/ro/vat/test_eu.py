"""The EU member states and VAT prefixes: the list python-stdnum checks VAT numbers against."""

from __future__ import annotations

from stdnum.eu import vat as stdnum_vat

from genius.fiscal.ro.saft.partners import EU_VAT_PREFIXES as SAFT_PREFIXES
from genius.fiscal.ro.vat.eu import EU_MEMBER_STATES, EU_VAT_PREFIXES, vat_prefix


def test_27_member_states_and_their_vat_prefixes() -> None:
    assert len(EU_MEMBER_STATES) == 27 and "RO" in EU_MEMBER_STATES and "EL" not in EU_MEMBER_STATES
    assert vat_prefix("GR") == "EL" and vat_prefix("DE") == "DE"
    # stdnum knows the same states (by ISO code, GR) plus Northern Ireland's XI.
    assert {c.upper() for c in stdnum_vat.MEMBER_STATES} == EU_MEMBER_STATES | {"XI"}
    assert (EU_MEMBER_STATES - {"GR"}) | {"EL", "XI"} == EU_VAT_PREFIXES


def test_saft_partner_ids_take_the_foreign_ones() -> None:
    assert EU_VAT_PREFIXES - {"RO"} == SAFT_PREFIXES and len(SAFT_PREFIXES) == 27
