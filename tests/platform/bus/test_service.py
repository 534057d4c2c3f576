"""The bus as wired by bootstrap: transport chosen from settings, relay over the registry, metrics."""

from __future__ import annotations

import asyncio
from pathlib import Path

from genius.platform.bus.consumer import Consumer
from genius.platform.bus.local import LocalTransport
from genius.platform.bus.service import Bus, make_transport
from genius.platform.bus.transport import Delivery, QueueSpec
from genius.platform.observability.metrics import REGISTRY
from genius.platform.settings import Settings
from tests.platform.bus.conftest import World
from tests.platform.bus.helpers import eventually, publish_probes


def sample(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def test_settings_choose_the_transport(tmp_path: Path) -> None:
    local = make_transport(Settings(data_dir=tmp_path), tmp_path)
    assert isinstance(local, LocalTransport) and local.path == tmp_path / "bus" / "queue.db"
    from genius.platform.bus.rabbit import RabbitTransport

    rabbit = make_transport(Settings(data_dir=tmp_path, amqp_url="amqp://u:p@127.0.0.1:5672/"), tmp_path)
    assert isinstance(rabbit, RabbitTransport) and rabbit.exchange_name == "genius.events"


async def test_a_running_bus_relays_new_commits_of_every_tenant_and_counts_them(
    world: World, tmp_path: Path
) -> None:
    bus = Bus(LocalTransport(tmp_path / "bus" / "queue.db"), world.databases, world.registry)
    got: list[Delivery] = []

    async def handle(delivery: Delivery) -> None:
        got.append(delivery)

    published_before = sample("genius_bus_published_total", type="bus.probe.sent")
    consumed_before = sample(
        "genius_bus_consumed_total", queue="metered", type="bus.probe.sent", outcome="ok"
    )
    await bus.start()
    consumer: Consumer = bus.consumer("metered", {"bus.probe.sent": handle})
    await consumer.start()
    try:
        publish_probes(world, 7)  # committed after start: the relay is woken by the commit
        await eventually(lambda: len(got) == 7, what="7 deliveries")
    finally:
        await consumer.stop()
        await bus.stop()
    assert sample("genius_bus_published_total", type="bus.probe.sent") - published_before == 7
    consumed = sample("genius_bus_consumed_total", queue="metered", type="bus.probe.sent", outcome="ok")
    assert consumed - consumed_before == 7
    assert sample("genius_bus_processing_seconds_count", queue="metered", type="bus.probe.sent") >= 7
    assert sample("genius_bus_outbox_pending", tenant="acme") == 0


async def test_the_outbox_gauges_show_lag_while_the_broker_is_away(world: World, tmp_path: Path) -> None:
    from genius.platform.bus.relay import Relay

    transport = LocalTransport(tmp_path / "q.db")
    relay = Relay(transport, world.databases, lambda: ["acme"])
    publish_probes(world, 3)
    await asyncio.sleep(0.05)
    stats = await asyncio.to_thread(relay.observe, "acme")
    assert stats.pending == 3
    assert sample("genius_bus_outbox_pending", tenant="acme") == 3
    assert sample("genius_bus_outbox_lag_seconds", tenant="acme") >= 0.05
    await transport.start()
    await transport.declare(QueueSpec("any", ("#",)))
    await relay.drain("acme")
    await asyncio.to_thread(relay.observe, "acme")
    assert sample("genius_bus_outbox_pending", tenant="acme") == 0
    assert sample("genius_bus_outbox_lag_seconds", tenant="acme") == 0
    await transport.close()
