"""Wiring the ANAF clients of one CUI from settings: what the sales app's workers call.

    clients = AnafClients.from_settings(settings, store=SealedTokenStore(engine, master_key, tenant_id),
                                        cui="12345674", limiter=limiter)
    clients.efactura.upload(xml, cif="12345674")      # tokens refreshed ahead of expiry
    clients.vat.lookup([...], date.today())

One ``limiter`` per process (``build_limiter(settings.redis_url)``) so every client of the
installation counts against the same ANAF limits; breakers live in the platform's breaker store.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import httpx

from genius.integrations.anaf.config import AnafEndpoints, OAuthClientConfig, Timeouts
from genius.integrations.anaf.efactura import EfacturaClient
from genius.integrations.anaf.guard import CallGuard, ResilientGuard
from genius.integrations.anaf.limits import AnafLimiter, build_limiter
from genius.integrations.anaf.oauth import AnafOAuthClient
from genius.integrations.anaf.tokens import TokenManager, TokenStore
from genius.integrations.anaf.vat import VatRegistryClient
from genius.platform.settings import Settings


@dataclass
class AnafClients:
    oauth: AnafOAuthClient
    tokens: TokenManager
    efactura: EfacturaClient
    vat: VatRegistryClient
    http: httpx.Client

    @classmethod
    def from_settings(
        cls,
        settings: Settings,
        *,
        store: TokenStore,
        cui: str,
        limiter: AnafLimiter | None = None,
        guard: CallGuard | None = None,
        endpoints: AnafEndpoints | None = None,
    ) -> AnafClients:
        endpoints = endpoints or AnafEndpoints.from_settings(settings)
        timeouts = Timeouts.from_settings(settings)
        limiter = limiter or build_limiter(
            settings.redis_url.get_secret_value() if settings.redis_url else None
        )
        guard = guard or ResilientGuard()
        http = httpx.Client()
        oauth = AnafOAuthClient(
            endpoints, OAuthClientConfig.from_settings(settings), http=http, guard=guard, timeouts=timeouts
        )
        tokens = TokenManager(
            oauth,
            store,
            cui,
            refresh_margin=timedelta(days=settings.anaf_token_refresh_days),
            warn_window=timedelta(days=settings.anaf_token_warn_days),
        )
        efactura = EfacturaClient(
            endpoints, tokens, limiter=limiter, guard=guard, http=http, timeouts=timeouts
        )
        vat = VatRegistryClient(endpoints, limiter=limiter, guard=guard, http=http, timeouts=timeouts)
        return cls(oauth, tokens, efactura, vat, http)

    def close(self) -> None:
        self.http.close()


__all__ = ["AnafClients"]
