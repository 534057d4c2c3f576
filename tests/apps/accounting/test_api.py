"""The accounting API through the real gateway: drafts and four-eyes approval, refusals, periods, reports."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest

from genius.platform.tenancy import Tenant
from tests.platform.audit.http import PASSWORD, Api, Caller, running_api

BASE = "/api/v1/accounting"


@pytest.fixture
def api(tmp_path: Path) -> Iterator[Api]:
    with running_api(tmp_path) as running:
        yield running


@pytest.fixture
def acme(api: Api) -> Tenant:
    return api.platform.tenants.create("acme", name="Acme SRL", cui="RO18547290")


def login(api: Api, tenant: Tenant, name: str, role: str) -> Caller:
    email = f"{name}@{tenant.slug}.example"
    user = api.platform.auth.users.create(tenant.slug, email, PASSWORD, [role])
    response = api.client.post(
        "/api/v1/auth/token",
        json={"grant_type": "password", "tenant": tenant.slug, "username": email, "password": PASSWORD},
    )
    assert response.status_code == 200, response.text
    return Caller(tenant, user.id, email, {"Authorization": f"Bearer {response.json()['access_token']}"})


def entry(amount: str = "1000.00", on: str = "2026-03-10", credit_account: str = "1012") -> dict[str, object]:
    return {
        "entry_date": on,
        "description": "Aport la capital",
        "lines": [
            {"account": "5121", "debit": amount, "cost_centre": "CC1"},
            {"account": credit_account, "credit": amount},
        ],
    }


def test_a_manual_entry_is_drafted_by_one_accountant_and_approved_by_another(api: Api, acme: Tenant) -> None:
    alice, bob = login(api, acme, "alice", "accountant"), login(api, acme, "bob", "accountant")
    created = api.client.post(f"{BASE}/entries", json=entry(), headers=alice.headers)
    assert created.status_code == 201, created.text
    draft = created.json()
    assert draft["status"] == "draft" and draft["number"] is None and draft["created_by"] == alice.user_id
    own = api.client.post(f"{BASE}/entries/{draft['id']}/approve", headers=alice.headers)
    assert own.status_code == 403, own.text
    assert "created this resource and may not also approve it" in own.json()["message"]
    approved = api.client.post(f"{BASE}/entries/{draft['id']}/approve", headers=bob.headers)
    assert approved.status_code == 200, approved.text
    posted = approved.json()
    assert (
        posted["status"] == "posted"
        and posted["number"] == "NC-2026-000001"
        and posted["approved_by"] == bob.user_id
    )
    again = api.client.post(f"{BASE}/entries/{draft['id']}/approve", headers=bob.headers)
    assert again.status_code == 409
    reversed_ = api.client.post(
        f"{BASE}/entries/{draft['id']}/reverse", json={"on": "2026-03-11"}, headers=bob.headers
    )
    assert reversed_.status_code == 201, reversed_.text
    assert reversed_.json()["storno"] and reversed_.json()["lines"][0]["debit"] == "-1000.00"
    listed = api.client.get(f"{BASE}/entries", params={"status": "posted"}, headers=alice.headers).json()[
        "items"
    ]
    assert [e["number"] for e in listed] == ["NC-2026-000001", "NC-2026-000002"]
    shown = api.client.get(f"{BASE}/entries/{draft['id']}", headers=alice.headers).json()
    assert shown["reversed_by"] == reversed_.json()["id"]


@pytest.mark.parametrize(
    ("body", "field", "text"),
    [
        (
            entry()
            | {"lines": [{"account": "5121", "debit": "100.00"}, {"account": "1012", "credit": "90.00"}]},
            "lines",
            "debit 100.00 != credit 90.00",
        ),
        (entry(credit_account="1019"), "lines[1].account", "line 2: account '1019' is not in the ledger"),
        (
            entry()
            | {"lines": [{"account": "5121", "debit": "1.005"}, {"account": "1012", "credit": "1.005"}]},
            "lines[0].debit",
            "more than two decimals",
        ),
        (
            entry() | {"lines": [{"account": "5121", "debit": "-5"}, {"account": "1012", "credit": "-5"}]},
            "lines[0].debit",
            "negative amounts belong only to a storno",
        ),
        (entry() | {"journal": "XX"}, "journal", "not a journal"),
    ],
)
def test_bad_entries_are_refused_naming_what_is_wrong(
    api: Api, acme: Tenant, body: dict[str, object], field: str, text: str
) -> None:
    alice = login(api, acme, "alice", "accountant")
    response = api.client.post(f"{BASE}/entries", json=body, headers=alice.headers)
    assert response.status_code == 422, response.text
    assert text in response.json()["message"]
    assert field in [d["field"] for d in response.json()["details"]]
    assert api.client.get(f"{BASE}/entries", headers=alice.headers).json()["items"] == []


def test_closed_and_locked_months_refuse_postings_by_name(api: Api, acme: Tenant) -> None:
    alice, bob = login(api, acme, "alice", "accountant"), login(api, acme, "bob", "accountant")
    draft = api.client.post(f"{BASE}/entries", json=entry(on="2026-02-27"), headers=alice.headers).json()
    assert api.client.post(f"{BASE}/periods/2026-02/close", headers=bob.headers).json()["status"] == "closed"
    refused = api.client.post(f"{BASE}/entries/{draft['id']}/approve", headers=bob.headers)
    assert refused.status_code == 409 and "period 2026-02 is closed" in refused.json()["message"]
    assert api.client.post(f"{BASE}/periods/2026-02/reopen", headers=bob.headers).json()["status"] == "open"
    assert api.client.post(f"{BASE}/entries/{draft['id']}/approve", headers=bob.headers).status_code == 200
    assert api.client.post(f"{BASE}/periods/2026-02/lock", headers=bob.headers).json()["status"] == "locked"
    reopen = api.client.post(f"{BASE}/periods/2026-02/reopen", headers=bob.headers)
    assert reopen.status_code == 409 and "2026-02 is locked" in reopen.json()["message"]
    bad = api.client.post(f"{BASE}/periods/2026-13/close", headers=bob.headers)
    assert bad.status_code == 422 and bad.json()["details"][0]["field"] == "month"
    periods = api.client.get(f"{BASE}/periods", headers=alice.headers).json()["items"]
    assert periods == [periods[0] | {"period": "2026-02", "status": "locked"}]


def test_reports_in_every_format_and_who_may_read_them(api: Api, acme: Tenant) -> None:
    from openpyxl import load_workbook

    alice, bob = login(api, acme, "alice", "accountant"), login(api, acme, "bob", "accountant")
    draft = api.client.post(f"{BASE}/entries", json=entry(), headers=alice.headers).json()
    api.client.post(f"{BASE}/entries/{draft['id']}/approve", headers=bob.headers)
    auditor = login(api, acme, "carol", "auditor")
    url = f"{BASE}/reports/trial-balance"
    tb = api.client.get(url, params={"from": "2026-03"}, headers=auditor.headers)
    assert tb.status_code == 200, tb.text
    body = tb.json()
    assert body["totals"]["period_debit"] == body["totals"]["period_credit"] == "1000.00"
    assert {r["account"] for r in body["rows"]} == {"5121", "1012"} and body["facts"]["closing_equal"]
    as_csv = api.client.get(url, params={"from": "2026-03", "format": "csv"}, headers=auditor.headers)
    assert as_csv.headers["content-type"].startswith("text/csv") and "5121;" in as_csv.content.decode(
        "utf-8-sig"
    )
    as_xlsx = api.client.get(url, params={"from": "2026-03", "format": "xlsx"}, headers=auditor.headers)
    assert load_workbook(io.BytesIO(as_xlsx.content)).active.cell(1, 1).value == "Balanța de verificare"
    as_pdf = api.client.get(url, params={"from": "2026-03", "format": "pdf"}, headers=auditor.headers)
    assert as_pdf.content.startswith(b"%PDF") and "attachment" in as_pdf.headers["content-disposition"]
    for path, params in [
        ("general-ledger", {"from": "2026-03"}),
        ("account-statement", {"from": "2026-01", "to": "2026-03", "account": "512"}),
        ("vat-journal", {"from": "2026-03", "kind": "sales"}),
        ("d300", {"from": "2026-03"}),
        ("ageing", {"kind": "receivables", "as_of": "2026-03-31"}),
    ]:
        response = api.client.get(f"{BASE}/reports/{path}", params=params, headers=auditor.headers)
        assert response.status_code == 200, (path, response.text)
    statement = api.client.get(
        f"{BASE}/reports/account-statement",
        params={"from": "2026-03", "account": "5121"},
        headers=auditor.headers,
    ).json()
    assert (
        statement["rows"][-1]["description"] == "Sold final" and statement["rows"][-1]["balance"] == "1000.00"
    )
    # The auditor reads but changes nothing; a sales clerk does not read the books.
    assert api.client.post(f"{BASE}/entries", json=entry(), headers=auditor.headers).status_code == 403
    clerk = login(api, acme, "dan", "sales_clerk")
    assert api.client.get(url, params={"from": "2026-03"}, headers=clerk.headers).status_code == 403
    wrong = api.client.get(url, params={"from": "2026-03", "level": "galaxy"}, headers=auditor.headers)
    assert wrong.status_code == 422


def test_rules_and_settings_are_data_the_tenant_adjusts(api: Api, acme: Tenant) -> None:
    alice = login(api, acme, "alice", "accountant")
    rules = api.client.get(f"{BASE}/posting-rules", headers=alice.headers).json()["items"]
    assert {"flow": "sales", "selector": "item_kind", "value": "service", "account": "704"} in [
        {k: r[k] for k in ("flow", "selector", "value", "account")} for r in rules
    ]
    saved = api.client.put(
        f"{BASE}/posting-rules",
        json={"flow": "sales", "selector": "vat_category", "value": "K", "account": "7015"},
        headers=alice.headers,
    )
    assert saved.status_code == 200, saved.text
    bad = api.client.put(
        f"{BASE}/posting-rules",
        json={"flow": "sales", "selector": "vat_category", "value": "K", "account": "701"},
        headers=alice.headers,
    )
    assert bad.status_code == 422 and "701 has grade II accounts" in bad.json()["message"]
    settings = api.client.put(f"{BASE}/settings", json={"credit_note_mode": "black"}, headers=alice.headers)
    assert settings.status_code == 200 and settings.json()["credit_note_mode"] == "black"
    refused = api.client.put(f"{BASE}/settings", json={"credit_note_mode": "green"}, headers=alice.headers)
    assert refused.status_code == 422 and refused.json()["details"][0]["field"] == "credit_note_mode"
    account = api.client.post(
        f"{BASE}/accounts", json={"code": "5121.01", "name": "BT lei"}, headers=alice.headers
    )
    assert account.status_code == 201 and account.json()["saft_account_id"] == "512101"
    dup = api.client.post(
        f"{BASE}/accounts", json={"code": "5121.01", "name": "BT lei"}, headers=alice.headers
    )
    assert dup.status_code == 409
    bad_code = api.client.post(
        f"{BASE}/accounts", json={"code": "411.01", "name": "x"}, headers=alice.headers
    )
    assert bad_code.status_code == 422 and "4111, 4118" in bad_code.json()["message"]


def test_a_long_pdf_report_becomes_a_pdf_render_job(
    api: Api, acme: Tenant, monkeypatch: pytest.MonkeyPatch
) -> None:
    from genius.apps.accounting import exports

    alice, bob = login(api, acme, "alice", "accountant"), login(api, acme, "bob", "accountant")
    draft = api.client.post(f"{BASE}/entries", json=entry(), headers=alice.headers).json()
    api.client.post(f"{BASE}/entries/{draft['id']}/approve", headers=bob.headers)
    monkeypatch.setattr(exports, "PDF_SYNC_MAX_ROWS", 1)
    response = api.client.get(
        f"{BASE}/reports/general-ledger", params={"from": "2026-03", "format": "pdf"}, headers=alice.headers
    )
    assert response.status_code == 202, response.text
    body = response.json()
    assert body["job"]["tag"] == "pdf.render" and body["key"].startswith("accounting/reports/general-ledger-")
    job = api.client.get(response.headers["Location"], headers=alice.headers)
    assert job.status_code == 200 and job.json()["state"] == "queued"
