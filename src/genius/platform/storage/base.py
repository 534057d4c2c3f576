"""The object storage port: what apps and workers may do with a tenant's bucket.

Adapters: ``LocalObjectStore`` (folders under the data folder). An S3 adapter (one bucket per
tenant, the app prefix as key prefix, sha256 in object metadata) fits this port unchanged; it is
not built yet.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from datetime import datetime

DEFAULT_CONTENT_TYPE = "application/octet-stream"


@dataclass(frozen=True)
class StoredObject:
    """One stored object: its key, the sha256 (hex) and size of its bytes, and its media type."""

    key: str
    sha256: str
    size: int
    content_type: str = DEFAULT_CONTENT_TYPE
    created_at: datetime | None = None


class ObjectStore(ABC):
    """A bucket per tenant (by slug); keys ``<app>/<path>`` (see ``keys``)."""

    @abstractmethod
    def put(
        self, tenant: str, key: str, data: bytes, content_type: str = DEFAULT_CONTENT_TYPE
    ) -> StoredObject:
        """Store ``data`` under ``key``, replacing any object there, all or nothing."""

    @abstractmethod
    def get(self, tenant: str, key: str) -> bytes:
        """The bytes under ``key``; ``ObjectNotFound`` if there are none."""

    @abstractmethod
    def stat(self, tenant: str, key: str) -> StoredObject:
        """What is stored under ``key`` without reading the bytes; ``ObjectNotFound`` if nothing."""

    @abstractmethod
    def exists(self, tenant: str, key: str) -> bool: ...

    @abstractmethod
    def delete(self, tenant: str, key: str) -> bool:
        """Remove the object; False when there was none."""

    @abstractmethod
    def list(self, tenant: str, prefix: str = "") -> list[StoredObject]:
        """Objects whose key starts with ``prefix`` (plain string prefix, as S3), sorted by key."""
