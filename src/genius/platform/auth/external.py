"""External OpenID issuers (a Keycloak realm per tenant): discovery, JWKS cache, claim mapping.

The issuer URL comes from the tenant row (``TenantRegistry.set_external_issuer``); its discovery
document (``<issuer>/.well-known/openid-configuration``) must name the same issuer (OpenID
Connect Discovery 1.0 §4.3) and gives ``jwks_uri``. Keys are cached for ``JWKS_TTL_SECONDS``; a
token with an unknown kid triggers one refetch at most every ``REFETCH_MIN_SECONDS`` per issuer, so
forged kids cannot make us hammer the IdP. When a refetch fails the cached keys keep serving.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

import httpx
from jwt import PyJWK
from jwt.exceptions import PyJWKError

from genius.kernel.clock import utcnow
from genius.platform.tenancy import Tenant, TenantContext

from .errors import IssuerUnavailable, TokenInvalid

JWKS_TTL_SECONDS = 600
REFETCH_MIN_SECONDS = 60
HTTP_TIMEOUT_SECONDS = 5.0
# Only asymmetric algorithms: an HMAC "key" from a JWKS would be a shared secret published to all.
ASYMMETRIC_ALGORITHMS = frozenset(
    {"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"}
)


def normalise_issuer(issuer: str) -> str:
    return (issuer or "").strip().rstrip("/")


@dataclass(frozen=True)
class _IssuerKeys:
    jwks_uri: str
    keys: dict[str, PyJWK]
    fetched_at: datetime


class ExternalIssuers:
    """Fetches and caches the signing keys of external issuers over HTTP."""

    def __init__(self, http: httpx.Client | None = None, *, allow_plain_http: bool = True) -> None:
        self._http = http
        self._own_http = http is None
        # Production refuses http:// issuers: keys fetched in clear text could be swapped in transit.
        self.allow_plain_http = allow_plain_http
        self._lock = threading.Lock()
        self._cache: dict[str, _IssuerKeys] = {}
        self._last_attempt: dict[str, datetime] = {}

    @property
    def http(self) -> httpx.Client:
        if self._http is None:
            self._http = httpx.Client(timeout=HTTP_TIMEOUT_SECONDS, follow_redirects=False)
        return self._http

    def close(self) -> None:
        if self._own_http and self._http is not None:
            self._http.close()
            self._http = None

    def key_for(self, issuer: str, kid: str) -> PyJWK:
        """The issuer's key ``kid``; refetches when the cache is old or (rate-limited) the kid is new."""
        issuer = normalise_issuer(issuer)
        now = utcnow()
        entry = self._cache.get(issuer)
        stale = entry is None or (now - entry.fetched_at).total_seconds() >= JWKS_TTL_SECONDS
        unknown = entry is not None and kid not in entry.keys
        if stale or (unknown and self._may_refetch(issuer, now)):
            entry = self._refresh(issuer, now, entry)
        assert entry is not None
        key = entry.keys.get(kid)
        if key is None:
            raise TokenInvalid("token signed with a key its issuer does not publish")
        return key

    def _may_refetch(self, issuer: str, now: datetime) -> bool:
        last = self._last_attempt.get(issuer)
        return last is None or (now - last).total_seconds() >= REFETCH_MIN_SECONDS

    def _refresh(self, issuer: str, now: datetime, previous: _IssuerKeys | None) -> _IssuerKeys:
        with self._lock:
            current = self._cache.get(issuer)
            if current is not previous and current is not None:
                return current  # another thread refreshed while we waited
            self._last_attempt[issuer] = now
            try:
                entry = self._fetch(issuer, now)
            except IssuerUnavailable:
                if previous is not None:
                    return previous  # keep serving the keys we have while the IdP is down
                raise
            self._cache[issuer] = entry
            return entry

    def _get_json(self, url: str, what: str) -> Mapping[str, Any]:
        self._check_url(url, what)
        try:
            response = self.http.get(url, headers={"Accept": "application/json"})
            response.raise_for_status()
            body = response.json()
        except (httpx.HTTPError, ValueError) as exc:
            raise IssuerUnavailable(f"cannot read {what} at {url}: {exc}") from exc
        if not isinstance(body, dict):
            raise IssuerUnavailable(f"{what} at {url} is not a JSON object")
        return body

    def _check_url(self, url: str, what: str) -> None:
        scheme = urlsplit(url).scheme
        if scheme == "https" or (scheme == "http" and self.allow_plain_http):
            return
        raise IssuerUnavailable(f"{what} URL {url!r} must use https")

    def _fetch(self, issuer: str, now: datetime) -> _IssuerKeys:
        discovery = self._get_json(f"{issuer}/.well-known/openid-configuration", "discovery document")
        if normalise_issuer(str(discovery.get("issuer", ""))) != issuer:
            raise IssuerUnavailable(
                f"discovery document of {issuer} names issuer {discovery.get('issuer')!r}: refusing it"
            )
        jwks_uri = discovery.get("jwks_uri")
        if not isinstance(jwks_uri, str) or not jwks_uri:
            raise IssuerUnavailable(f"discovery document of {issuer} has no jwks_uri")
        jwks = self._get_json(jwks_uri, "JWKS")
        keys: dict[str, PyJWK] = {}
        for data in jwks.get("keys") or []:
            if not isinstance(data, dict) or not data.get("kid") or data.get("use", "sig") != "sig":
                continue  # Keycloak also publishes encryption keys (use=enc): never for signatures
            try:
                key = PyJWK(data)
            except PyJWKError:
                continue
            if key.algorithm_name in ASYMMETRIC_ALGORITHMS:
                keys[str(data["kid"])] = key
        return _IssuerKeys(jwks_uri, keys, now)


def context_from_claims(
    tenant: Tenant, claims: Mapping[str, Any], local_attributes: Mapping[str, Any]
) -> TenantContext:
    """Map a Keycloak-style access token to our context.

    Roles: ``realm_access.roles`` (Keycloak), else a top-level ``roles`` list. The user is ``sub``.
    Attributes: the local user row's (same e-mail in this tenant), then an ``attributes`` claim
    object, plus ``email`` and ``username`` (``preferred_username``, else the e-mail).
    """
    sub = claims.get("sub")
    if not isinstance(sub, str) or not sub:
        raise TokenInvalid("token has no subject (sub)")
    realm_access = claims.get("realm_access")
    roles_claim = realm_access.get("roles") if isinstance(realm_access, Mapping) else claims.get("roles")
    roles = tuple(r for r in (roles_claim or []) if isinstance(r, str))
    attributes: dict[str, Any] = dict(local_attributes)
    extra = claims.get("attributes")
    if isinstance(extra, Mapping):
        attributes.update({str(k): v for k, v in extra.items()})
    email = claims.get("email")
    username = claims.get("preferred_username") or email
    if isinstance(email, str):
        attributes["email"] = email
    if isinstance(username, str):
        attributes["username"] = username
    return TenantContext(
        tenant_id=tenant.id, slug=tenant.slug, user_id=sub, roles=roles, attributes=attributes
    )
