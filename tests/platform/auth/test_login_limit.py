"""Failed logins: same answer for wrong password and unknown user, limited per user and per IP."""

from __future__ import annotations

import uuid

import pytest

from genius.bootstrap import Platform
from genius.platform.auth import InvalidCredentials, Passwords, TooManyAttempts
from genius.platform.auth.login_limiter import MemoryFailureLimiter, RedisFailureLimiter
from genius.platform.tenancy import Tenant

from .conftest import FAST_ARGON2, PASSWORD, FrozenClock


class CountingPasswords(Passwords):
    """Counts argon2 verifications, to show unknown users cost one like everyone else."""

    def __init__(self) -> None:
        super().__init__(FAST_ARGON2)
        self.verifications = 0

    def _verify(self, stored_hash: str, password: str) -> bool:
        self.verifications += 1
        return super()._verify(stored_hash, password)


def test_wrong_password_unknown_user_and_unknown_tenant_answer_alike(
    platform: Platform, tenant: Tenant
) -> None:
    counting = CountingPasswords()
    platform.auth.users.passwords = counting
    platform.auth.users.create(tenant.slug, "ana@acme.ro", PASSWORD, ["viewer"])
    platform.auth.users.create(tenant.slug, "off@acme.ro", PASSWORD, ["viewer"])
    platform.auth.users.set_active(tenant.slug, "off@acme.ro", False)
    answers = []
    for slug, username, password in (
        (tenant.slug, "ana@acme.ro", "Wrong-pass-42"),
        (tenant.slug, "nobody@acme.ro", "Wrong-pass-42"),
        (tenant.slug, "off@acme.ro", PASSWORD),
        ("ghost", "ana@acme.ro", PASSWORD),
    ):
        before = counting.verifications
        with pytest.raises(InvalidCredentials) as err:
            platform.auth.password_grant(slug, username, password, client_ip=f"10.1.0.{len(answers)}")
        assert counting.verifications == before + 1  # one argon2 verification on every path
        answers.append((err.value.code, err.value.message))
    assert len(set(answers)) == 1
    assert answers[0] == ("invalid_credentials", "invalid username or password")


def test_failures_per_user_are_limited_across_ips_and_reset_by_success(
    platform: Platform, tenant: Tenant, frozen_clock: FrozenClock
) -> None:
    limit = platform.settings.rate_limit.login_failures_per_minute
    platform.auth.users.create(tenant.slug, "ana@acme.ro", PASSWORD, ["viewer"])
    for i in range(limit):
        with pytest.raises(InvalidCredentials):
            platform.auth.password_grant(tenant.slug, "Ana@acme.ro", "Wrong-pass-42", client_ip=f"10.2.0.{i}")
        frozen_clock.advance(1)
    # Even the right password from a fresh IP waits now.
    with pytest.raises(TooManyAttempts) as err:
        platform.auth.password_grant(tenant.slug, "ana@acme.ro", PASSWORD, client_ip="10.2.1.1")
    assert err.value.http_status == 429
    assert 0 < err.value.retry_after <= 60 - limit + 1
    frozen_clock.advance(err.value.retry_after)
    assert platform.auth.password_grant(tenant.slug, "ana@acme.ro", PASSWORD, client_ip="10.2.1.1")
    # Success cleared the user's count: a fresh run of failures starts from zero.
    for _ in range(limit - 1):
        with pytest.raises(InvalidCredentials):
            platform.auth.password_grant(tenant.slug, "ana@acme.ro", "Wrong-pass-42", client_ip="10.2.2.1")
    assert platform.auth.password_grant(tenant.slug, "ana@acme.ro", PASSWORD, client_ip="10.2.3.1")


def test_failures_per_ip_are_limited_across_usernames(platform: Platform, tenant: Tenant) -> None:
    limit = platform.settings.rate_limit.login_failures_per_minute
    platform.auth.users.create(tenant.slug, "ana@acme.ro", PASSWORD, ["viewer"])
    for i in range(limit):
        with pytest.raises(InvalidCredentials):
            platform.auth.password_grant(
                tenant.slug, f"guess{i}@acme.ro", "Wrong-pass-42", client_ip="10.3.0.1"
            )
    with pytest.raises(TooManyAttempts):
        platform.auth.password_grant(tenant.slug, "ana@acme.ro", PASSWORD, client_ip="10.3.0.1")
    assert platform.auth.password_grant(tenant.slug, "ana@acme.ro", PASSWORD, client_ip="10.3.0.2")


def test_memory_limiter_window_slides(frozen_clock: FrozenClock) -> None:
    limiter = MemoryFailureLimiter(3, window_seconds=60)
    for _ in range(3):
        assert limiter.retry_after("k") is None
        limiter.record_failure("k")
        frozen_clock.advance(10)
    assert limiter.retry_after("k") == 30  # failures at 0, 10, 20 s; the first leaves at 60 s
    frozen_clock.advance(30)
    assert limiter.retry_after("k") is None
    limiter.record_failure("k")
    assert limiter.retry_after("k") == 10
    limiter.reset("k")
    assert limiter.retry_after("k") is None


@pytest.mark.redis
def test_redis_limiter_shares_counts_between_instances(redis_url: str, frozen_clock: FrozenClock) -> None:
    import redis

    client = redis.Redis.from_url(redis_url)
    key = f"test:{uuid.uuid4().hex}"
    one, two = RedisFailureLimiter(client, 3), RedisFailureLimiter(redis.Redis.from_url(redis_url), 3)
    try:
        one.record_failure(key)
        frozen_clock.advance(5)
        two.record_failure(key)
        frozen_clock.advance(5)
        assert one.retry_after(key) is None
        one.record_failure(key)
        assert two.retry_after(key) == 50
        frozen_clock.advance(50)
        assert one.retry_after(key) is None
        two.record_failure(key)
        assert one.retry_after(key) == 5
        one.reset(key)
        assert two.retry_after(key) is None
    finally:
        client.delete(RedisFailureLimiter.PREFIX + key)
        client.close()


@pytest.mark.redis
def test_platform_uses_redis_when_configured(make_platform, redis_url: str) -> None:  # type: ignore[no-untyped-def]
    platform = make_platform(redis_url=redis_url)
    assert isinstance(platform.auth.limiter, RedisFailureLimiter)
