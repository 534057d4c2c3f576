"""A consumer in its own process, for the test that kills one mid-work (SIGKILL).

``python -m tests.platform.bus.consumer_process DATA_DIR KIND URL NAMESPACE CONSUMER DELAY``
"""

from __future__ import annotations

import asyncio
import sys
import time
from pathlib import Path

import sqlalchemy as sa

from genius.platform.bus import BUS_COMPONENT
from genius.platform.bus.consumer import Consumer
from genius.platform.bus.handlers import RegistryTenants, transactional
from genius.platform.bus.local import LocalTransport
from genius.platform.bus.transport import Transport
from genius.platform.db.engine import make_engine, sqlite_url
from genius.platform.tenancy import TenantDatabases, TenantRegistry

LEASE_SECONDS = 1.0


async def main(data_dir: Path, kind: str, url: str, namespace: str, name: str, delay: float) -> None:
    control = make_engine(sqlite_url(data_dir / "control.db"), schemas=["control"])
    databases = TenantDatabases(control, data_dir=data_dir, clusters={}, components=[BUS_COMPONENT])
    registry = TenantRegistry(databases)
    if kind == "local":
        transport: Transport = LocalTransport(data_dir / "bus" / "queue.db", lease_seconds=LEASE_SECONDS)
    else:
        from genius.platform.bus.rabbit import RabbitTransport

        transport = RabbitTransport(url, namespace=namespace)
    await transport.start()

    def effect(uow, message, delivery) -> None:  # type: ignore[no-untyped-def]
        uow.connection.execute(
            sa.text("INSERT INTO effects (consumer, event_id, seq) VALUES (:c, :e, :s)"),
            {"c": name, "e": delivery.envelope.id, "s": message.seq},
        )
        time.sleep(delay)  # the kill lands inside a transaction now and then

    handler = transactional(databases, name, effect, tenants=RegistryTenants(registry))
    consumer = Consumer(transport, name, {"bus.probe.sent": handler}, concurrency=4)
    await consumer.start()
    print("ready", flush=True)
    await asyncio.Event().wait()


if __name__ == "__main__":
    d, k, u, ns, n, delay = sys.argv[1:7]
    asyncio.run(main(Path(d), k, u, ns, n, float(delay)))
