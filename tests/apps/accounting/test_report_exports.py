"""Every report through the API as CSV, XLSX and PDF, each file read back and checked for its content."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from genius.apps.accounting import subscriptions
from genius.apps.procurement.events import SupplierInvoiceReceived
from genius.platform.db.uow import UnitOfWork
from genius.platform.tenancy import Tenant, TenantContext
from tests.apps.accounting.cash.conftest import NO_DELIVERY, partner, sales_invoice
from tests.apps.accounting.test_api import login
from tests.platform.audit.http import Api, Caller, running_api

BASE = "/api/v1/accounting/reports"
OCTOBER = date(2026, 10, 5)


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    with running_api(tmp_path_factory.mktemp("reports")) as running:
        yield running


@dataclass
class Books:
    api: Api
    reader: Caller
    customer_id: str = "c-1"


@pytest.fixture(scope="module")
def books(api: Api) -> Books:
    """October 2026: a 21 % sale of 1000.00 to Client Export SRL, a 21 % purchase of 400.00."""
    tenant: Tenant = api.platform.tenants.create("acme", name="Acme SRL", cui="RO18547290")
    ctx = TenantContext(tenant.id, tenant.slug, system=True)
    ledger = SimpleNamespace(uow=lambda: UnitOfWork(api.platform.databases, tenant=ctx))
    partner(ledger, "c-1", "Client Export SRL")  # type: ignore[arg-type]
    partner(ledger, "s-1", "Furnizor Hârtie SRL")  # type: ignore[arg-type]
    sales_invoice(ledger, "inv-1", "c-1", "1000.00", OCTOBER, buyer="Client Export SRL")  # type: ignore[arg-type]
    event = SupplierInvoiceReceived(
        supplier_invoice_id="sup-1",
        number="FH-778",
        invoice_date=OCTOBER,
        due_date=date(2026, 11, 4),
        supplier_id="s-1",
        supplier_cui="18547290",
        supplier_name="Furnizor Hârtie SRL",
        document_kind="invoice",
        currency="RON",
        exchange_rate=None,
        payable_amount=Decimal("484.00"),
        parts=[
            {"net": "400.00", "vat": "84.00", "vat_category": "S", "vat_rate": "21", "treatment": "taxable"}
        ],
        anaf_download_id=None,
    )
    with ledger.uow() as uow:
        subscriptions.on_supplier_invoice_received(uow, event, NO_DELIVERY)  # type: ignore[arg-type]
    return Books(api, login(api, tenant, "carol", "auditor"))


def fetch(books: Books, path: str, params: dict[str, str], fmt: str) -> Any:
    response = books.api.client.get(
        f"{BASE}/{path}", params={**params, "format": fmt}, headers=books.reader.headers
    )
    assert response.status_code == 200, (path, fmt, response.text)
    if fmt == "json":
        return response.json()
    assert "attachment" in response.headers["content-disposition"]
    return response.content


# (report, query, title, a cell that identifies a row, an amount on that same row)
REPORTS = [
    ("trial-balance", {"from": "2026-10"}, "Balanța de verificare", "4111", "1210.00"),
    ("general-ledger", {"from": "2026-10"}, "Cartea mare", "FH-778", "484.00"),
    (
        "account-statement",
        {"from": "2026-10", "account": "4111"},
        "Fișa contului 4111 Clienți",
        "GEN-inv-1",
        "1210.00",
    ),
    (
        "partner-statement",
        {"from": "2026-10", "partner_id": "c-1"},
        "Fișa partenerului Client Export SRL",
        "GEN-inv-1",
        "1210.00",
    ),
    ("vat-journal", {"from": "2026-10", "kind": "sales"}, "Jurnal de vânzări", "GEN-inv-1", "210.00"),
    ("vat-journal", {"from": "2026-10", "kind": "purchases"}, "Jurnal de cumpărări", "FH-778", "84.00"),
    ("d300", {"from": "2026-10"}, "Decont de TVA (D300)", "Livrări taxabile cota 21%", "210.00"),
    (
        "ageing",
        {"kind": "receivables", "as_of": "2026-12-31"},
        "Vechimea creanțelor",
        "Client Export SRL",
        "1210.00",
    ),
    (
        "ageing",
        {"kind": "payables", "as_of": "2026-12-31"},
        "Vechimea datoriilor",
        "Furnizor Hârtie SRL",
        "484.00",
    ),
]


@pytest.mark.parametrize(
    ("path", "params", "title", "key", "amount"),
    REPORTS,
    ids=[f"{r[0]}-{'-'.join(r[1].values())}" for r in REPORTS],
)
def test_each_report_as_csv_xlsx_and_pdf_holds_its_rows(
    books: Books, path: str, params: dict[str, str], title: str, key: str, amount: str
) -> None:
    shown = fetch(books, path, params, "json")
    assert shown["title"].startswith(title)
    assert any(key in row.values() and amount in row.values() for row in shown["rows"]), shown["rows"]
    labels = [c["label"] for c in shown["columns"]]

    text = fetch(books, path, params, "csv").decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0] == labels
    assert len(rows) - 1 == len(shown["rows"]) + (1 if shown["totals"] else 0)
    assert any(key in row and amount in row for row in rows[1:]), rows

    sheet = load_workbook(io.BytesIO(fetch(books, path, params, "xlsx"))).active
    cells = [[c.value for c in row] for row in sheet.iter_rows()]
    assert cells[0][0] == shown["title"] and cells[2] == labels
    assert any(key in row and float(amount) in row for row in cells[3:]), cells

    pdf = fetch(books, path, params, "pdf")
    assert pdf.startswith(b"%PDF")
    words = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert shown["title"] in words and key in words and amount in words
