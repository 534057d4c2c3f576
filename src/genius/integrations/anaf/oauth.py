"""ANAF OAuth2 (authorization code): authorize URL, code exchange, refresh, token lifetimes.

Flow per tenant: an administrator opens ``authorize_url(state)`` in a browser and picks the
qualified certificate on the USB token; ANAF redirects to the registered callback with ``code``;
``exchange_code(code)`` gets a ``TokenSet`` (JWT access token ~90 days, refresh token ~365 days).
``refresh(refresh_token)`` needs no certificate and returns a NEW refresh token: store the whole
new ``TokenSet`` (see ``tokens.TokenManager``). Lifetimes are read from the JWTs' ``exp`` claim
(``token_content_type=jwt``); ANAF signs them (RS512) but we cannot verify ANAF's key, so the
claims are used for scheduling only, never for trust.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from urllib.parse import urlencode

import httpx
import jwt

from genius.integrations.anaf.config import AnafEndpoints, OAuthClientConfig, Timeouts
from genius.integrations.anaf.errors import AnafAuthError, AnafProtocolError, AnafRejected
from genius.integrations.anaf.guard import CallGuard
from genius.integrations.anaf.http_client import AnafHttpClient
from genius.integrations.anaf.transport import check_status, json_object, request
from genius.kernel.errors import ValidationError

FAMILY = "oauth"
# Defaults when a token is not a JWT and the answer has no expires_in (ANAF's documented lifetimes).
ACCESS_TOKEN_LIFETIME = timedelta(days=90)
REFRESH_TOKEN_LIFETIME = timedelta(days=365)


def jwt_expiry(token: str) -> datetime | None:
    """The ``exp`` claim of a JWT as an aware UTC datetime; None when the token is not a JWT."""
    try:
        claims = jwt.decode(token, options={"verify_signature": False, "verify_exp": False})
    except jwt.PyJWTError:
        return None
    exp = claims.get("exp")
    if not isinstance(exp, int | float):
        return None
    return datetime.fromtimestamp(exp, UTC)


class TokenStatus(StrEnum):
    VALID = "valid"
    REFRESH_DUE = "refresh_due"  # the access token is inside the refresh margin: refresh now
    REAUTHORIZE_SOON = "reauthorize_soon"  # the refresh token ends within the warning window
    EXPIRED = "expired"  # both ended: someone must authorize again with the certificate


@dataclass(frozen=True)
class TokenSet:
    """One grant's tokens and when they end (UTC)."""

    access_token: str
    refresh_token: str
    access_expires_at: datetime
    refresh_expires_at: datetime
    obtained_at: datetime
    token_type: str = "Bearer"
    scope: str = ""

    def __repr__(self) -> str:  # never print the secrets
        return (
            f"TokenSet(access_expires_at={self.access_expires_at.isoformat()}, "
            f"refresh_expires_at={self.refresh_expires_at.isoformat()})"
        )

    def needs_refresh(self, now: datetime, margin: timedelta = timedelta(days=10)) -> bool:
        """True once the access token is within ``margin`` of its end (or past it)."""
        return now >= self.access_expires_at - margin

    def access_valid(self, now: datetime) -> bool:
        return now < self.access_expires_at

    def refresh_valid(self, now: datetime) -> bool:
        return now < self.refresh_expires_at

    def status(
        self,
        now: datetime,
        *,
        refresh_margin: timedelta = timedelta(days=10),
        warn: timedelta = timedelta(days=30),
    ) -> TokenStatus:
        if not self.refresh_valid(now) and not self.access_valid(now):
            return TokenStatus.EXPIRED
        if now >= self.refresh_expires_at - warn:
            return TokenStatus.REAUTHORIZE_SOON
        if self.needs_refresh(now, refresh_margin):
            return TokenStatus.REFRESH_DUE
        return TokenStatus.VALID

    @classmethod
    def from_answer(cls, data: dict[str, object], now: datetime) -> TokenSet:
        access = data.get("access_token")
        refresh = data.get("refresh_token")
        if not isinstance(access, str) or not access:
            raise AnafProtocolError("ANAF token answer has no access_token", family=FAMILY)
        if not isinstance(refresh, str) or not refresh:
            raise AnafProtocolError("ANAF token answer has no refresh_token", family=FAMILY)
        expires_in = data.get("expires_in")
        fallback = timedelta(seconds=float(expires_in)) if isinstance(expires_in, int | float) else None
        return cls(
            access_token=access,
            refresh_token=refresh,
            access_expires_at=jwt_expiry(access) or now + (fallback or ACCESS_TOKEN_LIFETIME),
            refresh_expires_at=jwt_expiry(refresh) or now + REFRESH_TOKEN_LIFETIME,
            obtained_at=now,
            token_type=str(data.get("token_type") or "Bearer"),
            scope=str(data.get("scope") or ""),
        )


class OAuthStateSigner:
    """Stateless, tamper-proof ``state`` for the authorize round trip (CSRF), bound to a tenant.

    ``issue(tenant_id, cui)`` -> opaque string; ``verify(state)`` -> (tenant_id, cui) or
    ``AnafAuthError`` when forged or older than ``max_age``. Key: a ``derive_key`` sub-key.
    """

    def __init__(self, key: bytes, max_age: timedelta = timedelta(minutes=15)) -> None:
        self._key = key
        self._max_age = max_age

    def issue(self, tenant_id: str, cui: str, now: float | None = None) -> str:
        payload = json.dumps(
            {
                "t": tenant_id,
                "c": cui,
                "i": int(now if now is not None else time.time()),
                "n": secrets.token_hex(8),
            },
            separators=(",", ":"),
        ).encode()
        mac = hmac.new(self._key, payload, hashlib.sha256).digest()
        return f"{_b64(payload)}.{_b64(mac)}"

    def verify(self, state: str, now: float | None = None) -> tuple[str, str]:
        try:
            payload_text, mac_text = state.split(".", 1)
            payload = _unb64(payload_text)
            mac = _unb64(mac_text)
        except ValueError as exc:
            raise AnafAuthError("OAuth state is malformed", family=FAMILY) from exc
        if not hmac.compare_digest(mac, hmac.new(self._key, payload, hashlib.sha256).digest()):
            raise AnafAuthError("OAuth state was not issued by us (signature mismatch)", family=FAMILY)
        data = json.loads(payload)
        age = (now if now is not None else time.time()) - data["i"]
        if age > self._max_age.total_seconds() or age < -60:
            raise AnafAuthError("OAuth state expired: start the authorization again", family=FAMILY)
        return data["t"], data["c"]


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class AnafOAuthClient(AnafHttpClient):
    """Talks to ``logincert.anaf.ro/anaf-oauth2/v1`` (or the double) for one OAuth profile."""

    def __init__(
        self,
        endpoints: AnafEndpoints,
        credentials: OAuthClientConfig,
        *,
        http: httpx.Client | None = None,
        guard: CallGuard | None = None,
        timeouts: Timeouts | None = None,
    ) -> None:
        super().__init__(endpoints, guard=guard, http=http, timeouts=timeouts)
        self.credentials = credentials

    def authorize_url(self, state: str = "") -> str:
        """The browser URL where the certificate holder approves our application."""
        if not self.credentials.client_id or not self.credentials.redirect_uri:
            raise ValidationError.for_field(
                "anaf_client_id", "the OAuth profile needs a client id and a redirect URI"
            )
        query = {
            "response_type": "code",
            "client_id": self.credentials.client_id,
            "redirect_uri": self.credentials.redirect_uri,
            "token_content_type": "jwt",
        }
        if state:
            query["state"] = state
        return f"{self.endpoints.authorize_url}?{urlencode(query)}"

    def exchange_code(self, code: str, now: datetime | None = None) -> TokenSet:
        """Trade the callback's ``code`` (valid about 60 s) for tokens."""
        if not code:
            raise ValidationError.for_field("code", "the authorization code is empty")
        return self._token_request(
            {
                "grant_type": "authorization_code",
                "code": code,
                "redirect_uri": self.credentials.redirect_uri,
                "token_content_type": "jwt",
            },
            idempotent=False,  # a code is single-use: a retry after a lost answer fails anyway
            now=now,
        )

    def refresh(self, refresh_token: str, now: datetime | None = None) -> TokenSet:
        """New tokens from a refresh token; the answer's refresh token replaces the old one."""
        if not refresh_token:
            raise ValidationError.for_field("refresh_token", "the refresh token is empty")
        return self._token_request(
            {"grant_type": "refresh_token", "refresh_token": refresh_token, "token_content_type": "jwt"},
            idempotent=False,  # a refresh rotates the refresh token: never replay it blindly
            now=now,
        )

    def _token_request(self, form: dict[str, str], *, idempotent: bool, now: datetime | None) -> TokenSet:
        def exchange() -> TokenSet:
            response = request(
                self._http,
                "POST",
                self.endpoints.token_url,
                family=FAMILY,
                timeout=self._timeout,
                data={**form, "client_id": self.credentials.client_id},
                # ANAF accepts the client credentials as Basic auth or form fields; send both.
                auth=(self.credentials.client_id, self.credentials.client_secret),
            )
            return self._read_token_answer(response, now or datetime.now(UTC))

        return self._guard.call(FAMILY, exchange, idempotent=idempotent)

    def _read_token_answer(self, response: httpx.Response, now: datetime) -> TokenSet:
        if response.status_code in (400, 401):
            error, description = _oauth_error(response)
            raise AnafAuthError(
                f"ANAF OAuth refused: {error}" + (f" ({description})" if description else ""),
                family=FAMILY,
                status=response.status_code,
                oauth_error=error,
            )
        check_status(response, family=FAMILY)
        data = json_object(response, what="ANAF token answer", family=FAMILY)
        if "error" in data and "access_token" not in data:
            raise AnafAuthError(
                f"ANAF OAuth refused: {data['error']}", family=FAMILY, oauth_error=str(data["error"])
            )
        return TokenSet.from_answer(data, now)


def _oauth_error(response: httpx.Response) -> tuple[str, str]:
    try:
        data = response.json()
    except ValueError:
        return f"HTTP {response.status_code}", response.text[:200]
    if not isinstance(data, dict):
        return f"HTTP {response.status_code}", ""
    return str(data.get("error") or f"HTTP {response.status_code}"), str(data.get("error_description") or "")


def parse_callback(query: dict[str, str]) -> str:
    """The callback's ``code``, or ``AnafAuthError`` (``access_denied``: no certificate was picked)."""
    if query.get("error"):
        raise AnafAuthError(
            f"ANAF authorization refused: {query['error']} {query.get('error_description', '')}".strip(),
            family=FAMILY,
            oauth_error=query["error"],
        )
    code = query.get("code", "")
    if not code:
        raise AnafRejected("ANAF callback without a code", family=FAMILY)
    return code


__all__ = [
    "ACCESS_TOKEN_LIFETIME",
    "REFRESH_TOKEN_LIFETIME",
    "AnafOAuthClient",
    "OAuthStateSigner",
    "TokenSet",
    "TokenStatus",
    "jwt_expiry",
    "parse_callback",
]
