"""County codes and Bucharest sectors: one list from data/, the same for the builder and the validator."""

from __future__ import annotations

from genius.fiscal.ro.efactura import subdivisions
from genius.fiscal.ro.efactura.ciusro import codes
from genius.fiscal.ro.efactura.validate.ciusro import addresses


def test_the_lists_from_data() -> None:
    assert len(subdivisions.RO_COUNTY_CODES) == 42  # 41 counties and Bucharest
    assert {"RO-AB", "RO-B", "RO-CJ", "RO-IF", "RO-VS"} <= subdivisions.RO_COUNTY_CODES
    assert all(code.startswith("RO-") for code in subdivisions.RO_COUNTY_CODES)
    assert subdivisions.BUCHAREST in subdivisions.RO_COUNTY_CODES
    assert {f"SECTOR{n}" for n in range(1, 7)} == subdivisions.BUCHAREST_SECTORS


def test_builder_and_validator_read_the_same_objects() -> None:
    assert codes.RO_COUNTY_CODES is subdivisions.RO_COUNTY_CODES is addresses.RO_COUNTY_CODES
    assert codes.BUCHAREST_SECTORS is subdivisions.BUCHAREST_SECTORS is addresses.BUCHAREST_SECTORS
