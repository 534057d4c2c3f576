"""The double's OAuth server: auto-approving authorize with a TEST certificate, JWT tokens, rotation.

- ``authorize`` checks the client and its registered callback, then "the user picks the
  certificate": with a ``TestCertificate`` configured it approves at once (a code valid
  ``code_ttl`` seconds, single use); without one it answers ``access_denied`` like ANAF.
- ``token`` takes client credentials as Basic auth or form fields; ``authorization_code`` needs
  the same ``redirect_uri``; ``refresh_token`` needs an unrevoked refresh token. Each grant
  issues an access JWT (~90 days) and a NEW refresh JWT (~365 days), both RS512, and revokes
  the refresh token it consumed, so a client that keeps an old refresh token fails.
- ``token_content_type`` other than ``jwt`` issues opaque tokens (with ``expires_in``).
"""

from __future__ import annotations

import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

ISSUER = "anaf-double (TEST): logincert.anaf.ro/anaf-oauth2/v1"


@dataclass(frozen=True)
class OAuthClientRegistration:
    """An OAuth profile as registered in ANAF's portal. A callback ending in ``*`` is a prefix."""

    client_id: str
    client_secret: str
    redirect_uris: tuple[str, ...]

    def allows(self, redirect_uri: str) -> bool:
        return any(
            redirect_uri.startswith(uri[:-1]) if uri.endswith("*") else redirect_uri == uri
            for uri in self.redirect_uris
        )


@dataclass(frozen=True)
class TestCertificate:
    """The qualified certificate the double pretends the user picked; ``cuis`` None = every CUI."""

    __test__ = False  # not a pytest test class

    serial: str = "TEST-CERT-0001"
    holder: str = "Administrator Test (certificat calificat TEST)"
    cuis: tuple[str, ...] | None = None

    def may_act_for(self, cui: str) -> bool:
        return self.cuis is None or cui in self.cuis


@dataclass(frozen=True)
class Grant:
    """What a valid access token stands for."""

    client_id: str
    certificate: TestCertificate
    expires_at: datetime


class OAuthRefused(Exception):
    def __init__(self, error: str, description: str, status: int = 400) -> None:
        super().__init__(description)
        self.error = error
        self.description = description
        self.status = status


@dataclass
class _Code:
    client_id: str
    redirect_uri: str
    certificate: TestCertificate
    expires_at: datetime
    jwt: bool


@dataclass
class Authority:
    clients: dict[str, OAuthClientRegistration]
    certificate: TestCertificate | None
    clock: Callable[[], datetime]
    access_ttl: timedelta = timedelta(days=90)
    refresh_ttl: timedelta = timedelta(days=365)
    code_ttl: timedelta = timedelta(seconds=60)
    _key: rsa.RSAPrivateKey = field(default_factory=lambda: rsa.generate_private_key(65537, 2048))
    _codes: dict[str, _Code] = field(default_factory=dict)
    _revoked: set[str] = field(default_factory=set)
    _opaque: dict[str, tuple[str, Grant]] = field(default_factory=dict)  # token -> (kind, grant)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def public_key_pem(self) -> bytes:
        return self._key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )

    # -- authorize -----------------------------------------------------------------------------
    def authorize(self, params: dict[str, str]) -> str:
        """The redirect location (with ``code`` or ``error``); ``OAuthRefused`` when no redirect is safe."""
        client = self.clients.get(params.get("client_id", ""))
        if client is None:
            raise OAuthRefused("invalid_client", "unknown client_id")
        redirect_uri = params.get("redirect_uri", "")
        if not client.allows(redirect_uri):
            raise OAuthRefused("invalid_request", "redirect_uri is not registered for this client")
        state = params.get("state")
        suffix = f"&state={state}" if state else ""
        joiner = "&" if "?" in redirect_uri else "?"
        if params.get("response_type") != "code":
            return f"{redirect_uri}{joiner}error=unsupported_response_type{suffix}"
        if self.certificate is None:
            return (
                f"{redirect_uri}{joiner}error=access_denied&error_description=no+certificate+selected{suffix}"
            )
        code = secrets.token_urlsafe(24)
        with self._lock:
            self._codes[code] = _Code(
                client.client_id,
                redirect_uri,
                self.certificate,
                self.clock() + self.code_ttl,
                params.get("token_content_type") == "jwt",
            )
        return f"{redirect_uri}{joiner}code={code}{suffix}"

    # -- token ---------------------------------------------------------------------------------
    def token(self, form: dict[str, str], basic: tuple[str, str] | None) -> dict[str, object]:
        client_id, secret = basic or (form.get("client_id", ""), form.get("client_secret", ""))
        client = self.clients.get(client_id)
        if client is None or not secrets.compare_digest(client.client_secret, secret):
            raise OAuthRefused("invalid_client", "client authentication failed", status=401)
        grant_type = form.get("grant_type")
        if grant_type == "authorization_code":
            with self._lock:
                code = self._codes.pop(form.get("code", ""), None)
            if code is None or code.expires_at < self.clock() or code.client_id != client.client_id:
                raise OAuthRefused("invalid_grant", "authorization code unknown, used or expired")
            if form.get("redirect_uri", "") != code.redirect_uri:
                raise OAuthRefused("invalid_grant", "redirect_uri differs from the authorization request")
            use_jwt = code.jwt or form.get("token_content_type") == "jwt"
            return self._issue(client.client_id, code.certificate, use_jwt)
        if grant_type == "refresh_token":
            refresh = form.get("refresh_token", "")
            certificate, use_jwt = self._consume_refresh(refresh, client.client_id)
            return self._issue(client.client_id, certificate, use_jwt)
        raise OAuthRefused("unsupported_grant_type", f"grant_type {grant_type!r} is not supported")

    def _consume_refresh(self, token: str, client_id: str) -> tuple[TestCertificate, bool]:
        with self._lock:
            opaque = self._opaque.get(token)
            if opaque is not None:
                kind, grant = opaque
                if kind != "refresh" or grant.client_id != client_id or grant.expires_at < self.clock():
                    raise OAuthRefused("invalid_grant", "refresh token invalid or expired")
                del self._opaque[token]
                return grant.certificate, False
        claims = self._decode(token, "refresh")
        if claims is None or claims["client_id"] != client_id:
            raise OAuthRefused("invalid_grant", "refresh token invalid, expired or revoked")
        with self._lock:
            if claims["jti"] in self._revoked:
                raise OAuthRefused("invalid_grant", "refresh token already used (a newer one was issued)")
            self._revoked.add(claims["jti"])
        return self._certificate(claims), True

    def _certificate(self, claims: dict[str, object]) -> TestCertificate:
        cuis = claims.get("cuis")
        return TestCertificate(
            str(claims["sub"]), str(claims.get("holder", "")), tuple(cuis) if isinstance(cuis, list) else None
        )

    def _issue(self, client_id: str, certificate: TestCertificate, use_jwt: bool) -> dict[str, object]:
        now = self.clock()
        if use_jwt:
            access = self._jwt(client_id, certificate, "access", now, self.access_ttl)
            refresh = self._jwt(client_id, certificate, "refresh", now, self.refresh_ttl)
        else:
            access, refresh = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
            with self._lock:
                self._opaque[access] = ("access", Grant(client_id, certificate, now + self.access_ttl))
                self._opaque[refresh] = ("refresh", Grant(client_id, certificate, now + self.refresh_ttl))
        return {
            "access_token": access,
            "token_type": "Bearer",
            "refresh_token": refresh,
            "expires_in": int(self.access_ttl.total_seconds()),
            "scope": "",
        }

    def _jwt(self, client_id: str, cert: TestCertificate, kind: str, now: datetime, ttl: timedelta) -> str:
        claims: dict[str, object] = {
            "iss": ISSUER,
            "sub": cert.serial,
            "holder": cert.holder,
            "client_id": client_id,
            "token_type": kind,
            "jti": secrets.token_hex(12),
            "iat": int(now.timestamp()),
            "exp": int((now + ttl).timestamp()),
        }
        if cert.cuis is not None:
            claims["cuis"] = list(cert.cuis)
        return jwt.encode(claims, self._key, algorithm="RS512")

    def _decode(self, token: str, kind: str) -> dict[str, object] | None:
        try:
            claims = jwt.decode(
                token,
                self._key.public_key(),
                algorithms=["RS512"],
                options={"verify_exp": False, "require": ["exp", "jti", "sub"]},
            )
        except jwt.PyJWTError:
            return None
        if claims.get("token_type") != kind or claims["exp"] < self.clock().timestamp():
            return None
        return claims

    # -- resource server -----------------------------------------------------------------------
    def grant_for(self, bearer: str) -> Grant | None:
        """The grant behind an access token, or None (unknown, expired, a refresh token)."""
        with self._lock:
            opaque = self._opaque.get(bearer)
        if opaque is not None:
            kind, grant = opaque
            return grant if kind == "access" and grant.expires_at >= self.clock() else None
        claims = self._decode(bearer, "access")
        if claims is None:
            return None
        return Grant(
            str(claims["client_id"]),
            self._certificate(claims),
            datetime.fromtimestamp(int(claims["exp"]), self.clock().tzinfo),
        )  # type: ignore[arg-type]


__all__ = ["Authority", "Grant", "OAuthClientRegistration", "OAuthRefused", "TestCertificate"]
