"""The bus as a service on ``Platform``: the transport chosen from settings, relay and consumer factories."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from genius.platform.bus.consumer import Consumer, Handler
from genius.platform.bus.handlers import RegistryTenants
from genius.platform.bus.local import LocalTransport
from genius.platform.bus.relay import Relay
from genius.platform.bus.transport import Transport
from genius.platform.settings import Settings
from genius.platform.tenancy import TenantDatabases, TenantRegistry

LOCAL_QUEUE_FILE = Path("bus") / "queue.db"


def make_transport(settings: Settings, data_dir: Path, *, namespace: str = "genius") -> Transport:
    """RabbitMQ when ``amqp_url`` is set, else the local durable queue under the data folder."""
    if settings.amqp_url is not None:
        from genius.platform.bus.rabbit import RabbitTransport  # aio-pika only when configured

        return RabbitTransport(settings.amqp_url.get_secret_value(), namespace=namespace)
    return LocalTransport(data_dir / LOCAL_QUEUE_FILE)


@dataclass
class Bus:
    """What entry points need to run the bus: the transport, a relay and consumers."""

    transport: Transport
    databases: TenantDatabases
    tenants: TenantRegistry

    def __post_init__(self) -> None:
        self.tenant_resolver = RegistryTenants(self.tenants)
        self._relay: Relay | None = None

    async def start(self, *, relay: bool = True) -> None:
        """Connect the transport and (by default) run the relay over every tenant in this process.

        Entry points call this at startup (``genius serve``'s lifespan, a worker process) and
        ``stop`` at shutdown; consumers are started separately with ``consumer(...).start()``.
        """
        await self.transport.start()
        if relay and self._relay is None:
            self._relay = self.relay()
            await self._relay.start()

    async def stop(self) -> None:
        if self._relay is not None:
            await self._relay.stop()
            self._relay = None
        await self.transport.close()

    def relay(self, **options: Any) -> Relay:
        """A relay over every active tenant of the registry."""
        return Relay(
            self.transport,
            self.databases,
            lambda: [t.slug for t in self.tenants.list() if t.status == "active"],
            **options,
        )

    def consumer(self, name: str, handlers: Mapping[str, Handler], **options: Any) -> Consumer:
        return Consumer(self.transport, name, handlers, **options)
