"""Auth fixtures: an isolated platform (SQLite, or PostgreSQL for store tests), tenants, users.

Passwords are hashed with cheap argon2 parameters here so the suite stays quick; the hashing
tests use the production defaults explicitly.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from genius.bootstrap import Platform, build_platform
from genius.kernel import clock
from genius.platform.auth import Argon2Parameters, Passwords
from genius.platform.settings import Settings
from genius.platform.tenancy import Tenant
from tests.platforms import MASTER_KEY, base_settings, throwaway_control_database  # noqa: F401  (re-exported)

PASSWORD = "Correct-horse-42"
# Real-format CUIs whose check digits validate (stdnum.ro.cui).
CUI_A = "12345674"
CUI_B = "18654326"
FAST_ARGON2 = Argon2Parameters(time_cost=1, memory_cost_kib=8 * 1024, parallelism=1)
ISSUER_BASE = "http://genius.test"

PlatformFactory = Callable[..., Platform]


def auth_settings(data_dir: Path, **overrides: Any) -> Settings:
    """Settings isolated from the developer's environment, with the issuer and lifetimes of these tests."""
    values: dict[str, Any] = {
        "public_url": ISSUER_BASE,
        "environment": "test",
        "access_token_ttl_seconds": 900,
        "signing_key_grace_seconds": 3600,
    }
    return base_settings(data_dir, **{**values, **overrides})


def _platforms(tmp_path: Path, postgres_url: str | None) -> Iterator[PlatformFactory]:
    made: list[Platform] = []
    with ExitStack() as control_databases:  # dropped when every platform is closed

        def factory(**overrides: Any) -> Platform:
            if postgres_url is not None and "database_url" not in overrides:
                control = control_databases.enter_context(
                    throwaway_control_database(postgres_url, "gtest_auth")
                )
                overrides["database_url"] = control.url
            platform = build_platform(auth_settings(tmp_path / f"platform{len(made)}", **overrides))
            platform.auth.users.passwords = Passwords(FAST_ARGON2)
            made.append(platform)
            return platform

        yield factory
        for platform in made:
            for tenant in platform.tenants.list():
                platform.tenants.delete(tenant.slug)
            platform.close()


@pytest.fixture
def make_platform(tmp_path: Path) -> Iterator[PlatformFactory]:
    """SQLite platforms in the test's temporary folder."""
    yield from _platforms(tmp_path, None)


@pytest.fixture
def platform(make_platform: PlatformFactory) -> Platform:
    return make_platform()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store_platform(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Platform]:
    """One platform on each backend, for the tests of what is stored (keys, refresh tokens, users)."""
    url = request.getfixturevalue("postgres_url") if request.param == "postgres" else None
    factory_iter = _platforms(tmp_path, url)
    factory = next(factory_iter)
    yield factory()
    next(factory_iter, None)


def unique_slug(prefix: str) -> str:
    # Slugs name PostgreSQL databases: unique per run, since other suites share the server.
    return f"{prefix}_{uuid.uuid4().hex[:8]}"


@pytest.fixture
def tenant(platform: Platform) -> Tenant:
    return platform.tenants.create(unique_slug("acme"), name="Acme SRL", cui=CUI_A)


@pytest.fixture
def other_tenant(platform: Platform) -> Tenant:
    return platform.tenants.create(unique_slug("beta"), name="Beta SRL", cui=CUI_B)


class FrozenClock:
    """A settable clock for genius.kernel.clock (restored after the test)."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        from datetime import timedelta

        self.now = self.now + timedelta(seconds=seconds)


@pytest.fixture
def frozen_clock() -> Iterator[FrozenClock]:
    fake = FrozenClock(datetime.now(UTC).replace(microsecond=0))
    clock.set_clock(fake)
    try:
        yield fake
    finally:
        clock.set_clock(None)
