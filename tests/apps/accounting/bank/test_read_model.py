"""The open-items read model, fed through the bank consumer's real handlers (decode + inbox + effect)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from types import SimpleNamespace

import pytest

from genius.apps.accounting.bank import subscriptions
from genius.apps.accounting.bank.handlers import read_model
from genius.apps.sales.events import InvoiceCancelled, PartnerUpdated
from genius.kernel.errors import ValidationError
from genius.kernel.ids import new_id
from genius.platform.bus.handlers import RegistryTenants
from tests.apps.accounting.bank.conftest import Books, invoice_event


def open_items(books: Books) -> dict[str, tuple[str, Decimal, str]]:
    rows = books.rows("bank_open_items")
    return {
        r.number: (r.status, Decimal(r.open_amount), r.partner_cui or "")
        for r in rows
        if r.kind != "credit_note"
    }


def test_invoices_partners_and_redelivery(books: Books) -> None:
    alfa = books.partner("Alfa Construct SRL", "14399840")
    books.invoice("GEN-000042", "1190.00", alfa, "Alfa Construct SRL")
    one_off = books.invoice("GEN-000043", "50.00", None, "Ion Popescu")
    assert open_items(books) == {
        "GEN-000042": ("open", Decimal("1190.00"), "14399840"),
        "GEN-000043": ("open", Decimal("50.00"), ""),
    }
    # The same event delivered again changes nothing (inbox).
    handler = subscriptions.handlers(books.platform.databases, RegistryTenants(books.platform.tenants))
    delivery = books.deliver(
        PartnerUpdated(
            partner_id=alfa, version=2, kind="company", name="Alfa Construct Grup SRL", country_code="RO",
            cui="14399840", vat_id=None, vat_payer=True, changed=["name"],
        )
    )  # fmt: skip
    handler["sales.partner.updated"](delivery)
    (row,) = [r for r in books.rows("bank_open_items") if r.number == "GEN-000042"]
    assert row.partner_name == "Alfa Construct Grup SRL"
    assert len(books.rows("bus_inbox", consumer=subscriptions.CONSUMER)) == 4
    books.deliver(InvoiceCancelled(invoice_id=one_off, number="GEN-000043", document_type="invoice",
                                   reason="greșeală", cancelled_by=None))  # fmt: skip
    assert open_items(books)["GEN-000043"][0] == "cancelled"


def test_credit_notes_lower_what_is_open_in_either_order(books: Books) -> None:
    alfa = books.partner("Alfa Construct SRL", "14399840")
    first = books.invoice("GEN-000050", "1000.00", alfa, "Alfa Construct SRL")
    books.credit_note("GEN-000051", "300.00", first, "GEN-000050", alfa)
    assert open_items(books)["GEN-000050"] == ("open", Decimal("700.00"), "14399840")
    # A credit note that arrives before its invoice waits for it.

    later = new_id()
    note = books.credit_note("GEN-000053", "200.00", later, "GEN-000052", alfa)
    books.deliver(invoice_event(later, "GEN-000052", "200.00", alfa, "Alfa Construct SRL", date(2026, 1, 7)))
    assert open_items(books)["GEN-000052"] == ("settled", Decimal("0"), "14399840")
    # Cancelling the credit note gives its amount back.
    books.deliver(InvoiceCancelled(invoice_id=note, number="GEN-000053", document_type="credit_note",
                                   reason="emisă din greșeală", cancelled_by=None))  # fmt: skip
    assert open_items(books)["GEN-000052"] == ("open", Decimal("200.00"), "14399840")


def test_supplier_invoices_become_payables_with_their_iban(books: Books) -> None:
    event = SimpleNamespace(
        supplier_invoice_id="si-1", number="F 7781", invoice_date=date(2026, 1, 8), due_date=date(2026, 2, 8),
        supplier_id="sup-1", supplier_name="Beta Logistic SA", currency="RON", exchange_rate=None,
        parts=[{"net": "1000.00", "vat": "190.00"}], supplier_cui="RO1590082",
        supplier_iban="RO02 RNCB 0300 0007 7766 0001",
    )  # fmt: skip
    with books.uow() as uow:
        read_model.record_payable(uow.connection, event, "evt-1")
    (row,) = books.rows("bank_open_items", id="si-1")
    assert (row.kind, row.total, row.open_amount, row.partner_cui) == (
        "payable",
        "1190.00",
        "1190.00",
        "1590082",
    )
    (iban,) = books.rows("bank_partner_ibans")
    assert (iban.iban, iban.partner_id, iban.source) == (
        "RO02RNCB0300000777660001",
        "sup-1",
        "supplier_invoice",
    )
    with pytest.raises(ValidationError, match="without"), books.uow() as uow:
        read_model.record_payable(uow.connection, SimpleNamespace(number="X"), None)
