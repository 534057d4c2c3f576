"""The register's HTTP API: create, list, get, schedule, the month's run, dispose; RBAC and refusals."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from fastapi.testclient import TestClient

from genius.web.app import create_app
from tests.apps.accounting.saft.conftest import Books, books
from tests.platform.audit.http import Api

__all__ = ["books"]  # the full platform's fixture (overrides the ledger-only one of this folder)
BASE = "/api/v1/accounting/assets"
LAPTOP = {
    "inventory_no": "MF-001",
    "name": "Laptop Dell Latitude",
    "asset_account": "214",
    "acquisition_date": "2026-08-05",
    "acquisition_value": "5400.00",
    "commissioning_date": "2026-08-07",
    "life_months": 36,
    "catalogue_code": "2.2.9",
    "supplier_name": "Alfa IT SRL",
    "supplier_cui": "18547290",
    "supplier_city": "Cluj-Napoca",
    "acquisition_account": "404",
}


@contextmanager
def api_of(books: Books) -> Iterator[Api]:
    with TestClient(create_app(books.platform), raise_server_exceptions=False) as client:
        yield Api(books.platform, client)


def test_the_register_over_http(books: Books) -> None:
    with api_of(books) as api:
        accountant = api.login(books.world.tenant, "accountant")
        auditor = api.login(books.world.tenant, "auditor")
        h = accountant.headers
        assert api.client.post(BASE, json=LAPTOP, headers=auditor.headers).status_code == 403
        bad = api.client.post(BASE, json={**LAPTOP, "catalogue_code": None}, headers=h)
        assert bad.status_code == 422 and bad.json()["details"][0]["field"] == "catalogue_code"
        created = api.client.post(BASE, json=LAPTOP, headers=h)
        assert created.status_code == 201, created.text
        asset = created.json()
        assert created.headers["Location"] == f"{BASE}/{asset['id']}"
        assert (asset["depreciation_account"], asset["book_value"]) == ("2814", "5400.00")
        assert asset["acquisition_entry_id"]
        assert api.client.post(BASE, json=LAPTOP, headers=h).status_code == 409
        listed = api.client.get(BASE, headers=auditor.headers)
        assert [a["inventory_no"] for a in listed.json()["assets"]] == ["MF-001"]
        assert api.client.get(f"{BASE}/nope", headers=h).status_code == 404
        refused = api.client.post(f"{BASE}/depreciation", json={"period": "2026-13"}, headers=h)
        assert refused.status_code == 422
        assert (
            api.client.post(
                f"{BASE}/depreciation", json={"period": "2026-09"}, headers=auditor.headers
            ).status_code
            == 403
        )
        run = api.client.post(f"{BASE}/depreciation", json={"period": "2026-09"}, headers=h).json()
        assert (len(run["posted"]), run["total"], run["already_posted"]) == (1, "150.00", 0)
        again = api.client.post(f"{BASE}/depreciation", json={"period": "2026-09"}, headers=h).json()
        assert (again["posted"], again["already_posted"]) == ([], 1)
        schedule = api.client.get(f"{BASE}/{asset['id']}/schedule", headers=h).json()["schedule"]
        assert len(schedule) == 36 and schedule[0]["period"] == "2026-09" and schedule[0]["entry_id"]
        assert schedule[-1]["book_value"] == "0.00"
        early = api.client.post(
            f"{BASE}/{asset['id']}/dispose", json={"on": "2026-11-03", "kind": "sale"}, headers=h
        )
        assert early.status_code == 422 and "2026-10" in early.text
        api.client.post(f"{BASE}/depreciation", json={"period": "2026-10"}, headers=h)
        sold = api.client.post(
            f"{BASE}/{asset['id']}/dispose",
            json={"on": "2026-11-03", "kind": "sale", "proceeds": "4000"},
            headers=h,
        )
        assert sold.status_code == 200, sold.text
        assert (sold.json()["status"], sold.json()["book_value"]) == ("disposed", "0.00")
        got = api.client.get(f"{BASE}/{asset['id']}", headers=auditor.headers).json()
        assert (got["accumulated_depreciation"], got["proceeds"]) == ("300.00", "4000.00")
