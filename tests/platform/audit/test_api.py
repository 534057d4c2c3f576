"""The audit trail over HTTP: request auditing, failed logins, denials, the records query API."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from genius.platform.audit import AuditEntry, AuditQuery
from genius.platform.tenancy import Tenant, TenantContext, tenant_scope
from tests.platform.audit.http import PASSWORD, Api

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def acme(api: Api) -> Tenant:
    return api.platform.tenants.create("acme", name="Acme SRL", cui="RO18547290")


def _records(api: Api, tenant: Tenant, **filters: object) -> list:
    with tenant_scope(TenantContext(tenant.id, tenant.slug, system=True)):
        return list(reversed(api.platform.audit.query(AuditQuery(limit=500, **filters)).items))


def test_state_changing_requests_are_audited_with_who_what_where(api: Api, acme: Tenant) -> None:
    admin = api.login(acme, "admin")
    response = api.client.put(
        "/api/v1/admin/flags/new-checkout",
        json={"enabled": True, "rollout_percent": 10},
        headers={**admin.headers, "X-Audit-Reason": "pilot for branch CJ"},
    )
    assert response.status_code == 200, response.text
    api.client.get("/api/v1/admin/flags/new-checkout", headers=admin.headers)  # reads are not audited
    (record,) = _records(api, acme, action="PUT /api/v1/admin/flags/{key}")
    assert (record.resource_type, record.resource_id, record.result) == (
        "admin.flags",
        "new-checkout",
        "success",
    )
    assert record.result_details == {"status": 200}
    assert (record.user_id, record.user_email, record.tenant_id) == (admin.user_id, admin.email, acme.id)
    assert record.client_ip == "testclient" and record.reason == "pilot for branch CJ"
    assert record.trace_id == response.headers["x-trace-id"]
    assert not _records(api, acme, action="GET*")
    # The domain record of the same change, with before/after, sits beside it.
    (change,) = _records(api, acme, action="admin.flag.create")
    assert change.after["rollout_percent"] == 10 and change.trace_id == record.trace_id
    assert api.platform.audit.verify(acme.slug).ok


def test_failed_requests_are_audited_as_failures(api: Api, acme: Tenant) -> None:
    admin = api.login(acme, "admin")
    response = api.client.put("/api/v1/admin/flags/x", json={"rollout_percent": 101}, headers=admin.headers)
    assert response.status_code == 422
    (record,) = _records(api, acme, action="PUT /api/v1/admin/flags/{key}")
    assert (record.result, record.result_details, record.resource_id) == ("failure", {"status": 422}, "x")


def test_logins_are_audited_in_the_tenant_named_by_the_body(api: Api, acme: Tenant) -> None:
    admin = api.login(acme, "admin")
    bad = api.client.post(
        "/api/v1/auth/token",
        json={
            "grant_type": "password",
            "tenant": acme.slug,
            "username": admin.email,
            "password": "wrong-guess",
        },
    )
    assert bad.status_code == 401
    form = api.client.post(
        "/api/v1/auth/token",
        data={
            "grant_type": "password",
            "tenant": acme.slug,
            "username": "nobody@x.ro",
            "password": "also-wrong",
        },
    )
    assert form.status_code == 401
    logins = _records(api, acme, action="POST /api/v1/auth/token")
    assert [(r.result, r.user_email, r.result_details["status"]) for r in logins] == [
        ("success", admin.email, 200),  # the login of api.login()
        ("failure", admin.email, 401),
        ("failure", "nobody@x.ro", 401),
    ]
    assert all(r.user_id is None and r.client_ip == "testclient" for r in logins)
    stored = json.dumps([r.canonical_fields() for r in _records(api, acme)])
    assert "wrong-guess" not in stored and "also-wrong" not in stored and PASSWORD not in stored
    # A login naming no existing tenant has nowhere to be written, and does not fail differently.
    unknown = api.client.post(
        "/api/v1/auth/token",
        json={"grant_type": "password", "tenant": "nosuch", "username": "a@b.ro", "password": "x"},
    )
    assert unknown.status_code == 401


def test_denied_requests_write_the_denial(api: Api, acme: Tenant) -> None:
    viewer = api.login(acme, "viewer")
    response = api.client.get("/api/v1/audit/records", headers=viewer.headers)
    assert response.status_code == 403
    (denial,) = _records(api, acme, action="auth.access.deny")
    assert (denial.resource_id, denial.user_id, denial.result) == (
        "audit.records.read",
        viewer.user_id,
        "failure",
    )
    assert "rbac" in denial.result_details["reason"]


def _seed(api: Api, tenant: Tenant) -> None:
    """12 records: users u1/u2, actions sales.invoice.issue/cancel and crm.lead.create, hourly."""
    for n in range(12):
        user = f"u{n % 2 + 1}"
        ctx = TenantContext(tenant.id, tenant.slug, user_id=user, attributes={"email": f"{user}@x.ro"})
        action = ("sales.invoice.issue", "sales.invoice.cancel", "crm.lead.create")[n % 3]
        api.platform.audit.record_for(
            ctx,
            AuditEntry(
                action=action,
                resource_type="invoice" if action.startswith("sales") else "lead",
                resource_id=f"R-{n}",
                result="failure" if n % 4 == 0 else "success",
                occurred_at=T0 + timedelta(hours=n),
            ),
        )


def _get(api: Api, headers: dict[str, str], **params: object) -> dict:
    response = api.client.get("/api/v1/audit/records", params=params, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


def test_query_filters(api: Api, acme: Tenant) -> None:
    auditor = api.login(acme, "auditor")
    _seed(api, acme)
    h = auditor.headers

    def ids(**params: object) -> list[str]:
        return sorted(r["resource_id"] for r in _get(api, h, **params)["items"])

    assert ids(user="u1") == sorted(f"R-{n}" for n in range(0, 12, 2))
    assert ids(user="u2@x.ro") == sorted(f"R-{n}" for n in range(1, 12, 2))
    assert ids(action="sales.invoice.cancel") == ["R-1", "R-10", "R-4", "R-7"]
    assert len(ids(action="sales.invoice.*")) == 8
    assert ids(resource_type="lead") == ["R-11", "R-2", "R-5", "R-8"]
    assert ids(resource_type="invoice", resource_id="R-3") == ["R-3"]
    assert ids(result="failure") == ["R-0", "R-4", "R-8"]
    window = {"from": (T0 + timedelta(hours=3)).isoformat(), "to": (T0 + timedelta(hours=6)).isoformat()}
    assert ids(**window) == ["R-3", "R-4", "R-5"]  # from inclusive, to exclusive
    assert ids(user="u1", result="failure", action="sales.*") == ["R-0", "R-4"]


def test_query_pagination_with_cursor_and_total(api: Api, acme: Tenant) -> None:
    auditor = api.login(acme, "auditor")
    _seed(api, acme)
    seen: list[int] = []
    cursor = None
    while True:
        params: dict[str, object] = {"limit": 5, "action": "sales.*"}
        if cursor:
            params["cursor"] = cursor
        page = _get(api, auditor.headers, **params)
        assert page["total"] == 8 and len(page["items"]) <= 5
        seen += [r["seq"] for r in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert len(seen) == 8 and seen == sorted(seen, reverse=True)  # newest first, no repeats


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"from": "2026-03-01T00:00:00"}, "from"),
        ({"result": "maybe"}, "result"),
        ({"cursor": "abc"}, "cursor"),
        ({"from": "2026-03-02T00:00:00Z", "to": "2026-03-01T00:00:00Z"}, "to"),
    ],
)
def test_query_refuses_bad_parameters_naming_them(api: Api, acme: Tenant, params: dict, field: str) -> None:
    auditor = api.login(acme, "auditor")
    response = api.client.get("/api/v1/audit/records", params=params, headers=auditor.headers)
    assert response.status_code == 422
    assert response.json()["details"][0]["field"] == field


def test_a_tenant_sees_only_its_own_records(api: Api, acme: Tenant) -> None:
    beta = api.platform.tenants.create("beta", name="Beta SRL", cui="14399840")
    acme_admin, beta_admin = api.login(acme, "admin"), api.login(beta, "admin")
    _seed(api, acme)
    items = _get(api, beta_admin.headers, limit=500)["items"]
    assert items and all(r["tenant_id"] == beta.id for r in items)
    assert all(r["tenant_id"] == acme.id for r in _get(api, acme_admin.headers, limit=500)["items"])


def test_a_route_that_crashes_is_audited_as_a_server_error(api: Api, acme: Tenant) -> None:
    admin = api.login(acme, "admin")

    def explode(thing_id: str) -> None:
        raise RuntimeError("bug in a handler")

    api.client.app.router.add_api_route("/api/v1/tests/things/{thing_id}", explode, methods=["DELETE"])
    response = api.client.delete("/api/v1/tests/things/T-9", headers=admin.headers)
    assert response.status_code == 500
    (record,) = _records(api, acme, action="DELETE /api/v1/tests/things/{thing_id}")
    assert (record.result, record.result_details, record.resource_type, record.resource_id) == (
        "failure",
        {"status": 500},
        "tests.things",
        "T-9",
    )
    assert record.user_id == admin.user_id
