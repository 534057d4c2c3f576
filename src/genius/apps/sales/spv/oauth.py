"""ANAF access per tenant: the OAuth round trip, the sealed grant, its status and its refresh.

Flow: an administrator calls ``GET /api/v1/sales/anaf/authorize`` and opens the returned URL in a
browser; ANAF asks for the qualified certificate and redirects to our registered callback
(``anaf_redirect_uri`` = ``<public_url>/api/v1/sales/anaf/callback``) with ``code`` and the
``state`` we signed (HMAC, 15 minutes, bound to the tenant and its CUI: the callback carries no
bearer token, the state is what names the tenant). The code is exchanged at once and the grant
stored sealed in the tenant database (``SealedTokenStore``). ``refresh`` (the scheduled
``tokens`` job) renews the access token ``anaf_token_refresh_days`` before it ends and stores the
NEW refresh token every time; ``status`` warns ``anaf_token_warn_days`` before the refresh token
ends, when only the certificate holder can renew the grant.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from genius.integrations.anaf import (
    AnafAuthError,
    AnafClients,
    AnafLimiter,
    OAuthStateSigner,
    SealedTokenStore,
    TokenStatus,
    numeric_cif,
    parse_callback,
)
from genius.kernel.clock import utcnow
from genius.kernel.errors import AuthenticationFailed, ValidationError
from genius.platform.crypto import derive_key
from genius.platform.settings import Settings
from genius.platform.tenancy import TenantContext, TenantDatabases, TenantRegistry

NOT_AUTHORIZED = "not_authorized"
EXTRAS_KEY = "sales.spv.access"


@dataclass(frozen=True)
class AccessStatus:
    """What ``GET /api/v1/sales/anaf/status`` shows."""

    cui: str
    status: str  # valid, refresh_due, reauthorize_soon, expired, not_authorized
    access_expires_at: datetime | None
    refresh_expires_at: datetime | None
    obtained_at: datetime | None
    warn_days: int
    warning: str | None


@dataclass
class AnafAccess:
    """Builds a tenant's ANAF clients (one limiter for the installation) and runs the OAuth steps."""

    settings: Settings
    databases: TenantDatabases
    tenants: TenantRegistry
    master_key: bytes
    limiter: AnafLimiter

    @classmethod
    def of(cls, platform: Any) -> AnafAccess:
        """The platform's one ``AnafAccess`` (``bootstrap.Platform``: settings, databases, limiter)."""
        found = platform.extras.get(EXTRAS_KEY)
        if not isinstance(found, cls):
            found = cls(
                platform.settings,
                platform.databases,
                platform.tenants,
                platform.master_key,
                platform.anaf_limiter,
            )
            platform.extras[EXTRAS_KEY] = found
        return found

    def signer(self) -> OAuthStateSigner:
        return OAuthStateSigner(derive_key(self.master_key, "anaf-oauth-state"))

    def cui_of(self, slug: str) -> str:
        tenant = self.tenants.get(slug)
        if not tenant.cui:
            raise ValidationError.for_field(
                "cui", f"tenant {slug} has no CUI: ANAF's SPV serves a CUI", "no_cui"
            )
        return numeric_cif(tenant.cui)

    def store(self, ctx: TenantContext) -> SealedTokenStore:
        return SealedTokenStore(self.databases.engine_for_slug(ctx.slug), self.master_key, ctx.tenant_id)

    def clients(self, ctx: TenantContext) -> AnafClients:
        """The tenant's clients (close them after use): tokens sealed in its database, shared limits."""
        return AnafClients.from_settings(
            self.settings, store=self.store(ctx), cui=self.cui_of(ctx.slug), limiter=self.limiter
        )

    # -- OAuth round trip ------------------------------------------------------------------------
    def authorize_url(self, ctx: TenantContext) -> tuple[str, str]:
        """(the URL the certificate holder opens, the signed state it carries)."""
        if not self.settings.anaf_client_id or not self.settings.anaf_redirect_uri:
            raise ValidationError.for_field(
                "anaf_client_id",
                "ANAF's OAuth profile is not configured (anaf_client_id, anaf_client_secret,"
                " anaf_redirect_uri pointing at /api/v1/sales/anaf/callback)",
                "not_configured",
            )
        state = self.signer().issue(ctx.tenant_id, self.cui_of(ctx.slug))
        clients = self.clients(ctx)
        try:
            return clients.oauth.authorize_url(state), state
        finally:
            clients.close()

    def callback(self, query: dict[str, str]) -> tuple[TenantContext, AccessStatus]:
        """Check the state, exchange the code, store the grant sealed; the tenant and its status."""
        try:
            tenant_id, cui = self.signer().verify(query.get("state", ""))
        except AnafAuthError as exc:
            raise AuthenticationFailed(
                f"ANAF callback: {exc.message}", code="anaf_state_invalid", details={"field": "state"}
            ) from exc
        try:
            code = parse_callback(query)
        except AnafAuthError as exc:
            raise AuthenticationFailed(
                f"ANAF did not authorize: {exc.message}",
                code="anaf_access_denied",
                details={"oauth_error": exc.oauth_error},
            ) from exc
        except Exception as exc:
            raise ValidationError.for_field("code", "ANAF's callback has no authorization code") from exc
        tenant = self.tenants.get_by_id(tenant_id)
        ctx = TenantContext(tenant_id=tenant.id, slug=tenant.slug, user_id=None, roles=(), system=True)
        if self.cui_of(tenant.slug) != cui:
            raise AuthenticationFailed(
                "ANAF callback: the tenant's CUI changed since the authorization began",
                code="anaf_state_invalid",
            )
        clients = self.clients(ctx)
        try:
            clients.tokens.authorize_with_code(code)
        finally:
            clients.close()
        return ctx, self.status(ctx)

    # -- status and refresh ----------------------------------------------------------------------
    def status(self, ctx: TenantContext, now: datetime | None = None) -> AccessStatus:
        now = now or utcnow()
        cui = self.cui_of(ctx.slug)
        stored = self.store(ctx).load(cui)
        warn_days = self.settings.anaf_token_warn_days
        if stored is None:
            return AccessStatus(
                cui,
                NOT_AUTHORIZED,
                None,
                None,
                None,
                warn_days,
                "not authorized for ANAF's SPV: an administrator with the qualified certificate must"
                " authorize (GET /api/v1/sales/anaf/authorize)",
            )
        tokens = stored.tokens
        status = tokens.status(
            now,
            refresh_margin=timedelta(days=self.settings.anaf_token_refresh_days),
            warn=timedelta(days=warn_days),
        )
        warning = None
        if status is TokenStatus.EXPIRED:
            warning = "the ANAF authorization has ended: authorize again with the qualified certificate"
        elif status is TokenStatus.REAUTHORIZE_SOON:
            days = max(0, (tokens.refresh_expires_at - now).days)
            warning = (
                f"the ANAF authorization ends on {tokens.refresh_expires_at:%Y-%m-%d} (in {days} days):"
                " authorize again with the qualified certificate before then"
            )
        return AccessStatus(
            cui,
            status.value,
            tokens.access_expires_at,
            tokens.refresh_expires_at,
            tokens.obtained_at,
            warn_days,
            warning,
        )

    def refresh(self, ctx: TenantContext) -> str:
        """Refresh the grant when due (the scheduled job): ``refreshed``, ``valid`` or ``not_authorized``."""
        cui = self.cui_of(ctx.slug)
        store = self.store(ctx)
        before = store.load(cui)
        if before is None:
            return NOT_AUTHORIZED
        clients = self.clients(ctx)
        try:
            clients.tokens.current()  # refreshes inside the margin and stores the new refresh token
        finally:
            clients.close()
        after = store.load(cui)
        return "refreshed" if after is not None and after.version != before.version else "valid"


__all__ = ["NOT_AUTHORIZED", "AccessStatus", "AnafAccess"]
