"""An app from ``create_app`` on a SQLite platform, with users logged in through the real issuer."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from genius.bootstrap import Platform, build_platform
from genius.platform.settings import Settings
from genius.platform.tenancy import Tenant, TenantContext
from genius.web.app import create_app

MASTER_KEY = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="  # 32 zero bytes, tests only
PASSWORD = "Correct-horse-battery-42"


@dataclass
class Caller:
    tenant: Tenant
    user_id: str
    email: str
    headers: dict[str, str]

    def ctx(self) -> TenantContext:
        return TenantContext(self.tenant.id, self.tenant.slug, user_id=self.user_id, system=True)


@dataclass
class Api:
    platform: Platform
    client: TestClient

    def login(self, tenant: Tenant, role: str) -> Caller:
        email = f"{role}@{tenant.slug}.example"
        user = self.platform.auth.users.create(tenant.slug, email, PASSWORD, [role])
        response = self.client.post(
            "/api/v1/auth/token",
            json={"grant_type": "password", "tenant": tenant.slug, "username": email, "password": PASSWORD},
        )
        assert response.status_code == 200, response.text
        token = response.json()["access_token"]
        return Caller(tenant, user.id, email, {"Authorization": f"Bearer {token}"})


@pytest.fixture
def api(tmp_path: Path) -> Iterator[Api]:
    with running_api(tmp_path) as running:
        yield running


@contextmanager
def running_api(tmp_path: Path) -> Iterator[Api]:
    """A platform on SQLite under ``tmp_path`` and its app, running (lifespan entered)."""
    settings = Settings(
        data_dir=tmp_path,
        master_key=MASTER_KEY,
        database_url=None,
        redis_url=None,
        amqp_url=None,
        otlp_endpoint=None,
        public_url="http://testserver",
    )
    platform = build_platform(settings)
    with TestClient(create_app(platform), raise_server_exceptions=False) as client:
        yield Api(platform, client)
    platform.close()
