"""ANAF's partner identifier rules (prefix + code) and the payment mechanism pairs."""

from __future__ import annotations

import pytest

from genius.fiscal.ro.saft.partners import (
    ANONYMOUS_POS_CUSTOMER,
    PartnerRole,
    check_partner_id,
    eu_vat_id,
    individual_id,
    payment_mechanisms,
    ro_company_id,
)

C, S = PartnerRole.CUSTOMER, PartnerRole.SUPPLIER


@pytest.mark.parametrize(
    ("partner_id", "role"),
    [
        ("0012345674", C),
        ("01DE123456789", S),
        ("01EL123456789", C),
        ("02US12345", S),
        ("031800101221144", C),
        ("04CLIENT123", C),
        ("05FR12345", C),
        ("06CH999", S),
        (ANONYMOUS_POS_CUSTOMER, C),
        ("091234567890", S),
    ],
)
def test_valid_identifiers(partner_id: str, role: PartnerRole) -> None:
    assert check_partner_id(partner_id, role) is None


@pytest.mark.parametrize(
    ("partner_id", "role", "reason"),
    [
        ("0", C, "only on one side"),
        ("00RO12345674", C, "without RO"),
        ("0012345678", C, "check digit"),
        ("00123456789012", S, "2 to 10 digits"),
        ("01RO12345674", C, "EU VAT number"),
        ("01GR123456789", C, "EU VAT number"),
        ("02DE12345", S, "outside the EU"),
        ("05US12345", C, "use 06"),
        ("030800101221144", C, "not starting with 0"),
        ("031800101", C, "13 digits"),
        ("04CLIENT-1", C, "letters and digits"),
        (ANONYMOUS_POS_CUSTOMER, S, "never a supplier"),
        ("08123", C, "exactly"),
        ("10DE1234", C, "bank clients"),
        ("12345674", C, "unknown prefix"),
        (" 0012345674", C, "spaces"),
    ],
)
def test_invalid_identifiers(partner_id: str, role: PartnerRole, reason: str) -> None:
    problem = check_partner_id(partner_id, role)
    assert problem is not None and reason in problem


def test_bank_prefixes_need_the_bank_basis() -> None:
    assert check_partner_id("10DE1234", C, bank=True) is None


def test_builders() -> None:
    assert ro_company_id("RO 12345674") == "0012345674"
    assert eu_vat_id("de 123 456 789") == "01DE123456789"
    assert individual_id("1800101221144") == "031800101221144"


def test_payment_mechanisms_follow_duk() -> None:
    pairs = payment_mechanisms()
    assert len(pairs) == 83
    assert pairs["10"] == "01"
    assert pairs["42"] == pairs["48"] == pairs["20"] == pairs["68"] == "03"
    assert pairs["58"] == "02"
    assert pairs["1"] == "99" and pairs["ZZZ"] == "98"
