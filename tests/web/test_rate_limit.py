"""Rate limiting per tenant and per user at the gateway: 429 with Retry-After, in memory and in Redis."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from genius.platform.ratelimit import InMemoryRateLimiter, RedisRateLimiter
from genius.platform.settings import RateLimitSettings
from genius.platform.tenancy import TenantContext
from genius.web.app import create_app
from tests.web.conftest import CUI_A, CUI_B, PASSWORD, Gateway, Party, add_party, issue_token
from tests.web.test_errors import assert_error

# Practically no refill during a test: the burst is all a caller gets.
SLOW = 0.001


@pytest.fixture(params=["memory", pytest.param("redis", marks=pytest.mark.redis)])
def store(request: pytest.FixtureRequest) -> dict[str, Any]:
    """Settings that pick the limiter: none (in memory) or the test Redis."""
    if request.param == "memory":
        return {}
    return {"redis_url": request.getfixturevalue("redis_url")}


def second_user(gateway: Gateway, party: Party) -> dict[str, str]:
    email = f"clerk@{party.tenant.slug}.example"
    gateway.platform.auth.users.create(party.tenant.slug, email, PASSWORD, ["admin"])
    return {"Authorization": f"Bearer {issue_token(gateway.client, party.tenant.slug, email)}"}


def test_a_user_over_the_burst_gets_429_with_retry_after(
    make_gateway: Callable[..., Gateway], store: dict[str, Any]
) -> None:
    limits = RateLimitSettings(tenant_rate=SLOW, tenant_burst=100, user_rate=SLOW, user_burst=3)
    gateway = make_gateway(rate_limit=limits, **store)
    expected = RedisRateLimiter if store else InMemoryRateLimiter
    assert isinstance(gateway.app.state.rate_limiter, expected)
    a = add_party(gateway.platform, gateway.client, "ta", CUI_A)
    b = add_party(gateway.platform, gateway.client, "tb", CUI_B)
    statuses = [gateway.client.get("/api/v1/auth/me", headers=a.auth).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    refused = gateway.client.get("/api/v1/auth/me", headers=a.auth)
    body = assert_error(refused, 429, "rate_limited")
    retry_after = int(refused.headers["retry-after"])
    assert retry_after >= 1 / SLOW * 0.9  # one token at 0.001 tokens/s is ~1000 s away
    assert body["details"] == {"limit": "user", "retry_after": retry_after}
    # Another user of the same tenant and any user of another tenant are not held back.
    assert gateway.client.get("/api/v1/auth/me", headers=second_user(gateway, a)).status_code == 200
    assert gateway.client.get("/api/v1/auth/me", headers=b.auth).status_code == 200


def test_a_tenant_over_its_burst_is_limited_for_all_its_users(
    make_gateway: Callable[..., Gateway], store: dict[str, Any]
) -> None:
    limits = RateLimitSettings(tenant_rate=SLOW, tenant_burst=3, user_rate=SLOW, user_burst=100)
    gateway = make_gateway(rate_limit=limits, **store)
    a = add_party(gateway.platform, gateway.client, "ta", CUI_A)
    b = add_party(gateway.platform, gateway.client, "tb", CUI_B)
    clerk = second_user(gateway, a)
    statuses = [gateway.client.get("/api/v1/auth/me", headers=h).status_code for h in (a.auth, clerk, a.auth)]
    assert statuses == [200, 200, 200]
    body = assert_error(gateway.client.get("/api/v1/auth/me", headers=clerk), 429, "rate_limited")
    assert body["details"]["limit"] == "tenant"
    assert gateway.client.get("/api/v1/auth/me", headers=b.auth).status_code == 200


def test_public_routes_are_not_counted(make_gateway: Callable[..., Gateway], store: dict[str, Any]) -> None:
    limits = RateLimitSettings(tenant_rate=SLOW, tenant_burst=1, user_rate=SLOW, user_burst=1)
    gateway = make_gateway(rate_limit=limits, **store)
    assert all(gateway.client.get("/healthz").status_code == 200 for _ in range(5))


def test_the_limiter_store_being_down_does_not_take_the_api_down(make_platform: Callable[..., Any]) -> None:
    from fastapi.testclient import TestClient

    platform = make_platform(rate_limit=RateLimitSettings(user_burst=1, user_rate=SLOW))
    app = create_app(platform, rate_limiter=RedisRateLimiter("redis://127.0.0.1:1/0"))
    with TestClient(app) as client:
        party = add_party(platform, client, "ta", CUI_A)
        # The limiter cannot answer: requests are served (fail open) rather than refused.
        assert [client.get("/api/v1/auth/me", headers=party.auth).status_code for _ in range(3)] == [200] * 3


def test_an_administrator_lowers_the_limit_at_runtime(make_gateway: Callable[..., Gateway]) -> None:
    """The limits come from runtime settings: a tenant's override applies without a restart."""
    gateway = make_gateway(
        rate_limit=RateLimitSettings(tenant_rate=SLOW, tenant_burst=1000, user_rate=SLOW, user_burst=1000)
    )
    a = add_party(gateway.platform, gateway.client, "ta", CUI_A)
    b = add_party(gateway.platform, gateway.client, "tb", CUI_B)
    admin = TenantContext(a.tenant.id, a.tenant.slug, a.user_id, ("admin",))
    gateway.platform.runtime_settings.put(admin, "rate_limit.user_burst", 3, reason="test")
    # The burst is a new cap from now on: the next calls of A's admin run out after the third.
    statuses = [gateway.client.get("/api/v1/auth/me", headers=a.auth).status_code for _ in range(4)]
    assert statuses[-1] == 429 and statuses.count(200) == 3
    # B kept the limits of the settings.
    assert all(gateway.client.get("/api/v1/auth/me", headers=b.auth).status_code == 200 for _ in range(5))
