"""Runtime settings: typed whitelist, tenant > installation > settings, rate limits, audit, cache."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from genius.bootstrap import Platform
from genius.kernel.errors import ValidationError
from genius.platform import runtime_settings
from genius.platform.audit import AuditQuery
from genius.platform.db import controlplane as cp
from genius.platform.runtime_settings import (
    SETTINGS,
    RuntimeSettings,
    RuntimeSettingsNotConfigured,
    SettingNotSet,
    SettingSpec,
    UnknownSetting,
    effective_rate_limits,
)
from genius.platform.settings import RateLimitSettings
from genius.platform.tenancy import Tenant, TenantContext, tenant_scope
from tests.platform.audit.http import Api, running_api
from tests.platforms import sqlite_platform

# A text key with choices, one value for the installation: the whitelist's other kind of entry.
ENVIRONMENT = SettingSpec(
    "environment", str, "Deployment", choices=("development", "production"), per_tenant=False
)


@pytest.fixture
def platform(tmp_path: Path) -> Iterator[Platform]:
    limits = RateLimitSettings(tenant_rate=100.0, tenant_burst=200, user_rate=10.0, user_burst=20)
    with sqlite_platform(tmp_path, rate_limit=limits) as built:
        yield built


@pytest.fixture
def tenants(platform: Platform) -> tuple[Tenant, Tenant]:
    return (
        platform.tenants.create("acme", name="Acme SRL", cui="RO18547290"),
        platform.tenants.create("beta", name="Beta SRL", cui="14399840"),
    )


def _admin(tenant: Tenant) -> TenantContext:
    return TenantContext(
        tenant.id, tenant.slug, user_id="admin-1", roles=("admin",), attributes={"email": "a@x.ro"}
    )


def test_tenant_row_wins_over_installation_row_which_wins_over_settings(
    platform: Platform, tenants: tuple[Tenant, Tenant]
) -> None:
    acme, beta = tenants
    runtime = platform.runtime_settings
    assert runtime.effective("rate_limit.user_burst", acme.id).source == "settings"
    assert runtime.value("rate_limit.user_burst", acme.id) == 20
    runtime.put(_admin(acme), "rate_limit.user_burst", 30, scope="installation")
    assert runtime.value("rate_limit.user_burst", acme.id) == 30
    assert runtime.value("rate_limit.user_burst", beta.id) == 30
    setting = runtime.put(_admin(acme), "rate_limit.user_burst", 5, reason="abusive client")
    assert (setting.value, setting.source, setting.installation_value, setting.settings_value) == (
        5,
        "tenant",
        30,
        20,
    )
    assert runtime.value("rate_limit.user_burst", beta.id) == 30  # the other tenant keeps its layer
    runtime.delete(_admin(acme), "rate_limit.user_burst")
    assert runtime.effective("rate_limit.user_burst", acme.id).source == "installation"
    with pytest.raises(SettingNotSet):
        runtime.delete(_admin(acme), "rate_limit.user_burst")


def test_effective_rate_limits_layers_every_field(platform: Platform, tenants: tuple[Tenant, Tenant]) -> None:
    acme, beta = tenants
    platform.runtime_settings.put(_admin(acme), "rate_limit.tenant_rate", 7)  # an int for a float key
    platform.runtime_settings.put(_admin(acme), "rate_limit.user_burst", 3, scope="installation")
    assert effective_rate_limits(acme.id) == RateLimitSettings(
        tenant_rate=7.0, tenant_burst=200, user_rate=10.0, user_burst=3
    )
    assert effective_rate_limits(beta.id) == RateLimitSettings(
        tenant_rate=100.0, tenant_burst=200, user_rate=10.0, user_burst=3
    )
    assert platform.runtime_settings.limits_for(acme.id) == effective_rate_limits(acme.id)  # LimitSource


def test_rate_limits_are_built_once_per_version_of_their_rows(
    platform: Platform, tenants: tuple[Tenant, Tenant]
) -> None:
    acme, beta = tenants
    runtime = platform.runtime_settings
    first = runtime.rate_limits(acme.id)
    assert runtime.rate_limits(acme.id) is first  # asked on every request: not rebuilt
    runtime.put(_admin(acme), "rate_limit.user_burst", 4)  # the tenant's layer changes
    assert runtime.rate_limits(acme.id).user_burst == 4
    before = runtime.rate_limits(beta.id)
    runtime.put(_admin(acme), "rate_limit.tenant_burst", 9, scope="installation")  # the layer below
    assert runtime.rate_limits(beta.id).tenant_burst == 9
    assert runtime.rate_limits(beta.id) is not before
    assert runtime.rate_limits(acme.id).tenant_burst == 9


@pytest.mark.parametrize(
    ("key", "value", "scope", "field", "error"),
    [
        ("rate_limit.burst", 5, "tenant", "key", UnknownSetting),
        ("rate_limit.user_burst", "10", "tenant", "value", ValidationError),
        ("rate_limit.user_burst", 1.5, "tenant", "value", ValidationError),
        ("rate_limit.user_burst", True, "tenant", "value", ValidationError),
        ("rate_limit.user_burst", 0, "tenant", "value", ValidationError),
        ("rate_limit.user_rate", None, "tenant", "value", ValidationError),
        ("environment", "staging", "installation", "value", ValidationError),  # not a choice
        ("environment", "production", "tenant", "scope", ValidationError),  # installation-wide only
        ("rate_limit.user_burst", 5, "galaxy", "scope", ValidationError),
    ],
)
def test_bad_changes_are_refused_naming_the_field(
    platform: Platform,
    tenants: tuple[Tenant, Tenant],
    key: str,
    value: object,
    scope: str,
    field: str,
    error: type[Exception],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(SETTINGS, "environment", ENVIRONMENT)
    with pytest.raises(error) as err:
        platform.runtime_settings.put(_admin(tenants[0]), key, value, scope=scope)  # type: ignore[arg-type]
    assert err.value.problems[0].field == field  # type: ignore[attr-defined]
    assert all(s.source == "settings" for s in platform.runtime_settings.all(tenants[0].id))


def test_every_change_is_audited(platform: Platform, tenants: tuple[Tenant, Tenant]) -> None:
    acme = tenants[0]
    runtime = platform.runtime_settings
    runtime.put(_admin(acme), "rate_limit.tenant_rate", 60, reason="shared office IP")
    runtime.put(_admin(acme), "rate_limit.tenant_rate", 30.5)
    runtime.put(_admin(acme), "rate_limit.user_burst", 40, scope="installation")
    runtime.delete(_admin(acme), "rate_limit.tenant_rate")
    with tenant_scope(_admin(acme)):
        records = list(reversed(platform.audit.query(AuditQuery(resource_type="runtime_setting")).items))
    summary = [(r.action, r.resource_id, r.before, r.after) for r in records]
    assert summary == [
        ("admin.setting.update", "rate_limit.tenant_rate", None, {"value": 60.0}),
        ("admin.setting.update", "rate_limit.tenant_rate", {"value": 60.0}, {"value": 30.5}),
        ("admin.setting.update", "installation:rate_limit.user_burst", None, {"value": 40}),
        ("admin.setting.delete", "rate_limit.tenant_rate", {"value": 30.5}, None),
    ]
    assert records[0].reason == "shared office IP" and records[0].user_email == "a@x.ro"


def test_cache_expires_or_is_dropped(platform: Platform, tenants: tuple[Tenant, Tenant]) -> None:
    acme = tenants[0]
    other_process = RuntimeSettings(platform.control, platform.settings, platform.audit, cache_seconds=3600)
    assert other_process.value("rate_limit.user_rate", acme.id) == 10.0
    platform.runtime_settings.put(_admin(acme), "rate_limit.user_rate", 2.5)
    assert platform.runtime_settings.value("rate_limit.user_rate", acme.id) == 2.5  # changed here: at once
    assert other_process.value("rate_limit.user_rate", acme.id) == 10.0  # elsewhere: after its TTL
    other_process.invalidate()
    assert other_process.value("rate_limit.user_rate", acme.id) == 2.5


def test_a_stored_value_outside_the_whitelist_is_ignored(
    platform: Platform, tenants: tuple[Tenant, Tenant]
) -> None:
    acme = tenants[0]
    with platform.control.begin() as conn:
        for key, value in (("rate_limit.user_burst", "lots"), ("retired.key", 1)):
            conn.execute(
                cp.runtime_settings.insert().values(
                    tenant_id=acme.id, key=key, value=value, updated_at=datetime.now(UTC)
                )
            )
    platform.runtime_settings.invalidate()
    assert platform.runtime_settings.effective("rate_limit.user_burst", acme.id).source == "settings"


def test_effective_rate_limits_needs_a_platform(platform: Platform) -> None:
    runtime_settings.use(None)
    try:
        with pytest.raises(RuntimeSettingsNotConfigured):
            effective_rate_limits("t")
    finally:
        runtime_settings.use(platform.runtime_settings)


def test_settings_admin_api(tmp_path: Path) -> None:
    with running_api(tmp_path / "api") as api:
        _exercise_settings_api(api)


def _exercise_settings_api(api: Api) -> None:
    acme = api.platform.tenants.create("acme", name="Acme SRL", cui="RO18547290")
    admin, auditor = api.login(acme, "admin"), api.login(acme, "auditor")
    url = "/api/v1/admin/settings"
    listed = api.client.get(url, headers=auditor.headers)
    assert listed.status_code == 200 and {s["key"] for s in listed.json()} >= {
        "rate_limit.user_burst",
        "rate_limit.tenant_rate",
    }
    put = api.client.put(
        f"{url}/rate_limit.user_burst", json={"value": 7, "reason": "noisy"}, headers=admin.headers
    )
    assert put.status_code == 200, put.text
    assert (put.json()["value"], put.json()["source"], put.json()["updated_by"]) == (7, "tenant", admin.email)
    assert effective_rate_limits(acme.id).user_burst == 7  # what the gateway's rate limiter reads
    assert api.client.get(f"{url}/rate_limit.user_burst", headers=auditor.headers).json()["value"] == 7
    for key, body, status in (
        ("rate_limit.nope", {"value": 1}, 422),  # not in the whitelist
        ("rate_limit.user_burst", {"value": "7"}, 422),  # wrong type
    ):
        response = api.client.put(f"{url}/{key}", json=body, headers=admin.headers)
        assert response.status_code == status, (key, response.text)
    assert (
        api.client.put(f"{url}/rate_limit.user_burst", json={"value": 9}, headers=auditor.headers).status_code
        == 403
    )
    deleted = api.client.delete(f"{url}/rate_limit.user_burst", headers=admin.headers)
    assert deleted.status_code == 200 and deleted.json()["source"] == "settings"
    with tenant_scope(_admin(acme)):
        changes = api.platform.audit.query(AuditQuery(resource_type="runtime_setting")).items
    assert [(r.action, r.reason) for r in changes] == [
        ("admin.setting.delete", None),
        ("admin.setting.update", "noisy"),
    ]


def test_an_installation_wide_key_with_choices(
    platform: Platform, tenants: tuple[Tenant, Tenant], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(SETTINGS, "environment", ENVIRONMENT)
    acme, beta = tenants
    setting = platform.runtime_settings.put(_admin(acme), "environment", "production", scope="installation")
    assert (setting.value, setting.source, setting.settings_value) == (
        "production",
        "installation",
        "development",
    )
    assert platform.runtime_settings.value("environment", beta.id) == "production"  # every tenant


@pytest.mark.parametrize(
    ("kind", "good", "bad"),
    [(int, [1, 2.0], [1.5, "1", True, None]), (float, [1, 0.5], ["0.5", False]), (bool, [True], [1, "true"])],
)
def test_values_are_checked_by_type(kind: type, good: list, bad: list) -> None:
    spec = SettingSpec("rate_limit.demo", kind, "demo", minimum=None)
    for value in good:
        assert isinstance(spec.validate(value), kind)
    for value in bad:
        with pytest.raises(ValidationError):
            spec.validate(value)
