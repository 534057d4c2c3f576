"""check_rules(): CIUS-RO and EN 16931 rules refused on the model, naming the field and the rule.

Where a rule is ANAF's, the oracle confirms that ANAF raises the same rule id on the XML written
without checks: our refusal and ANAF's agree.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from genius.fiscal.ro.efactura import (
    DocumentKind,
    Invoice,
    PaymentInstructions,
    RuleViolation,
    build_xml,
    check_rules,
    compute,
    rule_problems,
)
from tests.fiscal.ro.efactura.scenarios import SCENARIO_NAMES, load_scenario


def pairs(invoice: Invoice) -> set[tuple[str, str]]:
    return {(p.field, p.code) for p in rule_problems(compute(invoice))}


@pytest.mark.parametrize("name", SCENARIO_NAMES)
def test_scenarios_break_no_rule(name: str) -> None:
    check_rules(compute(load_scenario(name)))


def grow(text: str | None) -> str:
    assert text is not None
    return text + "Y"


# One more character than allowed, on a field of the length-limits scenario (all at their maximum).
LONGER: list[tuple[str, Callable[[Invoice], None], str, str]] = [
    ("number", lambda i: setattr(i, "number", grow(i.number)), "number", "BR-RO-L155"),
    ("seller name", lambda i: setattr(i.seller, "name", grow(i.seller.name)), "seller.name", "BR-RO-L201"),
    (
        "buyer street",
        lambda i: setattr(i.buyer.address, "street", grow(i.buyer.address.street)),
        "buyer.address.street",
        "BR-RO-L152",
    ),
    (
        "seller city",
        lambda i: setattr(i.seller.address, "city", grow(i.seller.address.city)),
        "seller.address.city",
        "BR-RO-L0501",
    ),
    (
        "seller postcode",
        lambda i: setattr(i.seller.address, "postal_code", grow(i.seller.address.postal_code)),
        "seller.address.postal_code",
        "BR-RO-L0201",
    ),
    ("note", lambda i: setattr(i.notes[0], "text", grow(i.notes[0].text)), "notes[0].text", "BR-RO-L302"),
    (
        "payment terms",
        lambda i: setattr(i, "payment_terms", grow(i.payment_terms)),
        "payment_terms",
        "BR-RO-L301",
    ),
    (
        "legal info",
        lambda i: setattr(i.seller, "additional_legal_info", grow(i.seller.additional_legal_info)),
        "seller.additional_legal_info",
        "BR-RO-L1000",
    ),
    (
        "item name",
        lambda i: setattr(i.lines[0].item, "name", grow(i.lines[0].item.name)),
        "lines[0].item.name",
        "BR-RO-L1024",
    ),
    (
        "item description",
        lambda i: setattr(i.lines[0].item, "description", grow(i.lines[0].item.description)),
        "lines[0].item.description",
        "BR-RO-L212",
    ),
    (
        "remittance",
        lambda i: setattr(
            i.payment_instructions[0],
            "remittance_information",
            grow(i.payment_instructions[0].remittance_information),
        ),
        "payment_instructions[0].remittance_information",
        "BR-RO-L140",
    ),
    (
        "contract",
        lambda i: setattr(i, "contract_reference", grow(i.contract_reference)),
        "contract_reference",
        "BR-RO-L0302",
    ),
    (
        "attribute value",
        lambda i: setattr(i.lines[0].item.attributes[0], "value", grow(i.lines[0].item.attributes[0].value)),
        "lines[0].item.attributes[0].value",
        "BR-RO-L1025",
    ),
    (
        "line note",
        lambda i: setattr(i.lines[0], "note", grow(i.lines[0].note)),
        "lines[0].note",
        "BR-RO-L303",
    ),
]


@pytest.mark.oracle
@pytest.mark.parametrize(("label", "mutate", "field", "rule"), LONGER, ids=[x[0] for x in LONGER])
def test_one_character_over_the_limit_is_refused_as_anaf_does(
    oracle: Any, label: str, mutate: Callable[[Invoice], None], field: str, rule: str
) -> None:
    invoice = load_scenario("length-limits")
    if label == "attribute value":  # the scenario shares one attribute object 50 times: make it one
        import copy

        invoice.lines[0].item.attributes = [copy.copy(a) for a in invoice.lines[0].item.attributes]
    mutate(invoice)
    assert (field, rule) in pairs(invoice)
    with pytest.raises(RuleViolation):
        build_xml(invoice)
    verdict = oracle.check_text(build_xml(invoice, check=False))
    assert rule in verdict["ciusro_fatal"], verdict["ciusro_fatal"]


def test_more_than_twenty_notes_is_refused() -> None:
    invoice = load_scenario("length-limits")
    invoice.notes.append(invoice.notes[0])
    assert ("notes", "BR-RO-A020") in pairs(invoice)


@pytest.mark.parametrize(
    ("subdivision", "city", "rule", "field"),
    [
        ("RO-B", "Bucuresti", "BR-RO-101", "buyer.address.city"),
        ("RO-B", "SECTOR7", "BR-RO-101", "buyer.address.city"),
        ("CJ", "Cluj-Napoca", "BR-RO-111", "buyer.address.country_subdivision"),
        (None, "Cluj-Napoca", "BR-RO-111", "buyer.address.country_subdivision"),
    ],
)
def test_romanian_buyer_address_codes(subdivision: str | None, city: str, rule: str, field: str) -> None:
    invoice = load_scenario("domestic-21-11")
    invoice.buyer.address.country_subdivision = subdivision
    invoice.buyer.address.city = city
    assert pairs(invoice) == {(field, rule)}


def test_seller_address_needs_street_and_city() -> None:
    invoice = load_scenario("domestic-21-11")
    invoice.seller.address.street = None
    invoice.seller.address.city = " "
    assert {("seller.address.street", "BR-RO-081"), ("seller.address.city", "BR-RO-091")} <= pairs(invoice)


def test_delivery_address_needs_a_subdivision_even_abroad() -> None:
    invoice = load_scenario("intra-eu-k")
    assert invoice.delivery is not None and invoice.delivery.address is not None
    invoice.delivery.address.country_subdivision = None
    assert pairs(invoice) == {("delivery.address.country_subdivision", "BR-RO-211")}


def test_foreign_addresses_need_no_romanian_county() -> None:
    invoice = load_scenario("export-g")
    invoice.buyer.address.country_subdivision = None
    assert pairs(invoice) == set()


@pytest.mark.parametrize(
    ("kind", "code", "ok"),
    [
        (DocumentKind.INVOICE, "380", True),
        (DocumentKind.INVOICE, "751", True),
        (DocumentKind.INVOICE, "381", False),
        (DocumentKind.INVOICE, "386", False),
        (DocumentKind.CREDIT_NOTE, "381", True),
        (DocumentKind.CREDIT_NOTE, "380", False),
    ],
)
def test_type_codes_per_document(kind: DocumentKind, code: str, ok: bool) -> None:
    invoice = load_scenario("credit-note" if kind is DocumentKind.CREDIT_NOTE else "domestic-21-11")
    invoice.type_code = code
    assert (("type_code", "BR-RO-020") not in pairs(invoice)) is ok


def test_foreign_currency_needs_ron_as_vat_accounting_currency() -> None:
    invoice = load_scenario("eur-with-ron-vat")
    invoice.vat_accounting_currency = "EUR"  # same as BT-5: compute accepts, CIUS-RO does not
    assert ("vat_accounting_currency", "BR-RO-030") in pairs(invoice)


def test_invoice_number_needs_a_digit() -> None:
    invoice = load_scenario("domestic-21-11")
    invoice.number = "FACT-A"
    assert pairs(invoice) == {("number", "BR-RO-010")}


def test_romanian_vat_id_needs_a_valid_cui() -> None:
    invoice = load_scenario("domestic-21-11")
    invoice.buyer.vat_id = "RO23456784"  # wrong check digit
    assert pairs(invoice) == {("buyer.vat_id", "RO-CUI")}
    invoice.buyer.vat_id = "23456783"  # no country prefix
    assert pairs(invoice) == {("buyer.vat_id", "BR-CO-09")}


def test_taxable_invoice_needs_buyer_identifier() -> None:
    invoice = load_scenario("b2c-individual")
    invoice.buyer.legal_registration_id = None
    assert pairs(invoice) == {("buyer.legal_registration_id", "BR-RO-120")}


def test_taxable_invoice_needs_seller_tax_identifier() -> None:
    invoice = load_scenario("domestic-21-11")
    invoice.seller.vat_id = None
    assert pairs(invoice) == {("seller.vat_id", "BR-RO-065")}


def test_amount_due_needs_due_date_or_terms() -> None:
    invoice = load_scenario("domestic-21-11")
    invoice.due_date = None
    invoice.payment_terms = None
    assert pairs(invoice) == {("due_date", "BR-CO-25")}


def test_exempt_breakdown_needs_a_reason() -> None:
    invoice = load_scenario("exempt")
    invoice.vat_breakdown = []
    assert pairs(invoice) == {("vat_breakdown[0]", "BR-E-10")}


def test_one_payment_means_code_per_invoice() -> None:
    invoice = load_scenario("bank-transfer")
    invoice.payment_instructions.append(PaymentInstructions(means_code="42"))
    assert ("payment_instructions[1].means_code", "UBL-SR-47") in pairs(invoice)


def test_buyer_has_no_tax_registration_id() -> None:
    invoice = load_scenario("domestic-21-11")
    invoice.buyer.tax_registration_id = "23456783"
    assert pairs(invoice) == {("buyer.tax_registration_id", "EN16931")}


def test_errors_carry_every_problem_and_read_well() -> None:
    invoice = load_scenario("domestic-21-11")
    invoice.number = "X"
    invoice.buyer.address.city = "Bucuresti"
    invoice.buyer.address.country_subdivision = "RO-B"
    with pytest.raises(RuleViolation) as exc:
        check_rules(compute(invoice))
    assert str(exc.value).startswith("the invoice breaks CIUS-RO / EN 16931 rules: number: BR-RO-010 ")
    assert "(and 1 more)" in str(exc.value)
    assert [d["code"] for d in exc.value.details] == ["BR-RO-010", "BR-RO-101"]
