"""Refresh tokens: single use, rotation, reuse revokes the family; on SQLite and PostgreSQL."""

from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa

from genius.bootstrap import Platform
from genius.platform.auth import InvalidGrant
from genius.platform.auth.refresh import token_id
from genius.platform.db import controlplane as cp

from .conftest import CUI_A, PASSWORD, FrozenClock, unique_slug


@pytest.fixture
def store_tenant(store_platform: Platform):  # type: ignore[no-untyped-def]
    tenant = store_platform.tenants.create(unique_slug("rt"), name="Refresh SRL", cui=CUI_A)
    store_platform.auth.users.create(tenant.slug, "ana@acme.ro", PASSWORD, ["viewer"])
    return tenant


def test_each_use_returns_a_new_refresh_token_and_reuse_revokes_the_family(
    store_platform: Platform, store_tenant
) -> None:  # type: ignore[no-untyped-def]
    auth = store_platform.auth
    first = auth.password_grant(store_tenant.slug, "ana@acme.ro", PASSWORD)
    second = auth.refresh_grant(store_tenant.slug, first.refresh_token)
    assert second.refresh_token != first.refresh_token
    assert auth.verify_access_token(second.access_token).slug == store_tenant.slug
    third = auth.refresh_grant(store_tenant.slug, second.refresh_token)

    # An attacker replays the first token: refused, and the whole family dies with it.
    with pytest.raises(InvalidGrant) as err:
        auth.refresh_grant(store_tenant.slug, first.refresh_token)
    assert err.value.code == "refresh_token_reused"
    with pytest.raises(InvalidGrant):
        auth.refresh_grant(store_tenant.slug, third.refresh_token)

    # Another login starts a new family, untouched by the revocation.
    other = auth.password_grant(store_tenant.slug, "ana@acme.ro", PASSWORD)
    assert auth.refresh_grant(store_tenant.slug, other.refresh_token).refresh_token


def test_only_a_hash_of_the_refresh_token_is_stored(store_platform: Platform, store_tenant) -> None:  # type: ignore[no-untyped-def]
    pair = store_platform.auth.password_grant(store_tenant.slug, "ana@acme.ro", PASSWORD)
    with store_platform.control.connect() as conn:
        ids = conn.execute(sa.select(cp.refresh_tokens.c.id)).scalars().all()
    assert token_id(pair.refresh_token) in ids
    assert pair.refresh_token not in ids


def test_refresh_token_of_another_tenant_unknown_or_expired_is_refused(
    store_platform: Platform, store_tenant, frozen_clock: FrozenClock
) -> None:  # type: ignore[no-untyped-def]
    other = store_platform.tenants.create(unique_slug("rt2"), name="Other SRL", cui=CUI_A)
    pair = store_platform.auth.password_grant(store_tenant.slug, "ana@acme.ro", PASSWORD)
    with pytest.raises(InvalidGrant):
        store_platform.auth.refresh_grant(other.slug, pair.refresh_token)
    with pytest.raises(InvalidGrant):
        store_platform.auth.refresh_grant(store_tenant.slug, "not-a-token")
    frozen_clock.advance(store_platform.settings.refresh_token_ttl_seconds + 1)
    with pytest.raises(InvalidGrant, match="expired"):
        store_platform.auth.refresh_grant(store_tenant.slug, pair.refresh_token)


def test_disabled_user_cannot_refresh(store_platform: Platform, store_tenant) -> None:  # type: ignore[no-untyped-def]
    pair = store_platform.auth.password_grant(store_tenant.slug, "ana@acme.ro", PASSWORD)
    store_platform.auth.users.set_active(store_tenant.slug, "ana@acme.ro", False)
    with pytest.raises(InvalidGrant):
        store_platform.auth.refresh_grant(store_tenant.slug, pair.refresh_token)


def test_concurrent_use_of_one_refresh_token_succeeds_at_most_once(
    store_platform: Platform, store_tenant
) -> None:  # type: ignore[no-untyped-def]
    pair = store_platform.auth.password_grant(store_tenant.slug, "ana@acme.ro", PASSWORD)
    outcomes: list[str] = []
    lock = threading.Lock()
    barrier = threading.Barrier(4)

    def use() -> None:
        barrier.wait()
        try:
            store_platform.auth.refresh_grant(store_tenant.slug, pair.refresh_token)
            result = "ok"
        except InvalidGrant as exc:
            result = exc.code
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=use) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert outcomes.count("ok") == 1
    assert len(outcomes) == 4
    assert set(outcomes) <= {"ok", "refresh_token_reused"}
