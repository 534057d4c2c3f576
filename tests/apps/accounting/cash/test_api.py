"""The cash register over HTTP: a chitanță for an invoice, refusals (409/422), the daily register as files."""

from __future__ import annotations

import io
from datetime import date
from types import SimpleNamespace

from pypdf import PdfReader

from genius.platform.db.uow import UnitOfWork
from genius.platform.tenancy import Tenant, TenantContext
from tests.apps.accounting.cash.conftest import partner, sales_invoice
from tests.apps.accounting.test_api import login
from tests.platform.audit.http import Api

BASE = "/api/v1/accounting/cash"


def test_receipt_refusals_and_the_daily_register_in_every_format(api: Api, acme: Tenant) -> None:
    from openpyxl import load_workbook

    ctx = TenantContext(acme.id, acme.slug, system=True)
    books = SimpleNamespace(uow=lambda: UnitOfWork(api.platform.databases, tenant=ctx))
    partner(books, "c-1", "Client SRL")  # type: ignore[arg-type]
    total = sales_invoice(books, "inv-1", "c-1", "1000.00", date(2026, 10, 5))  # type: ignore[arg-type]
    cashier = login(api, acme, "ana", "accountant")
    receipt = api.client.post(
        f"{BASE}/receipts",
        json={"on": "2026-10-05", "amount": str(total), "invoice_id": "inv-1"},
        headers=cashier.headers,
    )
    assert receipt.status_code == 201, receipt.text
    done = receipt.json()
    assert done["number"] == "2026-000001" and done["counter_account"] == "4111.00001"
    shown = api.client.get(receipt.headers["location"], headers=cashier.headers).json()
    assert shown["amount"] == "1210.00" and shown["kind"] == "receipt"
    too_much = api.client.post(
        f"{BASE}/operations",
        json={"direction": "out", "on": "2026-10-05", "amount": "1300", "counter_account": "581"},
        headers=cashier.headers,
    )
    assert too_much.status_code == 409 and too_much.json()["code"] == "negative_cash_balance"
    assert "2026-10-05" in too_much.json()["message"] and "-90.00" in too_much.json()["message"]
    bad = api.client.post(
        f"{BASE}/operations",
        json={"direction": "out", "on": "2026-10-05", "amount": "10", "counter_account": "401"},
        headers=cashier.headers,
    )
    assert bad.status_code == 422 and bad.json()["details"][0]["field"] == "counter_account"
    deposit = api.client.post(
        f"{BASE}/operations",
        json={
            "direction": "out",
            "on": "2026-10-05",
            "amount": "1000",
            "counter_account": "581",
            "description": "Depunere numerar la bancă",
        },
        headers=cashier.headers,
    )
    assert deposit.status_code == 201, deposit.text
    params = {"from": "2026-10-01", "to": "2026-10-31"}
    listed = api.client.get(f"{BASE}/operations", params=params, headers=cashier.headers).json()
    assert [o["number"] for o in listed["operations"]] == ["2026-000001", "2026-000002"]
    report = api.client.get(f"{BASE}/register", params=params, headers=cashier.headers).json()
    assert report["facts"]["opening"] == "0.00" and report["facts"]["closing"] == "210.00"
    as_csv = api.client.get(f"{BASE}/register", params={**params, "format": "csv"}, headers=cashier.headers)
    text = as_csv.content.decode("utf-8-sig")
    assert as_csv.headers["content-type"].startswith("text/csv")
    assert "2026-000001;Chitanță;" in text and "Depunere numerar la bancă" in text and "210.00" in text
    as_xlsx = api.client.get(f"{BASE}/register", params={**params, "format": "xlsx"}, headers=cashier.headers)
    sheet = load_workbook(io.BytesIO(as_xlsx.content)).active
    assert sheet.cell(1, 1).value == "Registrul de casă 5311"
    assert 1210.0 in [c.value for row in sheet.iter_rows() for c in row]
    as_pdf = api.client.get(f"{BASE}/register", params={**params, "format": "pdf"}, headers=cashier.headers)
    pdf_text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(as_pdf.content)).pages)
    assert "Registrul de casă 5311" in pdf_text and "Chitanță" in pdf_text and "1210.00" in pdf_text
    auditor = login(api, acme, "dan", "auditor")
    forbidden = api.client.post(
        f"{BASE}/operations",
        json={"direction": "in", "on": "2026-10-05", "amount": "1", "counter_account": "581"},
        headers=auditor.headers,
    )
    assert forbidden.status_code == 403


def test_a_receipt_is_cancelled_over_http_once(api: Api, acme: Tenant) -> None:
    ctx = TenantContext(acme.id, acme.slug, system=True)
    books = SimpleNamespace(uow=lambda: UnitOfWork(api.platform.databases, tenant=ctx))
    partner(books, "c-1", "Client SRL")  # type: ignore[arg-type]
    sales_invoice(books, "inv-1", "c-1", "100.00", date(2026, 10, 5))  # type: ignore[arg-type]
    cashier = login(api, acme, "ana", "accountant")
    receipt = api.client.post(
        f"{BASE}/receipts",
        json={"on": "2026-10-05", "amount": "121.00", "invoice_id": "inv-1"},
        headers=cashier.headers,
    ).json()
    url = f"{BASE}/operations/{receipt['id']}/cancel"
    body = {"on": "2026-10-06", "reason": "chitanță emisă pentru alt client"}
    auditor = login(api, acme, "dan", "auditor")
    assert api.client.post(url, json=body, headers=auditor.headers).status_code == 403
    missing = api.client.post(url, json={"on": "2026-10-06"}, headers=cashier.headers)
    assert missing.status_code == 422 and "reason" in missing.text
    done = api.client.post(url, json=body, headers=cashier.headers)
    assert done.status_code == 200, done.text
    cancelled = done.json()
    assert cancelled["status"] == "cancelled" and cancelled["cancellation"]["on"] == "2026-10-06"
    assert cancelled["cancellation"]["entry_number"].startswith("CS-2026-")
    again = api.client.post(url, json=body, headers=cashier.headers)
    assert again.status_code == 409 and again.json()["code"] == "already_cancelled"
    assert "already cancelled: storno on 2026-10-06" in again.json()["message"]
    shown = api.client.get(f"{BASE}/operations/{receipt['id']}", headers=cashier.headers).json()
    assert shown["status"] == "cancelled"
    assert shown["cancellation"]["reason"] == "chitanță emisă pentru alt client"
    unknown = api.client.post(f"{BASE}/operations/nope/cancel", json=body, headers=cashier.headers)
    assert unknown.status_code == 404
