"""The flags admin API: permissions, runtime change seen by is_enabled, validation, audit."""

from __future__ import annotations

import pytest

from genius.platform.audit import AuditQuery
from genius.platform.flags import is_enabled
from genius.platform.tenancy import Tenant, TenantContext, tenant_scope
from tests.platform.audit.http import Api

URL = "/api/v1/admin/flags"


@pytest.fixture
def acme(api: Api) -> Tenant:
    return api.platform.tenants.create("acme", name="Acme SRL", cui="RO18547290")


def test_admin_changes_a_flag_at_runtime(api: Api, acme: Tenant) -> None:
    admin = api.login(acme, "admin")
    clerk = TenantContext(
        acme.id, acme.slug, user_id="clerk-1", roles=("sales_clerk",), attributes={"branch": "CJ"}
    )
    assert not is_enabled("new-checkout", clerk)
    body = {"enabled": True, "segments": {"roles": ["sales_clerk"], "attributes": {"branch": ["CJ"]}}}
    created = api.client.put(f"{URL}/new-checkout", json=body, headers=admin.headers)
    assert created.status_code == 200, created.text
    assert created.json()["rollout_percent"] == 0 and created.json()["updated_by"] == admin.email
    assert is_enabled("new-checkout", clerk)
    killed = api.client.put(f"{URL}/new-checkout", json={"killed": True}, headers=admin.headers)
    assert killed.json()["segments"]["roles"] == ["sales_clerk"]  # fields not sent are kept
    assert not is_enabled("new-checkout", clerk)
    listed = api.client.get(URL, headers=admin.headers).json()
    assert [(f["key"], f["killed"]) for f in listed] == [("new-checkout", True)]
    assert (
        api.client.delete(f"{URL}/new-checkout", params={"reason": "done"}, headers=admin.headers).status_code
        == 204
    )
    assert api.client.get(f"{URL}/new-checkout", headers=admin.headers).status_code == 404
    with tenant_scope(clerk):
        actions = [r.action for r in api.platform.audit.query(AuditQuery(resource_type="feature_flag")).items]
    assert actions == ["admin.flag.delete", "admin.flag.update", "admin.flag.create"]


def test_permissions(api: Api, acme: Tenant) -> None:
    auditor, viewer = api.login(acme, "auditor"), api.login(acme, "viewer")
    assert api.client.get(URL, headers=auditor.headers).status_code == 200  # admin.flags.read
    assert api.client.put(f"{URL}/x1", json={"enabled": True}, headers=auditor.headers).status_code == 403
    assert api.client.get(URL, headers=viewer.headers).status_code == 403
    assert api.client.get(URL).status_code == 401


@pytest.mark.parametrize(
    ("key", "body", "field"),
    [
        ("ok-key", {"rollout_percent": 150}, "rollout_percent"),
        ("ok-key", {"segments": {"roles": "admin"}}, "segments.roles"),
        ("Bad_Key!", {"enabled": True}, "key"),
    ],
)
def test_bad_input_names_the_field(api: Api, acme: Tenant, key: str, body: dict, field: str) -> None:
    admin = api.login(acme, "admin")
    response = api.client.put(f"{URL}/{key}", json=body, headers=admin.headers)
    assert response.status_code == 422
    # Schema errors name the body field ("body.rollout_percent"), rule errors the field itself.
    fields = [str(d["field"]) for d in response.json()["details"]]
    assert field in fields or f"body.{field}" in fields
