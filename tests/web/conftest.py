"""Gateway fixtures: platforms on SQLite and PostgreSQL, apps, tenants with users and real tokens.

Every token here comes from the real issuer through ``POST /api/v1/auth/token``.
"""

from __future__ import annotations

import io
import logging
import uuid
from collections.abc import Callable, Iterator
from contextlib import ExitStack, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from genius.bootstrap import Platform, build_platform
from genius.platform.observability.logs import configure_logging
from genius.platform.tenancy import Tenant
from genius.web.app import create_app
from tests.platforms import (  # noqa: F401  (MASTER_KEY and base_settings re-exported)
    MASTER_KEY,
    ControlDatabase,
    base_settings,
    throwaway_control_database,
)

PASSWORD = "correct horse battery staple 42"
# Two valid Romanian CUIs (check digits verified by stdnum) for the two test tenants.
CUI_A = "RO18547290"
CUI_B = "RO14399840"

PlatformFactory = Callable[..., Platform]


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def make_platform(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[PlatformFactory]:
    """Builds platforms on the test's backend; on PostgreSQL each gets a fresh control database,
    and every database made (control and ``<slug>_core``) is dropped afterwards."""
    made: list[tuple[Platform, ControlDatabase | None]] = []
    postgres_url = request.getfixturevalue("postgres_url") if backend == "postgres" else None
    with ExitStack() as control_databases:  # dropped when every platform is closed

        def factory(**overrides: Any) -> Platform:
            data_dir = tmp_path / f"platform{len(made)}"
            control = None
            if postgres_url is not None:
                control = control_databases.enter_context(
                    throwaway_control_database(postgres_url, "gtest_web")
                )
                overrides.setdefault("database_url", control.url)
            platform = build_platform(base_settings(data_dir, **overrides))
            made.append((platform, control))
            return platform

        yield factory
        for platform, control in made:
            if control is not None:
                with suppress(Exception):  # a test broke its control plane on purpose
                    control.tenant_databases += [f"{t.slug}_core" for t in platform.tenants.list()]
            platform.close()


@pytest.fixture
def log_lines() -> Iterator[io.StringIO]:
    """What the process logs during the test, as JSON lines at INFO."""
    root = logging.getLogger()
    saved = list(root.handlers)
    stream = io.StringIO()
    configure_logging("INFO", stream=stream)
    yield stream
    root.handlers[:] = saved


def unique_slug(prefix: str) -> str:
    """Tenant databases are server-wide names on PostgreSQL: never reuse one across runs."""
    return f"{prefix}{uuid.uuid4().hex[:8]}"


@dataclass
class Party:
    """A tenant with one admin user and that user's access token (from the real issuer)."""

    tenant: Tenant
    email: str
    user_id: str
    token: str

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


def issue_token(client: TestClient, slug: str, email: str, password: str = PASSWORD) -> str:
    response = client.post(
        "/api/v1/auth/token",
        json={"grant_type": "password", "tenant": slug, "username": email, "password": password},
    )
    assert response.status_code == 200, response.text
    return str(response.json()["access_token"])


def add_party(
    platform: Platform, client: TestClient, prefix: str, cui: str, roles: tuple[str, ...] = ("admin",)
) -> Party:
    slug = unique_slug(prefix)
    tenant = platform.tenants.create(slug, name=f"{prefix.upper()} Test SRL {slug}", cui=cui)
    email = f"admin@{slug}.example"
    user = platform.auth.users.create(slug, email, PASSWORD, list(roles), display_name=f"Admin {slug}")
    return Party(tenant, email, user.id, issue_token(client, slug, email))


@dataclass
class Gateway:
    platform: Platform
    app: FastAPI
    client: TestClient


@pytest.fixture
def make_gateway(make_platform: PlatformFactory) -> Iterator[Callable[..., Gateway]]:
    """``make_gateway(**settings)``: a platform, its app and a running test client."""
    clients: list[TestClient] = []

    def factory(**overrides: Any) -> Gateway:
        platform = make_platform(**overrides)
        app = create_app(platform)
        client = TestClient(app, raise_server_exceptions=False)
        client.__enter__()  # runs the lifespan; left in __exit__ below
        clients.append(client)
        return Gateway(platform, app, client)

    yield factory
    for client in clients:
        client.__exit__(None, None, None)


@pytest.fixture
def gateway(make_gateway: Callable[..., Gateway]) -> Gateway:
    return make_gateway()


@pytest.fixture
def parties(gateway: Gateway) -> tuple[Party, Party]:
    """Tenants A and B, each with an admin holding a real token."""
    return (
        add_party(gateway.platform, gateway.client, "ta", CUI_A),
        add_party(gateway.platform, gateway.client, "tb", CUI_B),
    )
