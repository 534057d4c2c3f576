"""The sealed token store in a tenant database (component 'anaf' via bootstrap), SQLite and PostgreSQL."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from genius.bootstrap import Platform, tenant_components
from genius.integrations.anaf import ANAF_COMPONENT, SealedTokenStore, TokenManager, TokenSet
from genius.integrations.anaf.tokens import anaf_oauth_tokens
from genius.kernel.errors import Conflict
from genius.platform.crypto import CryptoError
from genius.platform.settings import Settings
from genius.platform.tenancy import Tenant
from tests.integrations.anaf.conftest import SELLER, Sandbox
from tests.platforms import MASTER_KEY, postgres_platform, sqlite_platform


@pytest.fixture
def sqlite_backend(tmp_path: Path) -> Iterator[tuple[Platform, Tenant]]:
    with sqlite_platform(tmp_path) as platform:
        yield platform, platform.tenants.create("acme", name="Acme SRL", cui="RO12345674")


@pytest.fixture
def pg_backend(postgres_url: str, tmp_path: Path) -> Iterator[tuple[Platform, Tenant]]:
    def settings(url: str) -> Settings:
        return Settings(data_dir=tmp_path, master_key=MASTER_KEY, database_url=url)

    with postgres_platform(postgres_url, "gtest_anaf", settings) as platform:
        slug = f"a{uuid.uuid4().hex[:8]}"
        yield platform, platform.tenants.create(slug, name="Acme SRL", cui="RO12345674")


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def backend(request: pytest.FixtureRequest) -> tuple[Platform, Tenant]:
    return request.getfixturevalue("sqlite_backend" if request.param == "sqlite" else "pg_backend")


def tokens(n: int = 1) -> TokenSet:
    now = datetime(2026, 1, 1, tzinfo=UTC)
    return TokenSet(
        f"access-secret-{n}", f"refresh-secret-{n}", now + timedelta(days=90), now + timedelta(days=365), now
    )


def test_the_anaf_component_is_a_tenant_component() -> None:
    assert ANAF_COMPONENT in tenant_components()


def test_tokens_are_sealed_and_expiries_visible(backend: tuple[Platform, Tenant]) -> None:
    platform, tenant = backend
    engine = platform.databases.engine_for_slug(tenant.slug)
    store = SealedTokenStore(engine, platform.master_key, tenant.id)
    assert store.load(SELLER) is None
    saved = store.save(SELLER, tokens(1), expected_version=None)
    assert saved.version == 1
    loaded = store.load(SELLER)
    assert loaded is not None and loaded.tokens == tokens(1)
    with engine.connect() as conn:
        row = conn.execute(sa.select(anaf_oauth_tokens)).one()
    assert (
        b"access-secret" not in row.access_token_sealed and b"refresh-secret" not in row.refresh_token_sealed
    )
    (expiry,) = store.expiries()
    assert expiry.cui == SELLER and expiry.access_expires_at == tokens().access_expires_at
    assert expiry.refresh_expires_at == tokens().refresh_expires_at


def test_save_is_compare_and_set(backend: tuple[Platform, Tenant]) -> None:
    platform, tenant = backend
    store = SealedTokenStore(platform.databases.engine_for_slug(tenant.slug), platform.master_key, tenant.id)
    first = store.save(SELLER, tokens(1), expected_version=None)
    second = store.save(SELLER, tokens(2), expected_version=first.version)
    assert second.version == 2
    with pytest.raises(Conflict):
        store.save(SELLER, tokens(3), expected_version=first.version)  # a stale writer loses
    assert store.load(SELLER).tokens == tokens(2)  # type: ignore[union-attr]
    store.delete(SELLER)
    assert store.load(SELLER) is None


def test_a_row_opens_only_for_its_tenant_and_cui(backend: tuple[Platform, Tenant]) -> None:
    platform, tenant = backend
    engine = platform.databases.engine_for_slug(tenant.slug)
    store = SealedTokenStore(engine, platform.master_key, tenant.id)
    store.save(SELLER, tokens(1), expected_version=None)
    with pytest.raises(CryptoError):
        SealedTokenStore(engine, platform.master_key, "another-tenant").load(SELLER)
    with engine.begin() as conn:  # copy the sealed values to another CUI's row
        row = conn.execute(sa.select(anaf_oauth_tokens)).one()._asdict()
        conn.execute(anaf_oauth_tokens.insert().values({**row, "cui": "23456783"}))
    with pytest.raises(CryptoError):
        store.load("23456783")


def test_manager_refreshes_through_the_sealed_store(
    sandbox: Sandbox, sqlite_backend: tuple[Platform, Tenant]
) -> None:
    platform, tenant = sqlite_backend
    store = SealedTokenStore(platform.databases.engine_for_slug(tenant.slug), platform.master_key, tenant.id)
    sandbox.token_manager(store=store)  # type: ignore[arg-type]
    granted = store.load(SELLER)
    later = TokenManager(sandbox.oauth(), store, SELLER, clock=lambda: datetime.now(UTC) + timedelta(days=85))
    later.access_token()
    refreshed = store.load(SELLER)
    assert granted is not None and refreshed is not None and refreshed.version == granted.version + 1
    assert refreshed.tokens.refresh_token != granted.tokens.refresh_token
    sandbox.oauth().refresh(refreshed.tokens.refresh_token)  # the stored refresh token is the live one
