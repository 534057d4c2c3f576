"""Fixtures of the cash register's tests: a ledger with the cash tables, invoices and an opening balance."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import pytest

from genius.apps.accounting import subscriptions
from genius.apps.accounting.bank import BANK_COMPONENT
from genius.apps.accounting.bank import subscriptions as bank_subscriptions
from genius.apps.accounting.cash import CASH_COMPONENT
from genius.apps.accounting.domain.entries import EntryDraft, Line
from genius.apps.accounting.handlers import entries as entry_handlers
from genius.apps.procurement.events import SupplierInvoiceReceived
from genius.apps.sales.events import InvoiceIssued, PartnerCreated
from tests.apps.accounting import conftest as ledger_fixtures
from tests.apps.accounting.conftest import Ledger
from tests.apps.accounting.test_api import acme, api  # noqa: F401  (the HTTP tests' fixtures)

NO_DELIVERY = SimpleNamespace(envelope=None)
D = Decimal


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def books(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Ledger]:
    # The bank part's open items hold what is left to settle of an invoice (bank and cash alike).
    components = [*ledger_fixtures.COMPONENTS, BANK_COMPONENT, CASH_COMPONENT]
    monkeypatch.setattr(ledger_fixtures, "COMPONENTS", components)
    if request.param == "sqlite":
        yield from ledger_fixtures._make(tmp_path, None, {})
    else:
        url = request.getfixturevalue("postgres_url")
        yield from ledger_fixtures._make(tmp_path, "default", {"default": url})


def partner(books: Ledger, partner_id: str, name: str, kind: str = "company") -> None:
    event = PartnerCreated(
        partner_id=partner_id,
        kind=kind,
        name=name,
        country_code="RO",
        cui="18547290" if kind == "company" else None,
        vat_id=None,
        vat_payer=False,
    )
    with books.uow() as uow:
        subscriptions.on_partner_changed(uow, event, NO_DELIVERY)  # type: ignore[arg-type]


def sales_invoice(
    books: Ledger,
    invoice_id: str,
    partner_id: str | None,
    net: str,
    on: date,
    buyer: str = "Client SRL",
    *,
    to_bank: bool = False,
) -> Decimal:
    """A posted 21 % sales invoice (4111 = 707 + 4427); returns its total.

    ``to_bank``: the bank part's open items record it too (its own consumer of the event).
    """
    amount = D(net)
    vat = (amount * D("0.21")).quantize(D("0.01"))
    event = InvoiceIssued(
        invoice_id=invoice_id,
        number=f"GEN-{invoice_id}",
        series_id="s",
        type_code="380",
        issue_date=on,
        tax_point_date=on,
        due_date=None,
        currency="RON",
        exchange_rate=None,
        partner_id=partner_id,
        buyer_name=buyer,
        buyer_kind="company",
        buyer_vat_id=None,
        tax_exclusive_amount=amount,
        vat_total=vat,
        vat_total_ron=vat,
        payable_amount=amount + vat,
        vat_breakdown=[
            {"category": "S", "rate": "21", "taxable_amount": f"{amount:f}", "tax_amount": f"{vat:f}"}
        ],
        xml_sha256="0" * 64,
        issued_by=None,
    )
    with books.uow() as uow:
        subscriptions.on_invoice_issued(uow, event, NO_DELIVERY)  # type: ignore[arg-type]
        if to_bank:
            bank_subscriptions.on_invoice_issued(uow, event, NO_DELIVERY)  # type: ignore[arg-type]
    return amount + vat


def supplier_invoice(books: Ledger, invoice_id: str, supplier_id: str, total: str, on: date) -> None:
    """A posted supplier invoice without VAT (exempt) of ``total`` lei: 628 = 401.xxxxx."""
    event = SupplierInvoiceReceived(
        supplier_invoice_id=invoice_id,
        number=f"F-{invoice_id}",
        invoice_date=on,
        due_date=None,
        supplier_id=supplier_id,
        supplier_cui="18547290",
        supplier_name="Furnizor SRL",
        document_kind="invoice",
        currency="RON",
        exchange_rate=None,
        payable_amount=D(total),
        parts=[{"net": total, "vat": "0", "vat_category": "E", "treatment": "exempt"}],
        anaf_download_id=None,
    )
    with books.uow() as uow:
        subscriptions.on_supplier_invoice_received(uow, event, NO_DELIVERY)  # type: ignore[arg-type]


def opening_cash(books: Ledger, amount: str, on: date) -> None:
    """Cash brought in by the owner: 5311 = 1012 (manual entry, posted)."""
    draft = EntryDraft(
        "NC", on, "Aport numerar", (Line("5311", debit=D(amount)), Line("1012", credit=D(amount)))
    )
    with books.uow() as uow:
        entry_handlers.post(uow, draft)
