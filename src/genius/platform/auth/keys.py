"""Per-tenant signing keys: created on first use, private halves sealed with the master key, rotated.

A tenant's keys live in ``control.signing_keys``. The newest key without ``retired_at`` signs;
rotation retires it (``retired_at = now``, ``expires_at = now + grace``) so tokens it signed keep
verifying until they expire, and inserts a fresh key that signs from then on. A key is created
lazily the first time a tenant needs one (first token, first JWKS request): tenant creation then
needs no auth step, and a tenant that never logs in never holds a key.

Private keys are PKCS#8 PEM sealed with AES-256-GCM under ``derive_key(master, "signing-keys")``;
the associated data names the tenant and kid, so a sealed key copied to another row fails to open.
"""

from __future__ import annotations

import base64
import hashlib
import json
import threading
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from jwt.algorithms import ECAlgorithm, RSAAlgorithm
from sqlalchemy import Engine

from genius.kernel.clock import utcnow
from genius.kernel.errors import ValidationError
from genius.platform.crypto import derive_key, open_sealed, seal
from genius.platform.db import controlplane as cp

from .errors import TokenInvalid

SUPPORTED_ALGORITHMS = ("ES256", "RS256")
DEFAULT_ALGORITHM = "ES256"  # P-256: small tokens, fast signing; RS256 stays available per store
RSA_KEY_BITS = 2048
# How long a process trusts its cached view of a tenant's keys before re-reading the table, so a
# rotation made by another process retires the old key here too within this time.
KEY_CACHE_SECONDS = 60
SEALING_PURPOSE = "signing-keys"

PrivateKey = ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey
PublicKey = ec.EllipticCurvePublicKey | rsa.RSAPublicKey


def aware(value: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes; every stored time is UTC."""
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=UTC)


def jwk_thumbprint(jwk: dict[str, Any]) -> str:
    """RFC 7638 thumbprint (SHA-256, base64url): a stable, collision-free kid for a public key."""
    members = ("crv", "kty", "x", "y") if jwk["kty"] == "EC" else ("e", "kty", "n")
    canonical = json.dumps({m: jwk[m] for m in members}, separators=(",", ":"), sort_keys=True)
    return base64.urlsafe_b64encode(hashlib.sha256(canonical.encode()).digest()).rstrip(b"=").decode()


def public_jwk(public_key: PublicKey, algorithm: str) -> dict[str, Any]:
    if algorithm == "ES256":
        jwk = ECAlgorithm.to_jwk(public_key, as_dict=True)
    else:
        jwk = RSAAlgorithm.to_jwk(public_key, as_dict=True)
    jwk = {k: v for k, v in jwk.items() if k in ("kty", "crv", "x", "y", "n", "e")}
    jwk.update(kid=jwk_thumbprint(jwk), use="sig", alg=algorithm)
    return jwk


def generate_private_key(algorithm: str) -> PrivateKey:
    if algorithm == "ES256":
        return ec.generate_private_key(ec.SECP256R1())
    if algorithm == "RS256":
        return rsa.generate_private_key(public_exponent=65537, key_size=RSA_KEY_BITS)
    raise ValidationError.for_field(
        "algorithm", f"{algorithm!r} is not a signing algorithm here; use one of {SUPPORTED_ALGORITHMS}"
    )


@dataclass(frozen=True)
class SigningKey:
    """The public side of one key, as stored."""

    kid: str
    tenant_id: str
    algorithm: str
    public_jwk: dict[str, Any]
    created_at: datetime
    retired_at: datetime | None
    expires_at: datetime | None

    def verifies_at(self, now: datetime) -> bool:
        return self.expires_at is None or now < self.expires_at

    @property
    def active(self) -> bool:
        return self.retired_at is None


@dataclass(frozen=True)
class ActiveSigner:
    kid: str
    algorithm: str
    private_key: PrivateKey


@dataclass(frozen=True)
class _TenantKeys:
    loaded_at: datetime
    keys: dict[str, SigningKey]
    public: dict[str, PublicKey]


def _key_from_row(row: Any) -> SigningKey:
    return SigningKey(
        kid=row.kid,
        tenant_id=row.tenant_id,
        algorithm=row.algorithm,
        public_jwk=dict(row.public_jwk),
        created_at=aware(row.created_at),  # type: ignore[arg-type]
        retired_at=aware(row.retired_at),
        expires_at=aware(row.expires_at),
    )


class SigningKeyStore:
    """Creates, seals, caches, rotates and serves a tenant's signing keys."""

    def __init__(
        self,
        control: Engine,
        master_key: bytes,
        *,
        grace_seconds: int,
        algorithm: str = DEFAULT_ALGORITHM,
    ) -> None:
        if algorithm not in SUPPORTED_ALGORITHMS:
            raise ValidationError.for_field("algorithm", f"use one of {SUPPORTED_ALGORITHMS}")
        self.control = control
        self.algorithm = algorithm
        self.grace = timedelta(seconds=grace_seconds)
        self._sealing_key = derive_key(master_key, SEALING_PURPOSE)
        self._lock = threading.Lock()
        self._signers: dict[str, tuple[datetime, ActiveSigner]] = {}
        self._verifiers: dict[str, _TenantKeys] = {}

    # -- signing -------------------------------------------------------------------------------
    def signer(self, tenant_id: str) -> ActiveSigner:
        """The key that signs for this tenant now; made on first use."""
        now = utcnow()
        with self._lock:
            cached = self._signers.get(tenant_id)
            if cached is not None and (now - cached[0]).total_seconds() < KEY_CACHE_SECONDS:
                return cached[1]
            with self.control.connect() as conn:
                row = conn.execute(
                    sa.select(cp.signing_keys)
                    .where(cp.signing_keys.c.tenant_id == tenant_id, cp.signing_keys.c.retired_at.is_(None))
                    .order_by(cp.signing_keys.c.created_at.desc())
                    .limit(1)
                ).first()
            if row is None:
                signer = self._insert_new(tenant_id, now, retire_current=False)
            else:
                signer = ActiveSigner(
                    row.kid, row.algorithm, self._unseal(row.tenant_id, row.kid, row.private_key)
                )
            self._signers[tenant_id] = (now, signer)
            return signer

    def rotate(self, tenant_id: str) -> SigningKey:
        """Retire the signing key(s) of a tenant (they verify for the grace period) and make a new one."""
        now = utcnow()
        with self._lock:
            signer = self._insert_new(tenant_id, now, retire_current=True)
            self._signers[tenant_id] = (now, signer)
            self._verifiers.pop(tenant_id, None)
        return next(k for k in self.keys(tenant_id, include_expired=True) if k.kid == signer.kid)

    def _insert_new(self, tenant_id: str, now: datetime, *, retire_current: bool) -> ActiveSigner:
        private_key = generate_private_key(self.algorithm)
        jwk = public_jwk(private_key.public_key(), self.algorithm)
        kid = jwk["kid"]
        pem = private_key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        table = cp.signing_keys
        with self.control.begin() as conn:
            if retire_current:
                conn.execute(
                    table.update()
                    .where(table.c.tenant_id == tenant_id, table.c.retired_at.is_(None))
                    .values(retired_at=now, expires_at=now + self.grace)
                )
                # Keys past their grace verify nothing any more: keep the JWKS short.
                conn.execute(table.delete().where(table.c.tenant_id == tenant_id, table.c.expires_at < now))
            conn.execute(
                table.insert().values(
                    kid=kid,
                    tenant_id=tenant_id,
                    algorithm=self.algorithm,
                    private_key=seal(self._sealing_key, pem, self._aad(tenant_id, kid)),
                    public_jwk=jwk,
                    created_at=now,
                )
            )
        return ActiveSigner(kid, self.algorithm, private_key)

    # -- verification --------------------------------------------------------------------------
    def verification_key(self, tenant_id: str, kid: str) -> tuple[SigningKey, PublicKey]:
        """The public key ``kid`` of this tenant if it still verifies; unknown kid -> TokenInvalid."""
        now = utcnow()
        entry = self._verifiers.get(tenant_id)
        if (
            entry is None
            or kid not in entry.keys
            or (now - entry.loaded_at).total_seconds() >= KEY_CACHE_SECONDS
        ):
            entry = self._load_verifiers(tenant_id, now)
        key = entry.keys.get(kid)
        if key is None:
            raise TokenInvalid("token signed with an unknown key")
        if not key.verifies_at(now):
            raise TokenInvalid("token signed with a key past its rotation grace period")
        return key, entry.public[kid]

    def cached_verification_key(self, tenant_id: str, kid: str) -> tuple[SigningKey, PublicKey] | None:
        """``verification_key`` from the cache only: None when it would read the table or refuse."""
        now = utcnow()
        entry = self._verifiers.get(tenant_id)
        if entry is None or not 0 <= (now - entry.loaded_at).total_seconds() < KEY_CACHE_SECONDS:
            return None
        key = entry.keys.get(kid)
        if key is None or not key.verifies_at(now):
            return None
        return key, entry.public[kid]

    def _load_verifiers(self, tenant_id: str, now: datetime) -> _TenantKeys:
        keys = {k.kid: k for k in self.keys(tenant_id)}
        public: dict[str, PublicKey] = {}
        for kid, key in keys.items():
            loader = ECAlgorithm if key.algorithm == "ES256" else RSAAlgorithm
            public[kid] = loader.from_jwk(key.public_jwk)  # type: ignore[assignment]
        entry = _TenantKeys(now, keys, public)
        with self._lock:
            self._verifiers[tenant_id] = entry
        return entry

    def keys(self, tenant_id: str, *, include_expired: bool = False) -> list[SigningKey]:
        """A tenant's keys, newest first; by default only those that still verify (the JWKS)."""
        with self.control.connect() as conn:
            rows = conn.execute(
                sa.select(cp.signing_keys)
                .where(cp.signing_keys.c.tenant_id == tenant_id)
                .order_by(cp.signing_keys.c.created_at.desc())
            ).all()
        keys = [_key_from_row(r) for r in rows]
        if include_expired:
            return keys
        now = utcnow()
        return [k for k in keys if k.verifies_at(now)]

    def jwks(self, tenant_id: str) -> dict[str, Any]:
        """The JSON Web Key Set of a tenant; makes its first key when it has none yet."""
        keys = self.keys(tenant_id)
        if not any(k.active for k in keys):
            self.signer(tenant_id)
            keys = self.keys(tenant_id)
        return {"keys": [k.public_jwk for k in keys]}

    # -- sealing -------------------------------------------------------------------------------
    @staticmethod
    def _aad(tenant_id: str, kid: str) -> bytes:
        return f"control.signing_keys:{tenant_id}:{kid}".encode()

    def _unseal(self, tenant_id: str, kid: str, sealed: bytes) -> PrivateKey:
        pem = open_sealed(self._sealing_key, bytes(sealed), self._aad(tenant_id, kid))
        return serialization.load_pem_private_key(pem, password=None)  # type: ignore[return-value]
