"""The flag store: changes at runtime through one evaluation function, cache, audit, validation."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from genius.bootstrap import Platform
from genius.kernel.errors import ValidationError
from genius.platform import flags
from genius.platform.audit import AuditQuery
from genius.platform.flags import FeatureFlags, FlagChange, FlagNotFound, FlagsNotConfigured, is_enabled
from genius.platform.tenancy import Tenant, TenantContext, tenant_scope


def _admin(tenant: Tenant) -> TenantContext:
    email = {"email": "a@x.ro"}
    return TenantContext(tenant.id, tenant.slug, user_id="admin-1", roles=("admin",), attributes=email)


def _user(tenant: Tenant, user_id: str = "u-1", *roles: str) -> TenantContext:
    return TenantContext(tenant.id, tenant.slug, user_id=user_id, roles=roles)


def test_is_enabled_follows_runtime_changes(platform: Platform, tenant: Tenant) -> None:
    admin, user = _admin(tenant), _user(tenant)
    assert not is_enabled("new-checkout", user)  # unknown: off
    platform.flags.put(admin, "new-checkout", FlagChange(enabled=True, rollout_percent=100))
    assert is_enabled("new-checkout", user)  # the cache was dropped by the change
    platform.flags.put(admin, "new-checkout", FlagChange(killed=True, reason="incident 17"))
    assert not is_enabled("new-checkout", user)
    flag = platform.flags.get(admin, "new-checkout")
    assert (flag.enabled, flag.rollout_percent, flag.killed, flag.updated_by) == (True, 100, True, "a@x.ro")
    platform.flags.delete(admin, "new-checkout")
    assert not is_enabled("new-checkout", user)
    with pytest.raises(FlagNotFound):
        platform.flags.get(admin, "new-checkout")


def test_flags_are_per_tenant(platform: Platform, tenant: Tenant) -> None:
    other = platform.tenants.create("beta", name="Beta SRL", cui="14399840")
    platform.flags.put(_admin(tenant), "reports-v2", FlagChange(enabled=True, rollout_percent=100))
    assert is_enabled("reports-v2", _user(tenant))
    assert not is_enabled("reports-v2", TenantContext(other.id, other.slug, user_id="u-1"))


def test_other_processes_see_a_change_when_their_cache_expires(platform: Platform, tenant: Tenant) -> None:
    long_lived = FeatureFlags(platform.control, platform.audit, cache_seconds=3600)
    uncached = FeatureFlags(platform.control, platform.audit, cache_seconds=0)
    assert not long_lived.is_enabled("beta-ui", _user(tenant))
    platform.flags.put(_admin(tenant), "beta-ui", FlagChange(enabled=True, rollout_percent=100))
    assert uncached.is_enabled("beta-ui", _user(tenant))
    assert not long_lived.is_enabled("beta-ui", _user(tenant))  # still within its cache time
    long_lived.invalidate()
    assert long_lived.is_enabled("beta-ui", _user(tenant))


def test_every_change_is_audited_with_before_and_after(platform: Platform, tenant: Tenant) -> None:
    admin = _admin(tenant)
    segments = {"roles": ["accountant"], "attributes": {"branch": ["CJ"]}}
    platform.flags.put(admin, "ledger-v2", FlagChange(enabled=True, rollout_percent=10, segments=segments))
    platform.flags.put(admin, "ledger-v2", FlagChange(rollout_percent=50, reason="widen after QA"))
    platform.flags.delete(admin, "ledger-v2", reason="shipped")
    with tenant_scope(admin):
        page = platform.audit.query(AuditQuery(resource_type="feature_flag", resource_id="ledger-v2"))
    created, updated, deleted = reversed(page.items)
    assert [r.action for r in (created, updated, deleted)] == [
        "admin.flag.create",
        "admin.flag.update",
        "admin.flag.delete",
    ]
    assert created.before is None and created.after["rollout_percent"] == 10
    assert created.after["segments"] == {"users": [], **segments}
    assert (updated.before["rollout_percent"], updated.after["rollout_percent"]) == (10, 50)
    assert updated.reason == "widen after QA" and updated.user_id == "admin-1"
    assert deleted.before["rollout_percent"] == 50 and deleted.after is None
    assert platform.audit.verify(tenant.slug).ok


def test_a_change_that_cannot_be_audited_is_rolled_back(platform: Platform, tenant: Tenant) -> None:
    with platform.databases.engine_for_slug(tenant.slug).begin() as conn:
        conn.execute(sa.text("DROP TABLE audit_chain_head"))  # the audit write will fail
    with pytest.raises(sa.exc.DBAPIError):
        platform.flags.put(_admin(tenant), "unaudited", FlagChange(enabled=True, rollout_percent=100))
    with pytest.raises(FlagNotFound):
        platform.flags.get(_admin(tenant), "unaudited")


@pytest.mark.parametrize(
    ("key", "change", "field"),
    [
        ("Bad Key", FlagChange(enabled=True), "key"),
        ("ok-key", FlagChange(rollout_percent=101), "rollout_percent"),
        ("ok-key", FlagChange(rollout_percent=True), "rollout_percent"),
        ("ok-key", FlagChange(segments={"roles": "admin"}), "segments.roles"),
        ("ok-key", FlagChange(segments={"groups": ["x"]}), "segments.groups"),
        ("ok-key", FlagChange(segments={"attributes": {"branch": []}}), "segments.attributes.branch"),
    ],
)
def test_bad_changes_name_the_field(
    platform: Platform, tenant: Tenant, key: str, change: FlagChange, field: str
) -> None:
    with pytest.raises(ValidationError) as err:
        platform.flags.put(_admin(tenant), key, change)
    assert err.value.problems[0].field == field
    assert platform.flags.list(_admin(tenant)) == []


def test_is_enabled_without_a_platform_says_so(platform: Platform) -> None:
    flags.use(None)
    try:
        with pytest.raises(FlagsNotConfigured):
            is_enabled("x", TenantContext("t", "acme"))
    finally:
        flags.use(platform.flags)
