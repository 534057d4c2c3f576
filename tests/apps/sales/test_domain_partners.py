"""Partner invariants (pure): identifiers checked with stdnum, each bad value named by its field."""

from __future__ import annotations

from dataclasses import replace

import pytest

from genius.apps.sales.domain.addresses import AddressInput
from genius.apps.sales.domain.company import CompanyInput, validate_company
from genius.apps.sales.domain.partners import NO_CNP, PartnerInput, PartnerKind, validate_partner
from genius.kernel.errors import ValidationError
from tests.apps.sales.conftest import BUYER_CUI, CNP, DE_VAT, IBAN, TENANT_CUI, address, company_partner


def fields(raw: PartnerInput) -> dict[str, str]:
    with pytest.raises(ValidationError) as caught:
        validate_partner(raw)
    return {p.field: p.code for p in caught.value.problems}


def test_company_with_ro_prefix_is_a_vat_payer_identified_by_ro_cui() -> None:
    partner = validate_partner(company_partner())
    assert partner.kind == PartnerKind.COMPANY
    assert (partner.cui, partner.vat_payer, partner.vat_id) == ("14399840", True, "RO14399840")
    party = partner.buyer_party()
    assert party["vat_id"] == "RO14399840" and party["legal_registration_id"] == {"value": "14399840"}
    # "Sector 3" is normalised to the only spelling ANAF accepts (CIUS-RO BR-RO-100).
    assert party["address"] == {
        "street": "Bd. Unirii nr. 1",
        "city": "SECTOR3",
        "postal_code": "030823",
        "country_subdivision": "RO-B",
        "country_code": "RO",
    }


def test_company_without_prefix_is_not_a_payer_and_has_no_vat_id_on_the_invoice() -> None:
    partner = validate_partner(company_partner(cui="14399840"))
    assert (partner.vat_payer, partner.vat_id) == (False, None)
    assert "vat_id" not in partner.buyer_party()


@pytest.mark.parametrize(
    ("overrides", "field", "code"),
    [
        ({"cui": "RO14399841"}, "cui", "check_digit"),
        ({"cui": "RO12AB"}, "cui", "cui_format"),
        ({"cui": None}, "cui", "required"),
        ({"cui": BUYER_CUI, "vat_payer": False}, "vat_payer", "vat_payer"),
        ({"trade_register": "J99/1/2020"}, "trade_register", "trade_register"),
        ({"trade_register": "J2012000750529"}, "trade_register", "trade_register"),
        ({"iban": "RO49AAAA1B31007593840001"}, "iban", "iban_invalid"),
        ({"iban": "RO49AAAA1B3100759384"}, "iban", "iban_invalid"),
        ({"bic": "NOTABIC!"}, "bic", "bic_invalid"),
        ({"email": "not-an-email"}, "email", "email"),
        ({"cnp": CNP}, "cnp", "not_for_kind"),
        ({"vat_id": DE_VAT}, "vat_id", "not_for_kind"),
        ({"name": "  "}, "name", "required"),
        ({"name": "x" * 201}, "name", "too_long"),
        ({"payment_term_days": -1}, "payment_term_days", "out_of_range"),
    ],
)
def test_company_bad_values_name_their_field(overrides: dict[str, object], field: str, code: str) -> None:
    assert fields(company_partner(**overrides)).get(field) == code


@pytest.mark.parametrize(
    ("address_overrides", "field", "code"),
    [
        ({"county": "RO-XX"}, "address.county", "county_code"),
        ({"county": "CJ"}, "address.county", "county_code"),
        ({"county": None}, "address.county", "invalid"),
        ({"county": "RO-B", "city": "Bucuresti"}, "address.city", "bucharest_sector"),
        ({"county": "RO-B", "city": "SECTOR7"}, "address.city", "bucharest_sector"),
        ({"street": None}, "address.street", "required"),
        ({"city": None}, "address.city", "required"),
        ({"street": "s" * 151}, "address.street", "too_long"),
        ({"country_code": "DE"}, "address.country_code", "invalid"),
        ({"country_code": "XX"}, "address.country_code", "invalid"),
    ],
)
def test_address_rules(address_overrides: dict[str, object], field: str, code: str) -> None:
    assert fields(company_partner(address=address(**address_overrides))).get(field) == code


def test_every_problem_is_reported_at_once() -> None:
    problems = fields(company_partner(cui="RO14399841", iban="RO00", address=address(county="RO-ZZ")))
    assert set(problems) >= {"cui", "iban", "address.county"}


def test_lowercase_county_and_trade_register_formats_are_accepted() -> None:
    partner = validate_partner(
        company_partner(address=address(county="ro-cj"), trade_register="J2012000750528")
    )
    assert partner.address.county == "RO-CJ" and partner.trade_register == "J2012000750528"


def test_individual_with_cnp_carries_it_as_bt47_and_lists_show_last_digits_only() -> None:
    partner = validate_partner(
        PartnerInput(kind="individual", name="Ion Popescu", address=address(), cnp=CNP)
    )
    assert partner.buyer_party()["legal_registration_id"] == {"value": CNP}
    assert partner.cnp_last_digits == CNP[-4:]
    assert CNP not in repr(partner)  # never in logs or tracebacks


def test_individual_without_cnp_gets_thirteen_zeros() -> None:
    partner = validate_partner(PartnerInput(kind="individual", name="Ion Popescu", address=address()))
    assert partner.buyer_party()["legal_registration_id"] == {"value": NO_CNP}


@pytest.mark.parametrize("cnp", ["1800101221145", "1801301221144", "123", "9800101221144"])
def test_bad_cnp_is_refused(cnp: str) -> None:
    raw = PartnerInput(kind="individual", name="Ion Popescu", address=address(), cnp=cnp)
    assert fields(raw) == {"cnp": "cnp_invalid"}


def test_individual_cannot_have_company_identifiers() -> None:
    raw = PartnerInput(kind="individual", name="Ion", address=address(), cui=BUYER_CUI, vat_payer=True)
    assert fields(raw) == {"cui": "not_for_kind", "vat_payer": "not_for_kind"}


def foreign(**overrides: object) -> PartnerInput:
    values: dict[str, object] = {
        "kind": "foreign",
        "name": "Kunde GmbH",
        "vat_id": DE_VAT,
        "address": AddressInput(street="Hauptstr. 1", city="Berlin", postal_code="10115", country_code="DE"),
    }
    values.update(overrides)
    return PartnerInput(**values)  # type: ignore[arg-type]


def test_foreign_eu_partner_with_valid_vat_number() -> None:
    partner = validate_partner(foreign(vat_id="136695976"))  # prefix added from the country
    assert partner.vat_id == DE_VAT
    assert partner.buyer_party()["vat_id"] == DE_VAT


def test_greek_vat_numbers_use_el() -> None:
    greek = AddressInput(street="Odos 1", city="Athina", country_code="GR")
    assert validate_partner(foreign(vat_id="EL094259216", address=greek)).vat_id == "EL094259216"
    assert fields(foreign(vat_id="GR094259216", address=greek)) == {"vat_id": "vat_country"}


@pytest.mark.parametrize(
    ("overrides", "field", "code"),
    [
        ({"vat_id": "DE136695977"}, "vat_id", "vat_invalid"),
        ({"vat_id": "FR40303265045"}, "vat_id", "vat_country"),
        ({"address": address()}, "address.country_code", "invalid"),
        (
            {"vat_id": "123", "address": AddressInput(street="Main St 1", city="Boston", country_code="US")},
            "vat_id",
            "not_eu",
        ),
    ],
)
def test_foreign_bad_values(overrides: dict[str, object], field: str, code: str) -> None:
    assert fields(foreign(**overrides)).get(field) == code


def test_non_eu_partner_is_identified_by_its_tax_id() -> None:
    us = foreign(
        vat_id=None,
        tax_id="12-3456789",
        address=AddressInput(street="Main St 1", city="Boston", country_code="US"),
    )
    partner = validate_partner(us)
    assert partner.buyer_party()["legal_registration_id"] == {"value": "12-3456789"}


def test_unknown_kind() -> None:
    assert fields(replace(company_partner(), kind="robot")) == {"kind": "invalid"}


def test_company_profile_must_be_the_tenants_own_cui() -> None:
    raw = CompanyInput(name="Genius Demo SRL", cui=BUYER_CUI, address=address(), iban=IBAN)
    with pytest.raises(ValidationError) as caught:
        validate_company(raw, TENANT_CUI)
    assert {p.field: p.code for p in caught.value.problems} == {"cui": "not_tenant"}
    profile = validate_company(replace(raw, cui=TENANT_CUI, share_capital="200"), TENANT_CUI)
    seller = profile.seller_party()
    assert seller["vat_id"] == TENANT_CUI and seller["additional_legal_info"] == "Capital social 200 RON"
    non_payer = validate_company(replace(raw, cui="18547290"), TENANT_CUI)
    assert non_payer.seller_party()["tax_registration_id"] == "18547290"
