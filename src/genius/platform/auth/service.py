"""AuthService: the built-in OpenID-style issuer per tenant, token grants and token verification.

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
import sqlalchemy as sa
from jwt.exceptions import InvalidTokenError

from genius.kernel.clock import utcnow
from genius.kernel.errors import ProblemCollector
from genius.kernel.ids import new_id
from genius.platform.db import controlplane as cp
from genius.platform.settings import Settings
from genius.platform.tenancy import SLUG_RE, Tenant, TenantContext, TenantNotFound, TenantRegistry

from .errors import (
    InvalidCredentials,
    InvalidGrant,
    TenantInactive,
    TokenExpired,
    TokenInvalid,
    TooManyAttempts,
    WrongTenant,
)
from .external import ExternalIssuers, context_from_claims, normalise_issuer
from .keys import DEFAULT_ALGORITHM, KEY_CACHE_SECONDS, SigningKey, SigningKeyStore
from .login_limiter import FailureLimiter, make_failure_limiter
from .passwords import Passwords
from .policy import Authorizer, DenyHook
from .refresh import RefreshTokenStore
from .roles import RoleStore
from .users import User, UserNotFound, UserService

# The audience of every built-in access token: this product's API.
AUDIENCE = "genius-api"
# Clock skew tolerated between the node that issued a token and the node that checks it.
LEEWAY_SECONDS = 30
REQUIRED_CLAIMS = ("iss", "sub", "aud", "exp", "iat", "nbf", "jti", "tenant", "tenant_id")
MAX_TOKEN_BYTES = 8192  # a JWT longer than this is not ours; refuse before parsing


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


class AuthService:
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
        self.users = UserService(tenants, passwords or Passwords(), self.roles)
        self.authorizer = Authorizer(self.roles.grants, on_deny=on_deny)
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
    def issuer_for(self, slug: str) -> str:
        return f"{self.settings.base_url}/realms/{slug}"

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

    # -- verification --------------------------------------------------------------------------
    def verify_access_token(self, token: str, *, expected_tenant: str | None = None) -> TenantContext:
        """The caller's context from a bearer token, or AuthenticationFailed with a precise code.

        ``expected_tenant``: when the route names a tenant, a valid token of another one is refused
        with ``wrong_tenant``.
        """
        if not isinstance(token, str) or not token or len(token) > MAX_TOKEN_BYTES:
            raise TokenInvalid("token is missing or too long")
        try:
            header = jwt.get_unverified_header(token)
            unverified = jwt.decode(token, options={"verify_signature": False})
        except InvalidTokenError as exc:
            raise TokenInvalid(f"token is malformed: {exc}") from None
        kid = header.get("kid")
        issuer = unverified.get("iss")
        if not isinstance(kid, str) or not kid:
            raise TokenInvalid("token header has no kid")
        if not isinstance(issuer, str) or not issuer:
            raise TokenInvalid("token has no issuer")
        builtin_slug = self._builtin_slug(issuer)
        if builtin_slug is not None:
            ctx = self._verify_builtin(token, header, builtin_slug)
        else:
            ctx = self._verify_external(token, header, normalise_issuer(issuer))
        if expected_tenant is not None and ctx.slug != expected_tenant:
            raise WrongTenant(f"token was issued for another tenant, not {expected_tenant!r}")
        return ctx

    def _builtin_slug(self, issuer: str) -> str | None:
        prefix = f"{self.settings.base_url}/realms/"
        if not issuer.startswith(prefix):
            return None
        slug = issuer[len(prefix) :]
        if not SLUG_RE.fullmatch(slug):
            raise TokenInvalid("token issuer names no valid realm")
        return slug

    def _verify_builtin(self, token: str, header: dict[str, Any], slug: str) -> TenantContext:
        tenant = self._tenant_or_none(slug)
        if tenant is None:
            raise TokenInvalid("token issuer is unknown")
        self._require_active(tenant)
        key, public_key = self.keys.verification_key(tenant.id, header["kid"])
        if header.get("alg") != key.algorithm:
            raise TokenInvalid("token algorithm does not match its key")
        claims = self._decode(token, public_key, key.algorithm, self.issuer_for(slug), AUDIENCE)
        for name in REQUIRED_CLAIMS:
            if name not in claims:
                raise TokenInvalid(f"token lacks the {name} claim")
        _require_access_token_type(claims)
        if claims["tenant"] != tenant.slug or claims["tenant_id"] != tenant.id:
            raise TokenInvalid("token's tenant claims do not match its issuer")
        user = self._user_or_none(tenant.id, str(claims["sub"]))
        if user is None or not user.active:
            raise TenantInactive("the token's user is unknown or disabled")
        attributes = dict(user.attributes)
        attributes.setdefault("email", user.email)
        return TenantContext(
            tenant_id=tenant.id, slug=tenant.slug, user_id=user.id, roles=user.roles, attributes=attributes
        )

    def _verify_external(self, token: str, header: dict[str, Any], issuer: str) -> TenantContext:
        tenant = self._tenant_by_external_issuer(issuer, token)
        self._require_active(tenant)
        key = self.external.key_for(issuer, header["kid"])
        if header.get("alg") != key.algorithm_name:
            raise TokenInvalid("token algorithm does not match its key")
        claims = self._decode(token, key.key, key.algorithm_name, issuer, tenant.external_audience)
        for name in ("sub", "exp", "iat"):
            if name not in claims:
                raise TokenInvalid(f"token lacks the {name} claim")
        _require_access_token_type(claims)
        local_attributes: dict[str, Any] = {}
        email = claims.get("email")
        if isinstance(email, str) and email:
            local = self.users.find_by_email(tenant.id, email)
            if local is not None:
                if not local.active:
                    raise TenantInactive("the token's user is disabled in this tenant")
                local_attributes = local.attributes
        return context_from_claims(tenant, claims, local_attributes)

    def _decode(
        self, token: str, key: Any, algorithm: str, issuer: str, audience: str | None
    ) -> dict[str, Any]:
        # Time claims are checked below against genius.kernel.clock, not PyJWT's own time.time().
        options: dict[str, Any] = {
            "verify_exp": False,
            "verify_nbf": False,
            "verify_iat": False,
            "verify_aud": audience is not None,
        }
        try:
            claims = jwt.decode(
                token, key, algorithms=[algorithm], issuer=issuer, audience=audience, options=options
            )
        except InvalidTokenError as exc:
            raise TokenInvalid(f"token rejected: {exc}") from None
        now = utcnow().timestamp()
        for name in ("exp", "iat", "nbf"):
            if name in claims and (
                not isinstance(claims[name], int | float) or isinstance(claims[name], bool)
            ):
                raise TokenInvalid(f"token claim {name} is not a number")
        if "exp" in claims and claims["exp"] <= now - LEEWAY_SECONDS:
            raise TokenExpired("token has expired")
        if "nbf" in claims and claims["nbf"] > now + LEEWAY_SECONDS:
            raise TokenInvalid("token is not valid yet")
        if "iat" in claims and claims["iat"] > now + LEEWAY_SECONDS:
            raise TokenInvalid("token was issued in the future")
        return claims

    # -- lookups -------------------------------------------------------------------------------
    def _tenant_or_none(self, slug: str) -> Tenant | None:
        try:
            return self.tenants.get(slug)
        except TenantNotFound:
            return None

    @staticmethod
    def _require_active(tenant: Tenant) -> None:
        if tenant.status != "active":
            raise TenantInactive(f"tenant {tenant.slug!r} is not active")

    def _tenant_by_external_issuer(self, issuer: str, token: str) -> Tenant:
        with self.control.connect() as conn:
            slugs = (
                conn.execute(
                    sa.select(cp.tenants.c.slug).where(
                        sa.func.rtrim(cp.tenants.c.external_issuer, "/") == issuer
                    )
                )
                .scalars()
                .all()
            )
        tenants = [self.tenants.get(slug) for slug in slugs]
        if len(tenants) > 1:
            # Several tenants trust one issuer: only the audience can tell them apart.
            aud = jwt.decode(token, options={"verify_signature": False}).get("aud")
            auds = set(aud) if isinstance(aud, list) else {aud}
            tenants = [t for t in tenants if t.external_audience and t.external_audience in auds]
        if len(tenants) != 1:
            raise TokenInvalid("token issuer is not trusted by any single tenant")
        return tenants[0]

    def _user_or_none(self, tenant_id: str, user_id: str) -> User | None:
        try:
            return self.users.get(tenant_id, user_id)
        except UserNotFound:
            return None


def _require_access_token_type(claims: dict[str, Any]) -> None:
    # Keycloak signs ID tokens (typ "ID") with the same key as access tokens ("Bearer"); an ID
    # token is proof of a login to a client, not a credential for this API.
    typ = claims.get("typ")
    if typ is not None and (not isinstance(typ, str) or typ.lower() != "bearer"):
        raise TokenInvalid(f"token of type {typ!r} is not an access token")
