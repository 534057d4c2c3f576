"""The bank API over HTTP, and the match worker end to end: sales events through the local bus into the
read model and the ledger, a statement uploaded, POST /match answering 202, the worker reconciling."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from genius.apps.accounting import subscriptions as ledger_subscriptions
from genius.apps.accounting.bank import subscriptions
from genius.apps.accounting.bank.handlers.matching import run_match
from genius.apps.sales.events import PartnerCreated
from genius.bootstrap import Platform
from genius.kernel.ids import new_id
from genius.platform.bus.handlers import RegistryTenants
from genius.platform.bus.local import LocalTransport
from genius.platform.db.uow import UnitOfWork
from genius.platform.tenancy import TenantContext
from genius.workers.runtime import WorkerRuntime, select_handlers
from tests.apps.accounting.bank.conftest import Api, Books, invoice_event, new_slug, running_api, sample

BANK = "/api/v1/accounting/bank"


def upload(api: Api, headers: dict[str, str], name: str, data: bytes | None = None, **form: str) -> Any:
    files = {"file": (name, data if data is not None else sample(name), "application/octet-stream")}
    return api.client.post(f"{BANK}/statements", files=files, data=form, headers=headers)


def test_upload_reupload_errors_and_permissions(api: Api) -> None:
    tenant = api.platform.tenants.create(new_slug(), name="Exemplu Soft SRL", cui="RO18547290")
    accountant = api.login(tenant, "accountant")
    first = upload(api, accountant.headers, "bcr.sta")
    assert first.status_code == 201, first.text
    body = first.json()
    assert (body["format"], body["new_lines"], body["duplicate_lines"], body["job"]) == ("mt940", 3, 0, None)
    statement_id = body["statements"][0]["id"]
    assert first.headers["Location"] == f"{BANK}/statements/{statement_id}"
    again = upload(api, accountant.headers, "bcr.sta", format="mt940").json()
    assert (again["new_lines"], again["duplicate_lines"], again["statements"][0]["already_imported"]) == (
        0,
        3,
        True,
    )
    assert api.platform.storage.exists(tenant.slug, f"accounting/bank-statements/{body['file_sha256']}.sta")
    shown = api.client.get(f"{BANK}/statements/{statement_id}", headers=accountant.headers).json()
    assert shown["bank"] == "bcr" and [line["amount"] for line in shown["lines"]] == [
        "2380.00",
        "-4.00",
        "-1190.00",
    ]
    assert len(api.client.get(f"{BANK}/statements", headers=accountant.headers).json()["statements"]) == 1
    # A malformed file: 422 naming the line and the field; nothing stored.
    broken = sample("brd.txt").replace(b":60F:C260202RON5000,00", b":60F:C260202RON5000")
    refused = upload(api, accountant.headers, "brd.txt", broken)
    assert refused.status_code == 422
    assert refused.json()["details"][0]["field"] == ":60F:" and "line 4" in refused.json()["message"]
    assert upload(api, accountant.headers, "x.csv", b"a,b\n1,2\n").status_code == 422
    assert upload(api, accountant.headers, "brd.txt", format="csv").status_code == 422
    # Importing with match=true queues the match worker in the same transaction.
    with_job = upload(api, accountant.headers, "raiffeisen.sta", match="true").json()
    assert (
        with_job["new_lines"] == 3
        and with_job["job"]["tag"] == "match"
        and with_job["job"]["state"] == "queued"
    )
    # Roles: a sales clerk may not import or read bank lines; another tenant sees nothing.
    clerk = api.login(tenant, "sales_clerk")
    assert upload(api, clerk.headers, "bcr.sta").status_code == 403
    assert api.client.get(f"{BANK}/lines", headers=clerk.headers).status_code == 403
    beta = api.platform.tenants.create(new_slug("beta"), name="Beta SRL", cui="RO18547290")
    other = api.login(beta, "accountant")
    assert api.client.get(f"{BANK}/statements/{statement_id}", headers=other.headers).status_code == 404
    assert api.client.get(f"{BANK}/lines", headers=other.headers).json()["lines"] == []
    assert (
        api.client.get(f"{BANK}/lines", params={"status": "odd"}, headers=accountant.headers).status_code
        == 422
    )
    response = api.client.post(f"{BANK}/match", json={"threshold": 0.2}, headers=accountant.headers)
    assert response.status_code == 422 and response.json()["details"][0]["field"] == "threshold"
    response = api.client.post(f"{BANK}/match", json={"statement_id": "nope"}, headers=accountant.headers)
    assert response.status_code == 404


def test_candidates_and_confirmation_over_http(api: Api) -> None:
    tenant = api.platform.tenants.create(new_slug(), name="Exemplu Soft SRL", cui="RO18547290")
    books = Books(api.platform, tenant)
    alfa = books.partner("Alfa Construct SRL", "14399840")
    books.invoice("GEN-000042", "3000.00", alfa, "Alfa Construct SRL")  # the line pays part of it
    accountant = api.login(tenant, "accountant")
    upload(api, accountant.headers, "bcr.sta")
    run_match(api.platform.databases, books.ctx, threshold=1.0)
    (line,) = api.client.get(
        f"{BANK}/lines", params={"status": "proposed"}, headers=accountant.headers
    ).json()["lines"]
    found = api.client.get(f"{BANK}/lines/{line['id']}/candidates", headers=accountant.headers).json()[
        "candidates"
    ]
    assert found[0]["allocations"][0]["invoice"]["number"] == "GEN-000042" and found[0]["reasons"]
    viewer = api.login(tenant, "viewer")
    assert api.client.get(f"{BANK}/lines/{line['id']}/candidates", headers=viewer.headers).status_code == 200
    denied = api.client.post(
        f"{BANK}/lines/{line['id']}/confirm", json={"candidate_id": found[0]["id"]}, headers=viewer.headers
    )
    assert denied.status_code == 403
    bad = api.client.post(f"{BANK}/lines/{line['id']}/confirm", json={}, headers=accountant.headers)
    assert bad.status_code == 422 and bad.json()["details"][0]["field"] == "candidate_id"
    done = api.client.post(
        f"{BANK}/lines/{line['id']}/confirm",
        json={"candidate_id": found[0]["id"]},
        headers=accountant.headers,
    )
    assert done.status_code == 200, done.text
    shown = done.json()
    assert shown["status"] == "reconciled" and shown["reconciliations"][0]["number"] == "GEN-000042"
    assert (
        shown["reconciliations"][0]["posting"] == "posted"
        and shown["reconciliations"][0]["created_by"] == accountant.user_id
    )
    again = api.client.post(
        f"{BANK}/lines/{line['id']}/confirm",
        json={"candidate_id": found[0]["id"]},
        headers=accountant.headers,
    )
    assert again.status_code == 409
    items = api.client.get(
        f"{BANK}/open-items", params={"kind": "receivable"}, headers=accountant.headers
    ).json()
    assert [(i["number"], i["open_amount"]) for i in items["open_items"]] == [("GEN-000042", "620.00")]


async def eventually(check: Callable[[], bool], timeout: float = 30.0, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        await asyncio.sleep(0.05)


async def test_the_match_worker_end_to_end_through_the_jobs_api(platform: Platform, tmp_path: Path) -> None:
    tenant = platform.tenants.create(new_slug(), name="Exemplu Soft SRL", cui="RO18547290")
    system = TenantContext(tenant.id, tenant.slug, system=True)
    alfa, beta = new_id(), new_id()
    invoice_42, invoice_43 = new_id(), new_id()
    # What the sales app publishes when it creates partners and issues invoices.
    with UnitOfWork(platform.databases, tenant=system) as uow:
        for partner_id, name, cui in (
            (alfa, "Alfa Construct SRL", "14399840"),
            (beta, "Beta Logistic SA", "1590082"),
        ):
            partner = PartnerCreated(
                partner_id=partner_id, kind="company", name=name, country_code="RO", cui=cui,
                vat_id=f"RO{cui}", vat_payer=True,
            )  # fmt: skip
            uow.publish(partner)
        uow.publish(
            invoice_event(invoice_42, "GEN-000042", "2380.00", alfa, "Alfa Construct SRL", date(2026, 1, 5))
        )
        uow.publish(
            invoice_event(invoice_43, "GEN-000043", "990.00", beta, "Beta Logistic SA", date(2026, 1, 6))
        )
    transport = LocalTransport(tmp_path / "bus" / "queue.db", lease_seconds=1.0)
    tenants = RegistryTenants(platform.tenants)
    runtime = WorkerRuntime(platform, select_handlers(["match"]), transport=transport, heartbeat_seconds=0.2)
    # Subscribers bind their queues before the relay publishes (a message to no queue is dropped).
    await transport.start()
    read_model = subscriptions.consumer(transport, platform.databases, tenants)
    ledger = ledger_subscriptions.consumer(transport, platform.databases, tenants)
    await read_model.start()
    await ledger.start()
    await runtime.start()  # the relay and the match worker
    books = Books(platform, tenant)
    try:
        await eventually(lambda: len(books.rows("bank_open_items")) == 2, what="the read model")
        await eventually(lambda: len(books.rows("acc_entries")) == 2, what="the sales invoices in the ledger")
        with running_api(platform) as api:
            accountant = api.login(tenant, "accountant")
            uploaded = upload(api, accountant.headers, "bcr.sta")
            assert uploaded.status_code == 201, uploaded.text
            started = api.client.post(f"{BANK}/match", json={}, headers=accountant.headers)
            assert started.status_code == 202, started.text
            job = started.json()
            assert job["tag"] == "match" and started.headers["Location"] == f"/api/v1/jobs/{job['id']}"

            def finished() -> bool:
                state = api.client.get(f"/api/v1/jobs/{job['id']}", headers=accountant.headers).json()[
                    "state"
                ]
                return state in ("succeeded", "failed", "dead")

            await eventually(finished, what="the match job")
            done = api.client.get(f"/api/v1/jobs/{job['id']}", headers=accountant.headers).json()
            assert done["state"] == "succeeded", done
            assert {k: done["result"][k] for k in ("lines", "reconciled", "fees", "posted")} == {
                "lines": 3, "reconciled": 1, "fees": 1, "posted": 2,
            }  # fmt: skip
            # The payment to Beta names an invoice (BL 7781) the books do not have: it waits.
            assert done["result"]["unmatched"] + done["result"]["proposed"] == 1
            reconciled = api.client.get(
                f"{BANK}/lines", params={"status": "reconciled"}, headers=accountant.headers
            )
            (line,) = reconciled.json()["lines"]
            detail = api.client.get(f"{BANK}/lines/{line['id']}", headers=accountant.headers).json()
            assert (
                detail["reconciliations"][0]["number"] == "GEN-000042"
                and detail["reconciliations"][0]["method"] == "auto"
            )
        # Alfa's receivable (4111.<alfa>) is back to zero: 4111 = 70x by the ledger, 5121 = 4111 by the bank.
        balance = sum(
            r.debit - r.credit
            for r in books.rows("acc_lines", partner_id=alfa)
            if r.account.startswith("4111")
        )
        assert balance == 0
        assert [r.status for r in books.rows("bank_open_items", id=invoice_42)] == ["settled"]
    finally:
        await read_model.stop(grace=5)
        await ledger.stop(grace=5)
        await runtime.stop(grace=5)
        await transport.close()
