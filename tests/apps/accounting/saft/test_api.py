"""The D406 job end to end on the local transport: POST (202 + job), the anaf.saft worker streams the
file into the tenant's bucket with progress, the register and the download, the event; refusals
answer at once (409/422) or fail the job, and nothing is stored."""

from __future__ import annotations

import hashlib
import json
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from fastapi.testclient import TestClient

from genius.apps.accounting.domain.entries import EntryDraft, Line
from genius.apps.accounting.handlers.entries import post
from genius.apps.accounting.handlers.postings import CUSTOMER, partner_account
from genius.apps.accounting.saft import tables as st
from genius.apps.sales import handlers as h
from genius.apps.sales.commands import CreatePartner
from genius.platform.bus.tables import outbox
from genius.platform.db.uow import UnitOfWork
from genius.platform.tenancy import TenantContext
from genius.web.app import create_app
from genius.workers import anaf_saft
from genius.workers.runtime import WorkerRuntime
from tests.apps.accounting.saft.conftest import Books, assert_valid
from tests.apps.accounting.test_sales_postings import eventually
from tests.apps.sales.conftest import OTHER_CUI, company_partner
from tests.platform.audit.http import Api, Caller

BASE = "/api/v1/accounting/saft"


@contextmanager
def api_of(books: Books) -> Iterator[Api]:
    with TestClient(create_app(books.platform), raise_server_exceptions=False) as client:
        yield Api(books.platform, client)


@asynccontextmanager
async def worker(books: Books) -> AsyncIterator[WorkerRuntime]:
    runtime = WorkerRuntime(
        books.platform, {anaf_saft.TAG: anaf_saft.handle}, transport=books.platform.bus.transport,
        heartbeat_seconds=0.2,
    )  # fmt: skip
    await runtime.start()
    await books.relay.drain(books.slug)  # the request committed before the runtime's relay existed
    try:
        yield runtime
    finally:
        await runtime.stop(grace=5)


async def finished(api: Api, caller: Caller, job_id: str) -> dict[str, Any]:
    seen: list[int] = []

    def done() -> bool:
        job = api.client.get(f"/api/v1/jobs/{job_id}", headers=caller.headers).json()
        seen.append(job["progress"]["percent"])
        return job["state"] in ("succeeded", "failed", "dead")

    await eventually(done, timeout=60, what=f"job {job_id}")
    job = api.client.get(f"/api/v1/jobs/{job_id}", headers=caller.headers).json()
    job["seen_progress"] = seen
    return job  # type: ignore[no-any-return]


def stored(books: Books) -> list[str]:
    return [o.key for o in books.platform.storage.list(books.slug, "accounting/")]


async def test_the_export_job_stores_the_file_and_it_downloads_as_filed(books: Books, xsd_path: Path) -> None:
    first = books.issue(issue_date="2026-10-05")
    books.issue(issue_date="2026-10-09")
    await books.deliver()
    with api_of(books) as api:
        accountant = api.login(books.world.tenant, "accountant")
        auditor = api.login(books.world.tenant, "auditor")
        # The header's contact person is missing: named at once, no job queued.
        missing = api.client.post(BASE, json={"period": "2026-10"}, headers=accountant.headers)
        assert missing.status_code == 422, missing.text
        assert {p["field"] for p in missing.json()["details"]} == {"contact", "contact_telephone"}
        bad = api.client.put(
            f"{BASE}/settings", json={"contact_telephone": "phone"}, headers=accountant.headers
        )
        assert bad.status_code == 422 and bad.json()["details"][0]["field"] == "contact_telephone"
        configured = api.client.put(
            f"{BASE}/settings",
            json={
                "contact_first_name": "Ioana",
                "contact_last_name": "Popescu",
                "contact_telephone": "+40264000000",
            },
            headers=accountant.headers,
        )
        assert configured.status_code == 200, configured.text
        assert configured.json()["company_city"] == "Cluj-Napoca"
        for period, status in (("2026-13", 422), ("2026-Q5", 422), ("octombrie", 422)):
            refused = api.client.post(BASE, json={"period": period}, headers=accountant.headers)
            assert refused.status_code == status and refused.json()["details"][0]["field"] == "period"
        assert api.client.post(BASE, json={"period": "2026-10"}, headers=auditor.headers).status_code == 403
        started = api.client.post(BASE, json={"period": "2026-10"}, headers=accountant.headers)
        assert started.status_code == 202, started.text
        job_id = started.json()["job"]["id"]
        assert started.headers["Location"] == f"/api/v1/jobs/{job_id}"
        assert started.json()["job"]["tag"] == "anaf.saft" and started.json()["report_type"] == "L"
        async with worker(books):
            job = await finished(api, accountant, job_id)
        assert job["state"] == "succeeded", job
        result = job["result"]
        assert result["key"] == f"accounting/saft/2026-10/{job_id}/D406_18547290_2026-10.xml.gz"
        assert result["counts"]["transactions"] == 2 and result["counts"]["sales_invoices"] == 2
        assert result["warnings"] == [] and job["progress"]["percent"] == 100
        assert stored(books) == [result["key"]]
        # The register and the download: the XML as filed, whose sha256 the job reported.
        listed = api.client.get(
            f"{BASE}/exports", params={"period": "2026-10"}, headers=auditor.headers
        ).json()
        assert [e["id"] for e in listed["exports"]] == [job_id]
        file = api.client.get(f"{BASE}/exports/{job_id}/file", headers=auditor.headers)
        assert file.status_code == 200 and file.headers["content-type"].startswith("application/xml")
        assert 'filename="D406_18547290_2026-10.xml"' in file.headers["content-disposition"]
        assert (
            hashlib.sha256(file.content).hexdigest() == result["sha256"]
            and len(file.content) == result["size"]
        )
        assert first.number.encode() in file.content
        assert_valid(file.content, xsd_path)
        assert api.client.get(f"{BASE}/exports/nope/file", headers=auditor.headers).status_code == 404
    with books.engine().connect() as conn:
        events = (
            conn.execute(sa.select(outbox.c.body).where(outbox.c.type == "accounting.saft.exported"))
            .scalars()
            .all()
        )
    assert len(events) == 1
    data = json.loads(events[0])["data"]
    assert (data["export_id"], data["storage_key"], data["sha256"]) == (
        job_id,
        result["key"],
        result["sha256"],
    )


async def test_refusals_store_nothing(books: Books) -> None:
    books.issue(issue_date="2026-10-05")
    # A second customer, never invoiced: its address is unknown to the D406 read model.
    with books.world.scope():
        other = h.create_partner(
            books.world.deps, CreatePartner(company_partner(name="Fără Factură SRL", cui=OTHER_CUI))
        )
    await books.deliver()
    books.configure()
    ctx = TenantContext(books.world.tenant.id, books.slug, system=True)
    with api_of(books) as api:
        accountant = api.login(books.world.tenant, "accountant")
        # A draft entry in the period: refused at once, naming it; no job.
        draft = api.client.post(
            "/api/v1/accounting/entries",
            json={
                "entry_date": "2026-10-30",
                "description": "Provizion",
                "lines": [{"account": "6812", "debit": "10.00"}, {"account": "1518", "credit": "10.00"}],
            },
            headers=accountant.headers,
        )
        assert draft.status_code == 201, draft.text
        refused = api.client.post(BASE, json={"period": "2026-10"}, headers=accountant.headers)
        assert refused.status_code == 409, refused.text
        body = refused.json()
        assert body["code"] == "saft_refused" and draft.json()["id"] in body["message"]
        assert body["details"]["draft_entries"][0].startswith("NC draft")
        api.client.delete(f"/api/v1/accounting/entries/{draft.json()['id']}", headers=accountant.headers)
        # A posted opening balance on the never-invoiced customer: the pre-validation refuses in the job.
        with UnitOfWork(books.platform.databases, tenant=ctx) as uow:
            account = partner_account(uow, other, CUSTOMER)
            lines = (
                Line(account, debit=Decimal("100.00"), partner_id=other),
                Line("1171", credit=Decimal("100.00")),
            )
            post(uow, EntryDraft("NC", date(2026, 10, 1), "Sold preluat", lines))
        started = api.client.post(BASE, json={"period": "2026-10"}, headers=accountant.headers)
        assert started.status_code == 202, started.text
        async with worker(books):
            job = await finished(api, accountant, started.json()["job"]["id"])
        assert job["state"] == "failed" and job["attempts"] == 1, job
        assert job["error"]["code"] == "saft_refused"
        assert "PARTNER_NO_ADDRESS 0023456783" in job["error"]["message"]
    assert stored(books) == []
    with books.engine().connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(st.exports)).scalar_one() == 0
        assert (
            conn.execute(
                sa.select(sa.func.count())
                .select_from(outbox)
                .where(outbox.c.type == "accounting.saft.exported")
            ).scalar_one()
            == 0
        )
