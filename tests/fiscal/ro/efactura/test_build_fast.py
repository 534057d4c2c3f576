"""The builder's fast path (``writer.text``) writes the tree path's bytes, or declines.

The tree path (``writer.tree``) is itself held to lxml's bytes by ``test_build_serializer``; here
every optional group, in Invoice and CreditNote order, with and without attributes, empty groups,
odd decimals and text that needs an escape or a refusal, on every scenario, seeded.
"""

from __future__ import annotations

import copy
import random
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from genius.fiscal.ro.efactura import Invoice
from genius.fiscal.ro.efactura.compute import compute
from genius.fiscal.ro.efactura.model import (
    Address,
    Attachment,
    Contact,
    CreditTransfer,
    Delivery,
    DirectDebit,
    DocumentAllowanceCharge,
    Identifier,
    ItemAttribute,
    ItemClassification,
    LineAllowanceCharge,
    Note,
    Payee,
    PaymentCard,
    PaymentInstructions,
    Period,
    PrecedingInvoiceReference,
    TaxRepresentative,
)
from genius.fiscal.ro.efactura.writer.document import to_tree
from genius.fiscal.ro.efactura.writer.text import document_bytes
from genius.fiscal.ro.efactura.writer.tree import serialize
from tests.fiscal.ro.efactura.scenarios import SCENARIO_NAMES, load_scenario

SAFE = ["plain", "", " ", "Ünïcödé", "😀", "x'y", "#"]
# Each needs an escape or is refused: the fast path must decline (the tree path writes or raises).
UNSAFE = ["A & B", "<x>", "a>b", 'q"q', "cr\r", "nl\n", "tab\t", "x\u2028y", "a\x01b", "a\ud800b", 7, None]
DECIMALS = [Decimal(v) for v in ("0", "-0", "1E+3", "0.000", "12.345", "1e-7")]


class _Random:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)

    def text(self, none: float = 0.5) -> Any:
        if self.rng.random() < none:
            return None
        return f"t{self.rng.randint(0, 99)}" if self.rng.random() < 0.7 else self.rng.choice(SAFE)

    def dec(self, none: float = 0.5) -> Decimal | None:
        return None if self.rng.random() < none else self.rng.choice(DECIMALS)

    def day(self, none: float = 0.5) -> date | None:
        return None if self.rng.random() < none else date(2025, 9, self.rng.randint(1, 28))

    def ident(self, none: float = 0.5) -> Identifier | None:
        return None if self.rng.random() < none else Identifier(value=self.text(0), scheme=self.text())

    def address(self) -> Address:
        return Address(
            street=self.text(),
            additional_street=self.text(),
            address_line_3=self.text(),
            city=self.text(),
            postal_code=self.text(),
            country_subdivision=self.text(),
            country_code=self.text(0),
        )

    def some(self, most: int) -> range:
        return range(self.rng.randint(0, most))


def _vary(invoice: Invoice, seed: int) -> Invoice:
    r = _Random(seed)
    inv = copy.deepcopy(invoice)
    if r.rng.random() < 0.4:
        inv.document_kind = inv.document_kind.CREDIT_NOTE
    for name in (
        "business_process",
        "buyer_reference",
        "project_reference",
        "contract_reference",
        "purchase_order_reference",
        "sales_order_reference",
        "receiving_advice_reference",
        "despatch_advice_reference",
        "tender_or_lot_reference",
        "buyer_accounting_reference",
        "payment_terms",
        "tax_point_date_code",
        "vat_accounting_currency",
    ):
        setattr(inv, name, r.text())
    inv.tax_point_date, inv.due_date, inv.invoiced_object_id = r.day(), r.day(), r.ident()
    inv.notes = [Note(text=r.text(0), subject_code=r.text()) for _ in r.some(2)]
    inv.preceding_invoices = [
        PrecedingInvoiceReference(number=r.text(0), issue_date=r.day()) for _ in r.some(2)
    ]
    inv.invoicing_period = Period(start_date=r.day(), end_date=r.day()) if r.rng.random() < 0.5 else None
    for party in (inv.seller, inv.buyer):
        party.trading_name, party.vat_id, party.tax_registration_id = r.text(), r.text(), r.text()
        party.additional_legal_info, party.legal_registration_id = r.text(), r.ident()
        party.identifiers, party.electronic_address = [r.ident(0) for _ in r.some(2)], r.ident()
        party.address = r.address()
        party.contact = Contact(name=r.text(), telephone=r.text(), email=r.text()) if r.text() else None
    inv.payee = (
        Payee(name=r.text(0), identifier=r.ident(), legal_registration_id=r.ident()) if r.text() else None
    )
    inv.tax_representative = (
        TaxRepresentative(name=r.text(0), vat_id=r.text(0), address=r.address()) if r.text() else None
    )
    inv.delivery = (
        Delivery(
            party_name=r.text(),
            location_id=r.ident(),
            actual_delivery_date=r.day(),
            address=r.address() if r.text() else None,
        )
        if r.text()
        else None
    )
    inv.payment_instructions = [
        PaymentInstructions(
            means_code=r.text(0),
            means_text=r.text(),
            remittance_information=r.text(),
            credit_transfers=[
                CreditTransfer(account_id=r.text(0), account_name=r.text(), service_provider_id=r.text())
                for _ in r.some(2)
            ],
            card=PaymentCard(primary_account_number=r.text(0), holder_name=r.text(), network_id=r.text())
            if r.text()
            else None,
            direct_debit=DirectDebit(
                mandate_reference=r.text(), creditor_reference=r.text(), debited_account_id=r.text()
            )
            if r.text()
            else None,
        )
        for _ in r.some(2)
    ]
    for kind in ("allowances", "charges"):
        setattr(
            inv,
            kind,
            [
                DocumentAllowanceCharge(
                    amount=r.dec(),
                    base_amount=r.dec(),
                    percentage=r.dec(),
                    vat_category=r.text(0),
                    vat_rate=r.dec(),
                    reason=r.text(),
                    reason_code=r.text(),
                )
                for _ in r.some(2)
            ],
        )
    for name in ("vat_total", "vat_total_accounting", "allowance_total", "prepaid_amount", "payable_amount"):
        setattr(inv.totals, name, r.dec(0.3))
    for entry in inv.vat_breakdown:
        entry.exemption_reason, entry.exemption_reason_code, entry.rate = r.text(), r.text(), r.dec(0.3)
    inv.attachments = [
        Attachment(
            reference=r.text(0),
            description=r.text(),
            external_uri=r.text(),
            content=b"%PDF-1.4" if r.text() else None,
            mime_code=r.text(),
            filename=r.text(),
        )
        for _ in r.some(2)
    ]
    for line in inv.lines:
        line.note, line.order_line_reference, line.accounting_reference = r.text(), r.text(), r.text()
        line.object_id = r.ident()
        line.period = Period(start_date=r.day(), end_date=r.day()) if r.rng.random() < 0.3 else None
        line.allowances = [
            LineAllowanceCharge(amount=r.dec(), base_amount=r.dec(), percentage=r.dec(), reason=r.text())
            for _ in r.some(1)
        ]
        line.charges = [LineAllowanceCharge(amount=r.dec(), reason_code=r.text()) for _ in r.some(1)]
        line.price.discount, line.price.gross_price = r.dec(0.7), r.dec(0.7)
        line.price.base_quantity, line.price.base_quantity_unit = r.dec(0.7), r.text(0.7)
        item = line.item
        item.description, item.seller_id, item.buyer_id = r.text(), r.text(), r.text()
        item.origin_country, item.standard_id, item.vat_rate = r.text(), r.ident(), r.dec(0.3)
        item.classifications = [
            ItemClassification(code=r.text(0), list_id=r.text(), list_version_id=r.text()) for _ in r.some(2)
        ]
        item.attributes = [ItemAttribute(name=r.text(0), value=r.text(0)) for _ in r.some(2)]
    return inv


BASES = {name: compute(load_scenario(name)) for name in SCENARIO_NAMES}


@pytest.mark.parametrize("name", SCENARIO_NAMES)
def test_scenarios_take_the_fast_path_with_the_tree_paths_bytes(name: str) -> None:
    assert document_bytes(BASES[name]) == serialize(to_tree(BASES[name]))


@pytest.mark.parametrize("seed", range(300))
def test_every_optional_group_gives_the_tree_paths_bytes(seed: int) -> None:
    invoice = _vary(BASES[SCENARIO_NAMES[seed % len(SCENARIO_NAMES)]], seed)
    assert document_bytes(invoice) == serialize(to_tree(invoice))


@pytest.mark.parametrize("value", UNSAFE)
@pytest.mark.parametrize("place", ["note", "item name", "scheme attribute", "unit attribute"])
def test_text_needing_an_escape_or_a_refusal_is_left_to_the_tree_path(value: Any, place: str) -> None:
    invoice = _vary(BASES["domestic-21-11"], 1)
    assert document_bytes(invoice) is not None
    if place == "note":
        invoice.notes = [Note(text=value)]  # None: the tree path writes <cbc:Note/>
    elif place == "item name":
        invoice.lines[-1].item.name = value
    elif value is None:
        return  # an attribute of None is left out, which the fast path does itself
    elif place == "scheme attribute":
        invoice.seller.electronic_address = Identifier(value="x", scheme=value)
    else:
        invoice.lines[0].unit_code = value
    assert document_bytes(invoice) is None
