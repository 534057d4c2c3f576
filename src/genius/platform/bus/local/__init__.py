"""The embedded transport: a durable queue in a SQLite file (see ``transport`` for the semantics)."""

from genius.platform.bus.local.subscription import LocalSubscription
from genius.platform.bus.local.transport import DEFAULT_LEASE_SECONDS, DEFAULT_POLL_SECONDS, LocalTransport

__all__ = ["DEFAULT_LEASE_SECONDS", "DEFAULT_POLL_SECONDS", "LocalSubscription", "LocalTransport"]
