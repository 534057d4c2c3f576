"""The ANAF double served over real HTTP (uvicorn on 127.0.0.1) and clients pointed at it."""

from __future__ import annotations

import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from genius.fiscal.ro.efactura import build_xml, load_json
from genius.integrations.anaf import (
    AnafEndpoints,
    AnafOAuthClient,
    EfacturaClient,
    GuardPolicy,
    InMemoryAnafLimiter,
    InMemoryTokenStore,
    OAuthClientConfig,
    ResilientGuard,
    Timeouts,
    TokenManager,
    parse_callback,
)
from genius.integrations.anaf.double import DEFAULT_CLIENT, AnafDouble
from genius.platform.resilience import MemoryBreakerStore
from tests.integrations.serving import serving

EXAMPLES = Path(__file__).resolve().parents[3] / "docs" / "examples"
SELLER = "12345674"  # Genius Demo SRL, the examples' seller
BUYER = "23456783"  # Client Exemplu SRL
CALLBACK = "http://127.0.0.1:9/anaf/callback"
FAST = GuardPolicy(failure_threshold=3, reset_seconds=0.5, attempts=3, backoff_initial=0.01, backoff_max=0.05)


def example_xml(name: str) -> bytes:
    return build_xml(load_json((EXAMPLES / f"efactura-{name}.json").read_text(encoding="utf-8")))


def invalid_xml() -> bytes:
    """The domestic example with a wrong total (BR-CO-15) and an unknown currency (BR-CL-04)."""
    xml = example_xml("domestic-21-11").replace(b"GEN-2025-0001", b"GEN-2025-0999")
    return xml.replace(b"<cbc:DocumentCurrencyCode>RON", b"<cbc:DocumentCurrencyCode>ZZZ")


@dataclass
class Sandbox:
    """One double on a free port, and the pieces tests combine."""

    double: AnafDouble
    base_url: str
    endpoints: AnafEndpoints
    credentials: OAuthClientConfig

    def oauth(self, guard: ResilientGuard | None = None) -> AnafOAuthClient:
        return AnafOAuthClient(
            self.endpoints, self.credentials, guard=guard or ResilientGuard(FAST, store=MemoryBreakerStore())
        )

    def authorization_code(self) -> str:
        """The browser step: follow the authorize URL to the callback and take its code."""
        url = self.oauth().authorize_url(state="s1")
        answer = httpx.get(url, follow_redirects=False)
        assert answer.status_code == 302, answer.text
        query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(answer.headers["location"]).query))
        return parse_callback(query)

    def token_manager(self, cui: str = SELLER, store: InMemoryTokenStore | None = None) -> TokenManager:
        manager = TokenManager(self.oauth(), store or InMemoryTokenStore(), cui)
        manager.authorize_with_code(self.authorization_code())
        return manager

    def efactura(
        self,
        *,
        limiter: object | None = None,
        guard: ResilientGuard | None = None,
        timeouts: Timeouts | None = None,
        **options: object,
    ) -> EfacturaClient:
        return EfacturaClient(
            self.endpoints,
            self.token_manager(),
            limiter=limiter or InMemoryAnafLimiter(),  # type: ignore[arg-type]
            guard=guard or ResilientGuard(FAST, store=MemoryBreakerStore()),
            timeouts=timeouts or Timeouts(default=5.0, upload=5.0, connect=2.0),
            **options,  # type: ignore[arg-type]
        )


def make_sandbox(**double_options: object) -> Iterator[Sandbox]:
    double = AnafDouble(**{"processing_seconds": 0.0, **double_options})  # type: ignore[arg-type]
    with serving(double.app) as base_url:
        yield Sandbox(
            double,
            base_url,
            AnafEndpoints.local(base_url),
            OAuthClientConfig(DEFAULT_CLIENT.client_id, DEFAULT_CLIENT.client_secret, CALLBACK),
        )


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    yield from make_sandbox()


@pytest.fixture
def client(sandbox: Sandbox) -> Iterator[EfacturaClient]:
    with sandbox.efactura() as efactura:
        yield efactura
