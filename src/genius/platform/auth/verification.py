"""Verifying access tokens: the tenant from the issuer, the key of that tenant, claims, user.

Verification decides the tenant from the token's issuer only (never from a header): a built-in
issuer names its realm; any other issuer must be some tenant's ``external_issuer``. Keys are
looked up among that tenant's keys only, so a token of tenant A can never pass as tenant B's.

A built-in token seen before is re-checked from ``VerificationCache`` (no signature check, no
read while the cached rows are fresh; see ``.cache`` for what is re-checked and the staleness
window); ``verify_cached`` does that without any I/O, for the gateway's event loop.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import jwt
import sqlalchemy as sa
from jwt.exceptions import InvalidTokenError

from genius.kernel.clock import utcnow
from genius.platform.db import controlplane as cp
from genius.platform.settings import Settings
from genius.platform.tenancy import SLUG_RE, Tenant, TenantContext, TenantRegistry

from .cache import CheckedToken, VerificationCache
from .errors import TenantInactive, TokenExpired, TokenInvalid, WrongTenant
from .external import ExternalIssuers, context_from_claims, normalise_issuer
from .keys import SigningKeyStore
from .users import User, UserService

# The audience of every built-in access token: this product's API.
AUDIENCE = "genius-api"
# Clock skew tolerated between the node that issued a token and the node that checks it.
LEEWAY_SECONDS = 30
REQUIRED_CLAIMS = ("iss", "sub", "aud", "exp", "iat", "nbf", "jti", "tenant", "tenant_id")
MAX_TOKEN_BYTES = 8192  # a JWT longer than this is not ours; refuse before parsing
_MISS = object()  # "not in the verification cache" (None is a cached answer: no such row)


class AccessTokenVerification:
    """The verification half of ``AuthService`` (which provides these attributes and lookups)."""

    settings: Settings
    tenants: TenantRegistry
    control: sa.Engine
    keys: SigningKeyStore
    cache: VerificationCache
    users: UserService
    external: ExternalIssuers
    # Uncached lookups (None when the row does not exist), defined by AuthService.
    _tenant_or_none: Callable[[str], Tenant | None]
    _user_or_none: Callable[[str, str], User | None]

    def issuer_for(self, slug: str) -> str:
        return f"{self.settings.base_url}/realms/{slug}"

    def verify_access_token(self, token: str, *, expected_tenant: str | None = None) -> TenantContext:
        """The caller's context from a bearer token, or AuthenticationFailed with a precise code.

        ``expected_tenant``: when the route names a tenant, a valid token of another one is refused
        with ``wrong_tenant``.
        """
        if not isinstance(token, str) or not token or len(token) > MAX_TOKEN_BYTES:
            raise TokenInvalid("token is missing or too long")
        checked = self.cache.token(token)
        if checked is not None:
            ctx = self._checked_context(checked, io=True)
            assert ctx is not None  # with io every missing piece is read
        else:
            ctx = self._verify_uncached(token)
        if expected_tenant is not None and ctx.slug != expected_tenant:
            raise WrongTenant(f"token was issued for another tenant, not {expected_tenant!r}")
        return ctx

    def verify_cached(self, token: str) -> TenantContext | None:
        """``verify_access_token`` when everything it needs is in this process's caches, else None.

        No I/O at all (the gateway calls it on the event loop and falls back to a thread on None).
        A token that is known and no longer valid raises like ``verify_access_token``.
        """
        if not isinstance(token, str) or not token or len(token) > MAX_TOKEN_BYTES:
            raise TokenInvalid("token is missing or too long")
        checked = self.cache.token(token)
        return None if checked is None else self._checked_context(checked, io=False)

    def _verify_uncached(self, token: str) -> TenantContext:
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
            return self._verify_builtin(token, header, builtin_slug)
        return self._verify_external(token, header, normalise_issuer(issuer))

    def _builtin_slug(self, issuer: str) -> str | None:
        prefix = f"{self.settings.base_url}/realms/"
        if not issuer.startswith(prefix):
            return None
        slug = issuer[len(prefix) :]
        if not SLUG_RE.fullmatch(slug):
            raise TokenInvalid("token issuer names no valid realm")
        return slug

    def _verify_builtin(self, token: str, header: dict[str, Any], slug: str) -> TenantContext:
        tenant = self.cache.tenant(slug, self._tenant_or_none)
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
        # Signature, issuer, audience and static claims hold for this exact string from now on.
        self.cache.remember_token(token, CheckedToken(slug, header["kid"], key.algorithm, claims))
        return self._user_context(tenant, claims, io=True)  # type: ignore[return-value]

    def _checked_context(self, checked: CheckedToken, *, io: bool) -> TenantContext | None:
        """Re-check what can change since the token was first verified; None: a read is needed."""
        tenant = (
            self.cache.tenant(checked.slug, self._tenant_or_none) if io else self._cached_tenant(checked.slug)
        )
        if tenant is _MISS:
            return None
        if tenant is None:
            raise TokenInvalid("token issuer is unknown")
        self._require_active(tenant)
        if io:
            key, _ = self.keys.verification_key(tenant.id, checked.kid)
        else:
            known = self.keys.cached_verification_key(tenant.id, checked.kid)
            if known is None:
                return None
            key = known[0]
        if checked.algorithm != key.algorithm:
            raise TokenInvalid("token algorithm does not match its key")
        claims = checked.claims
        if claims["tenant"] != tenant.slug or claims["tenant_id"] != tenant.id:
            raise TokenInvalid("token's tenant claims do not match its issuer")
        _check_times(claims)
        return self._user_context(tenant, claims, io=io)

    def _cached_tenant(self, slug: str) -> Any:
        found, tenant = self.cache.cached_tenant(slug)
        return tenant if found else _MISS

    def _user_context(self, tenant: Tenant, claims: dict[str, Any], *, io: bool) -> TenantContext | None:
        user_id = str(claims["sub"])
        if io:
            user = self.cache.user(tenant.id, user_id, self._user_or_none)
        else:
            found, user = self.cache.cached_user(tenant.id, user_id)
            if not found:
                return None
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
        _check_times(claims)
        return claims

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


def _check_times(claims: dict[str, Any]) -> None:
    """exp, nbf and iat against ``genius.kernel.clock`` (not PyJWT's own time.time())."""
    now = utcnow().timestamp()
    for name in ("exp", "iat", "nbf"):
        if name in claims and (not isinstance(claims[name], int | float) or isinstance(claims[name], bool)):
            raise TokenInvalid(f"token claim {name} is not a number")
    if "exp" in claims and claims["exp"] <= now - LEEWAY_SECONDS:
        raise TokenExpired("token has expired")
    if "nbf" in claims and claims["nbf"] > now + LEEWAY_SECONDS:
        raise TokenInvalid("token is not valid yet")
    if "iat" in claims and claims["iat"] > now + LEEWAY_SECONDS:
        raise TokenInvalid("token was issued in the future")


def _require_access_token_type(claims: dict[str, Any]) -> None:
    # Keycloak signs ID tokens (typ "ID") with the same key as access tokens ("Bearer"); an ID
    # token is proof of a login to a client, not a credential for this API.
    typ = claims.get("typ")
    if typ is not None and (not isinstance(typ, str) or typ.lower() != "bearer"):
        raise TokenInvalid(f"token of type {typ!r} is not an access token")
