"""AuthService: the built-in OpenID-style issuer per tenant, token grants (verification: .verification).

Issuer of tenant ``acme``: ``<settings.base_url>/realms/acme``. Access tokens are JWTs signed with
the tenant's own key (``keys``), header ``kid``; claims iss, sub (user id), aud, exp, iat, nbf,
jti, tenant (slug), tenant_id, roles, email, plus Keycloak-shaped ``realm_access.roles`` and
``preferred_username`` so clients written for Keycloak read them unchanged.

Verification decides the tenant from the token's issuer only (never from a header): a built-in
issuer names its realm; any other issuer must be some tenant's ``external_issuer``. Keys are
looked up among that tenant's keys only, so a token of tenant A can never pass as tenant B's.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx
import jwt

from genius.kernel.clock import utcnow
from genius.kernel.errors import ProblemCollector
from genius.kernel.ids import new_id
from genius.platform.settings import Settings
from genius.platform.tenancy import Tenant, TenantNotFound, TenantRegistry

from .cache import VerificationCache
from .errors import (
    InvalidCredentials,
    InvalidGrant,
    TooManyAttempts,
)
from .external import ExternalIssuers
from .keys import DEFAULT_ALGORITHM, KEY_CACHE_SECONDS, SigningKey, SigningKeyStore
from .login_limiter import FailureLimiter, make_failure_limiter
from .passwords import Passwords
from .policy import Authorizer, DenyHook, builtin_grants
from .refresh import RefreshTokenStore
from .roles import RoleStore
from .users import User, UserNotFound, UserService
from .verification import (
    AUDIENCE,
    AccessTokenVerification,
)


@dataclass(frozen=True)
class TokenPair:
    access_token: str
    refresh_token: str
    expires_in: int
    refresh_expires_in: int
    token_type: str = "Bearer"

    def as_dict(self) -> dict[str, Any]:
        return {
            "access_token": self.access_token,
            "token_type": self.token_type,
            "expires_in": self.expires_in,
            "refresh_token": self.refresh_token,
            "refresh_expires_in": self.refresh_expires_in,
        }


class AuthService(AccessTokenVerification):
    """Issues and verifies tokens; owns the key store, users, roles, authorizer and login limiter."""

    def __init__(
        self,
        settings: Settings,
        tenants: TenantRegistry,
        master_key: bytes,
        *,
        passwords: Passwords | None = None,
        limiter: FailureLimiter | None = None,
        http: httpx.Client | None = None,
        on_deny: DenyHook | None = None,
        algorithm: str = DEFAULT_ALGORITHM,
    ) -> None:
        self.settings = settings
        self.tenants = tenants
        self.control = tenants.control
        self.access_ttl = settings.access_token_ttl_seconds
        # A retired key must outlive every token it signed: the access lifetime plus the time other
        # processes may keep signing with it from their cache, whatever the configured grace says.
        grace = max(settings.signing_key_grace_seconds, self.access_ttl + KEY_CACHE_SECONDS)
        self.keys = SigningKeyStore(self.control, master_key, grace_seconds=grace, algorithm=algorithm)
        self.refresh_tokens = RefreshTokenStore(self.control, settings.refresh_token_ttl_seconds)
        self.roles = RoleStore(self.control)
        # Rows and checked tokens remembered between requests (see .cache for the staleness window).
        self.cache = VerificationCache()
        self.users = UserService(tenants, passwords or Passwords(), self.roles)
        self.users.on_change = self.cache.forget_user
        # Built-in roles need no read: a request they allow is decided on the event loop.
        self.authorizer = Authorizer(self.roles.grants, on_deny=on_deny, local_grants=builtin_grants)
        self.external = ExternalIssuers(http, allow_plain_http=settings.environment != "production")
        redis_url = settings.redis_url.get_secret_value() if settings.redis_url else None
        self.limiter = limiter or make_failure_limiter(
            settings.rate_limit.login_failures_per_minute, redis_url
        )

    def close(self) -> None:
        self.external.close()
        close_limiter = getattr(self.limiter, "close", None)
        if callable(close_limiter):
            close_limiter()

    # -- the issuer's documents ----------------------------------------------------------------
    def _active_tenant(self, slug: str) -> Tenant:
        tenant = self.tenants.get(slug)
        if tenant.status != "active":
            raise TenantNotFound(f"tenant {slug!r} does not exist")
        return tenant

    def discovery(self, slug: str) -> dict[str, Any]:
        """OpenID Connect Discovery 1.0 metadata of a tenant's realm (password/refresh grants only)."""
        self._active_tenant(slug)
        issuer = self.issuer_for(slug)
        return {
            "issuer": issuer,
            "jwks_uri": f"{issuer}/protocol/openid-connect/certs",
            "token_endpoint": f"{issuer}/protocol/openid-connect/token",
            "grant_types_supported": ["password", "refresh_token"],
            "response_types_supported": ["none"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": [self.keys.algorithm],
            "token_endpoint_auth_methods_supported": ["none"],
            "claims_supported": [
                "iss",
                "sub",
                "aud",
                "exp",
                "iat",
                "nbf",
                "jti",
                "tenant",
                "tenant_id",
                "roles",
                "email",
                "preferred_username",
                "realm_access",
            ],
        }

    def jwks(self, slug: str) -> dict[str, Any]:
        return self.keys.jwks(self._active_tenant(slug).id)

    def rotate_keys(self, slug: str) -> SigningKey:
        """The new key signs from now on; the old ones keep verifying for the grace period."""
        return self.keys.rotate(self._active_tenant(slug).id)

    # -- grants --------------------------------------------------------------------------------
    def password_grant(
        self,
        tenant_slug: str,
        username: str,
        password: str,
        *,
        client_ip: str | None = None,
        client_id: str | None = None,
    ) -> TokenPair:
        """Log in. Wrong password, unknown user, unknown or inactive tenant: the same 401, same cost."""
        problems = ProblemCollector()
        for name, value in (("tenant", tenant_slug), ("username", username), ("password", password)):
            if not isinstance(value, str) or not value:
                problems.add(name, "is required", "required")
        problems.raise_if_any("invalid token request")
        limiter_keys = [f"user:{tenant_slug}:{username.strip().lower()}"]
        if client_ip:
            limiter_keys.append(f"ip:{client_ip}")
        for key in limiter_keys:
            wait = self.limiter.retry_after(key)
            if wait is not None:
                raise TooManyAttempts(f"too many failed logins; try again in {wait} s", retry_after=wait)
        tenant = self._tenant_or_none(tenant_slug)
        user: User | None = None
        if tenant is None or tenant.status != "active":
            self.users.passwords.burn(password)
        else:
            user = self.users.check_password(tenant.id, username, password)
        if tenant is None or user is None:
            for key in limiter_keys:
                self.limiter.record_failure(key)
            raise InvalidCredentials("invalid username or password")
        self.limiter.reset(limiter_keys[0])
        refresh = self.refresh_tokens.issue(tenant.id, user.id)
        return self._pair(tenant, user, refresh.token, client_id)

    def refresh_grant(
        self, tenant_slug: str, refresh_token: str, *, client_id: str | None = None
    ) -> TokenPair:
        problems = ProblemCollector()
        for name, value in (("tenant", tenant_slug), ("refresh_token", refresh_token)):
            if not isinstance(value, str) or not value:
                problems.add(name, "is required", "required")
        problems.raise_if_any("invalid token request")
        tenant = self._tenant_or_none(tenant_slug)
        if tenant is None or tenant.status != "active":
            raise InvalidGrant("refresh token is not valid")
        consumed = self.refresh_tokens.consume(tenant.id, refresh_token)
        user = self._user_or_none(tenant.id, consumed.user_id)
        if user is None or not user.active:
            self.refresh_tokens.revoke_family_of(tenant.id, consumed.successor.token)
            raise InvalidGrant("refresh token is not valid")
        return self._pair(tenant, user, consumed.successor.token, client_id)

    def logout(self, tenant_slug: str, refresh_token: str) -> None:
        tenant = self._tenant_or_none(tenant_slug)
        if tenant is not None:
            self.refresh_tokens.revoke_family_of(tenant.id, refresh_token)

    def _pair(self, tenant: Tenant, user: User, refresh_token: str, client_id: str | None) -> TokenPair:
        return TokenPair(
            access_token=self.issue_access_token(tenant, user, client_id=client_id),
            refresh_token=refresh_token,
            expires_in=self.access_ttl,
            refresh_expires_in=self.settings.refresh_token_ttl_seconds,
        )

    def issue_access_token(self, tenant: Tenant, user: User, *, client_id: str | None = None) -> str:
        signer = self.keys.signer(tenant.id)
        now = utcnow()
        issued = int(now.timestamp())
        claims: dict[str, Any] = {
            "iss": self.issuer_for(tenant.slug),
            "sub": user.id,
            "aud": AUDIENCE,
            "exp": issued + self.access_ttl,
            "iat": issued,
            "nbf": issued,
            "jti": new_id(),
            "tenant": tenant.slug,
            "tenant_id": tenant.id,
            "roles": list(user.roles),
            "email": user.email,
            "preferred_username": user.email,
            "realm_access": {"roles": list(user.roles)},
            "typ": "Bearer",
        }
        if client_id:
            claims["azp"] = client_id
        return jwt.encode(claims, signer.private_key, algorithm=signer.algorithm, headers={"kid": signer.kid})

    # -- lookups -------------------------------------------------------------------------------
    def _tenant_or_none(self, slug: str) -> Tenant | None:
        try:
            return self.tenants.get(slug)
        except TenantNotFound:
            return None

    def _user_or_none(self, tenant_id: str, user_id: str) -> User | None:
        try:
            return self.users.get(tenant_id, user_id)
        except UserNotFound:
            return None
