"""Mutation families: dates, payment terms and means, identifiers, XSD violations."""

from __future__ import annotations

import random

from lxml import etree

from tests.fiscal.ro.efactura.validate.mutations.core import (
    CBC,
    CUS,
    RO_CIUS_ID,
    add_after,
    find_one,
    lines_of,
    mutation,
    random_text,
    remove_all,
    set_text,
    simple,
)

# dates
for _name, _path, _value in [
    ("issue-date-time-zone", "cbc:IssueDate", "2024-03-05Z"),
    ("issue-date-offset", "cbc:IssueDate", "2024-03-05+02:00"),
    ("issue-date-padded", "cbc:IssueDate", " 2024-03-05 "),
    ("issue-date-30-february", "cbc:IssueDate", "2024-02-30"),
    ("issue-date-dotted", "cbc:IssueDate", "05.03.2024"),
    ("due-date-time-zone", "cbc:DueDate", "2024-04-05Z"),
    ("due-date-month-13", "cbc:DueDate", "2024-13-01"),
    ("period-end-before-start", "cac:InvoicePeriod/cbc:EndDate", "1999-01-01"),
    ("period-end-time-zone", "cac:InvoicePeriod/cbc:EndDate", "2099-12-31Z"),
    ("period-start-offset", "cac:InvoicePeriod/cbc:StartDate", "2024-03-01-01:00"),
    ("delivery-date-offset", "cac:Delivery/cbc:ActualDeliveryDate", "2024-03-01+01:00"),
    ("tax-point-date-leap-day", "cbc:TaxPointDate", "2023-02-29"),
]:
    simple("dates", _name, lambda root, p=_path, v=_value: set_text(root, p, v))


@mutation("dates", "tax-point-date-and-code")
def _tax_point(root: etree._Element, _rng: random.Random) -> bool:
    """BT-7 and BT-8 together (BR-CO-03)."""
    if (
        find_one(root, "cac:InvoicePeriod/cbc:DescriptionCode") is None
        or find_one(root, "cbc:TaxPointDate") is not None
    ):
        return False
    add_after(
        root,
        ("IssueDate", "IssueTime", "DueDate", "InvoiceTypeCode", "CreditNoteTypeCode", "Note"),
        "cbc:TaxPointDate",
        "2024-03-01",
    )
    return True


@mutation("dates", "credit-note-due-date-in-payment-means")
def _cn_due(root: etree._Element, _rng: random.Random) -> bool:
    means = find_one(root, "cac:PaymentMeans")
    if means is None or find_one(means, "cbc:PaymentDueDate") is not None:
        return False
    add_after(means, ("ID", "PaymentMeansCode"), "cbc:PaymentDueDate", "2024-2-1")
    return True


# payment terms, due date, payment means
@mutation("payment", "no-due-date-no-terms")
def _no_terms(root: etree._Element, _rng: random.Random) -> bool:
    """An amount is due but neither BT-9 nor BT-20 is given (BR-CO-25, still enforced by ANAF)."""
    a = remove_all(root, "cbc:DueDate")
    b = remove_all(root, "cac:PaymentTerms")
    c = remove_all(root, "cac:PaymentMeans/cbc:PaymentDueDate")
    return a or b or c


@mutation("payment", "no-due-date-terms-kept")
def _no_due(root: etree._Element, _rng: random.Random) -> bool:
    return remove_all(root, "cbc:DueDate")


@mutation("payment", "credit-transfer-without-account")
def _no_account(root: etree._Element, _rng: random.Random) -> bool:
    means = find_one(root, "cac:PaymentMeans")
    if means is None or not set_text(means, "cbc:PaymentMeansCode", "30"):
        return False
    remove_all(means, "cac:PayeeFinancialAccount")
    return True


@mutation("payment", "account-without-id")
def _account_no_id(root: etree._Element, _rng: random.Random) -> bool:
    return remove_all(root, "cac:PaymentMeans/cac:PayeeFinancialAccount/cbc:ID")


@mutation("payment", "payment-means-removed")
def _no_means(root: etree._Element, _rng: random.Random) -> bool:
    return remove_all(root, "cac:PaymentMeans")


@mutation("payment", "payment-means-text-101")
def _means_text(root: etree._Element, rng: random.Random) -> bool:
    node = find_one(root, "cac:PaymentMeans/cbc:PaymentMeansCode")
    if node is None:
        return False
    node.set("name", random_text(101, rng))
    return True


# identifiers
for _name, _path, _value in [
    ("cius-ro-1.0.0", "cbc:CustomizationID", RO_CIUS_ID.replace("1.0.1", "1.0.0")),
    ("bt24-trailing-space", "cbc:CustomizationID", RO_CIUS_ID + " "),
    ("invoice-number-without-digit", "cbc:ID", "FACT-ABC"),
    ("invoice-number-blank", "cbc:ID", "   "),
]:
    simple("identifiers", _name, lambda root, p=_path, v=_value: set_text(root, p, v))


@mutation("identifiers", "endpoint-without-scheme")
def _endpoint(root: etree._Element, _rng: random.Random) -> bool:
    node = find_one(root, f"{CUS}/cbc:EndpointID")
    if node is None or node.get("schemeID") is None:
        return False
    del node.attrib["schemeID"]
    return True


@mutation("identifiers", "buyer-empty-legal-id-only")
def _buyer_empty_id(root: etree._Element, _rng: random.Random) -> bool:
    """An empty BT-47 element still satisfies BR-RO-120 in ANAF's XSLT (any node counts)."""
    remove_all(root, f"{CUS}/cac:PartyTaxScheme")
    return set_text(root, f"{CUS}/cac:PartyLegalEntity/cbc:CompanyID", "")


# XSD violations (compared as verdicts only)
@mutation("xsd", "unknown-element")
def _unknown(root: etree._Element, _rng: random.Random) -> bool:
    node = find_one(root, "cbc:IssueDate")
    if node is None:
        return False
    extra = etree.Element(CBC + "Colour")
    extra.text = "blue"
    node.addnext(extra)
    return True


@mutation("xsd", "id-after-issue-date")
def _order(root: etree._Element, _rng: random.Random) -> bool:
    number, issued = find_one(root, "cbc:ID"), find_one(root, "cbc:IssueDate")
    if number is None or issued is None:
        return False
    issued.addnext(number)
    return True


@mutation("xsd", "invoice-number-removed")
def _no_number(root: etree._Element, _rng: random.Random) -> bool:
    return remove_all(root, "cbc:ID")


@mutation("xsd", "issue-date-removed")
def _no_issue_date(root: etree._Element, _rng: random.Random) -> bool:
    return remove_all(root, "cbc:IssueDate")


@mutation("xsd", "unknown-attribute")
def _attribute(root: etree._Element, _rng: random.Random) -> bool:
    node = find_one(root, "cbc:DocumentCurrencyCode")
    if node is None:
        return False
    node.set("colour", "blue")
    return True


@mutation("xsd", "line-without-amount")
def _line_no_amount(root: etree._Element, rng: random.Random) -> bool:
    lines = lines_of(root)
    return bool(lines) and remove_all(rng.choice(lines), "cbc:LineExtensionAmount")
