"""What the sales handlers need from the platform, in one object built by the API (or a test).

``SalesDeps`` holds the tenant databases, the audit trail, the master key (for the partners'
sealed CNPs), the authorizer and the tenant registry. ``CnpVault`` seals a CNP with a key bound
to the tenant (HKDF of the master key) and to the partner row, and computes the keyed digest
that finds duplicates without decrypting anything.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from zoneinfo import ZoneInfo

from genius.kernel.clock import utcnow
from genius.platform.audit import AuditTrail
from genius.platform.auth.policy import Authorizer
from genius.platform.crypto import derive_key, open_sealed, seal
from genius.platform.db.uow import UnitOfWork
from genius.platform.tenancy import TenantContext, TenantDatabases, TenantRegistry

# Invoices are dated in Romanian time: 00:30 in Bucharest is already tomorrow in UTC terms.
ROMANIA = ZoneInfo("Europe/Bucharest")


def romanian_today() -> date:
    return utcnow().astimezone(ROMANIA).date()


@lru_cache(maxsize=1024)
def _keys(master_key: bytes, tenant_id: str) -> tuple[bytes, bytes]:
    return (
        derive_key(master_key, f"tenant:{tenant_id}:sales.partner.cnp"),
        derive_key(master_key, f"tenant:{tenant_id}:sales.partner.cnp-digest"),
    )


@dataclass(frozen=True)
class CnpVault:
    """Seals and opens CNPs of one tenant's partners (AES-256-GCM, bound to the partner id)."""

    seal_key: bytes = field(repr=False)
    digest_key: bytes = field(repr=False)

    @classmethod
    def for_tenant(cls, master_key: bytes, tenant_id: str) -> CnpVault:
        seal_key, digest_key = _keys(master_key, tenant_id)
        return cls(seal_key, digest_key)

    @staticmethod
    def _aad(partner_id: str) -> bytes:
        return f"sales.partner:{partner_id}:cnp".encode()

    def seal(self, partner_id: str, cnp: str) -> bytes:
        return seal(self.seal_key, cnp.encode(), self._aad(partner_id))

    def open(self, partner_id: str, sealed: bytes) -> str:
        return open_sealed(self.seal_key, sealed, self._aad(partner_id)).decode()

    def digest(self, cnp: str) -> str:
        return hmac.new(self.digest_key, cnp.encode(), hashlib.sha256).hexdigest()


@dataclass
class SalesDeps:
    """The platform services the handlers use; ``today`` is the issuing day (Romanian time)."""

    databases: TenantDatabases
    audit: AuditTrail
    master_key: bytes = field(repr=False)
    tenants: TenantRegistry
    authorizer: Authorizer | None = None
    today: Callable[[], date] = romanian_today

    def uow(self) -> UnitOfWork:
        return UnitOfWork(self.databases)

    def vault(self, ctx: TenantContext) -> CnpVault:
        return CnpVault.for_tenant(self.master_key, ctx.tenant_id)
