"""`genius dlq` selecting by --type with a match (list, replay, purge) on both transports, and the
retry and dead-letter counters on /metrics' registry after a retry and after a dead letter.

Dead letters of two types (probes and echo requests) die in one queue, so a --type filter that
returns everything, or nothing, fails these tests. On RabbitMQ the CLI's platform gets a unique
namespace, deleted afterwards.
"""

from __future__ import annotations

import asyncio
import functools
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

import genius.bootstrap
from genius.bootstrap import build_platform
from genius.cli.main import app
from genius.platform.bus.consumer import Consumer, Unprocessable
from genius.platform.bus.messages import EchoRequested, ProbeSent
from genius.platform.bus.relay import Relay
from genius.platform.bus.service import make_transport
from genius.platform.bus.transport import Delivery, QueueSpec, RetryPolicy, worker_queue
from genius.platform.db.uow import UnitOfWork
from genius.platform.observability.metrics import REGISTRY
from genius.platform.settings import get_settings
from genius.platform.tenancy import TenantContext
from tests.platform.bus.conftest import namespace
from tests.platform.bus.test_cli_dlq import MASTER_KEY, outbox_types

QUEUE = "mixed"
PROBE, ECHO = "bus.probe.sent", "worker.request.echo"


@pytest.fixture(params=["local", pytest.param("rabbitmq", marks=pytest.mark.rabbitmq)])
def env(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    monkeypatch.setenv("GENIUS_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("GENIUS_MASTER_KEY", MASTER_KEY)
    monkeypatch.delenv("GENIUS_DATABASE_URL", raising=False)
    ns = namespace()
    if request.param == "rabbitmq":
        monkeypatch.setenv("GENIUS_AMQP_URL", request.getfixturevalue("amqp_url"))
        # Every platform the CLI builds talks to this test's namespace only.
        monkeypatch.setattr(
            genius.bootstrap, "make_transport", functools.partial(make_transport, namespace=ns)
        )
    else:
        monkeypatch.delenv("GENIUS_AMQP_URL", raising=False)
    get_settings.cache_clear()
    yield request.param
    if request.param == "rabbitmq":
        asyncio.run(_destroy())
    get_settings.cache_clear()


async def _destroy() -> None:
    platform = build_platform()
    transport = platform.bus.transport
    try:
        for spec in (QueueSpec(QUEUE), worker_queue("echo")):
            await transport.declare(spec)  # so destroy() knows them
        await transport.destroy()  # type: ignore[attr-defined]
        await transport.close()
    finally:
        platform.close()


def sample(name: str, queue: str, type_: str) -> float:
    return REGISTRY.get_sample_value(name, {"queue": queue, "type": type_}) or 0.0


def seed(queue: str) -> dict[str, list[str]]:
    """Per type, the ids of 2 probes and 2 echo requests of tenant acme, retried once, then dead."""
    platform = build_platform()
    seen: dict[str, int] = {}

    async def run() -> dict[str, list[str]]:
        transport = platform.bus.transport
        await transport.start()
        tenant = platform.tenants.create("acme", name="Acme SRL", cui="RO18547290")
        ctx = TenantContext(tenant.id, "acme", system=True)
        ids: dict[str, list[str]] = {PROBE: [], ECHO: []}
        with UnitOfWork(platform.databases, tenant=ctx) as uow:
            for n in range(2):
                ids[PROBE].append(uow.publish(ProbeSent(seq=n)).id)
                ids[ECHO].append(uow.publish(EchoRequested(text=f"t{n}")).id)

        async def fail_then_refuse(delivery: Delivery) -> None:
            assert delivery.envelope is not None
            seen[delivery.envelope.id] = seen.get(delivery.envelope.id, 0) + 1
            if delivery.attempt == 1:
                raise RuntimeError("transient")  # retried
            raise Unprocessable("bad message")  # dead at once

        policy = RetryPolicy(max_attempts=5, base_delay=0.05, max_delay=0.1, jitter=0)
        consumer = Consumer(transport, queue, {PROBE: fail_then_refuse, ECHO: fail_then_refuse}, retry=policy)
        await consumer.start()
        await Relay(transport, platform.databases, lambda: ["acme"]).drain("acme")
        for _ in range(500):
            if len(await transport.dead_letters(queue=queue)) == 4:
                break
            await asyncio.sleep(0.02)
        await consumer.stop()
        await transport.close()
        return ids

    try:
        return asyncio.run(run())
    finally:
        platform.close()
        assert sorted(seen.values()) == [2, 2, 2, 2]  # each one retry, then dead


def listed(runner: CliRunner, *args: str) -> list[dict[str, object]]:
    result = runner.invoke(app, ["dlq", "list", "--queue", QUEUE, "--json", *args])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def counters(type_: str) -> tuple[float, ...]:
    labels = {"queue": QUEUE, "type": type_}
    return (
        sample("genius_bus_retries_total", QUEUE, type_),
        sample("genius_bus_dead_letters_total", QUEUE, type_),
        REGISTRY.get_sample_value("genius_bus_consumed_total", {**labels, "outcome": "retry"}) or 0.0,
        REGISTRY.get_sample_value("genius_bus_consumed_total", {**labels, "outcome": "dead"}) or 0.0,
    )


def test_retry_and_dead_letter_counters(env: str) -> None:
    before = {t: counters(t) for t in (PROBE, ECHO)}
    seed(QUEUE)
    for t in (PROBE, ECHO):
        # Two messages of each type: each retried once, then dead-lettered once.
        assert counters(t) == tuple(n + 2 for n in before[t]), t


def test_dlq_replay_and_purge_select_by_type(env: str) -> None:
    ids = seed(QUEUE)
    runner = CliRunner()
    everything = listed(runner)
    assert sorted(str(r["event_id"]) for r in everything) == sorted(ids[PROBE] + ids[ECHO])
    echoes = listed(runner, "--type", ECHO)
    assert sorted(str(r["event_id"]) for r in echoes) == sorted(ids[ECHO])
    assert {r["type"] for r in echoes} == {ECHO}

    replayed = runner.invoke(app, ["dlq", "replay", "--queue", QUEUE, "--type", ECHO])
    assert replayed.exit_code == 0, replayed.output
    assert "replayed 2 dead letter(s)" in replayed.stdout
    left = listed(runner)
    assert sorted(str(r["event_id"]) for r in left) == sorted(ids[PROBE])  # the probes were not touched
    assert outbox_types("acme")[-1] == "audit.bus.dead_letters_replayed"
    # The replayed echoes wait in the queue again (no consumer runs now).
    assert _depth(QUEUE) == 2

    purged = runner.invoke(app, ["dlq", "purge", "--queue", QUEUE, "--type", PROBE, "--yes"])
    assert purged.exit_code == 0, purged.output
    assert "purged 2 dead letter(s)" in purged.stdout
    assert listed(runner) == []
    assert outbox_types("acme")[-1] == "audit.bus.dead_letters_purged"
    # Purging by a type with nothing dead left deletes nothing and says so.
    again = runner.invoke(app, ["dlq", "purge", "--queue", QUEUE, "--type", ECHO, "--yes"])
    assert again.exit_code == 0 and "purged 0 dead letter(s)" in again.stdout
    assert _depth(QUEUE) == 2  # purge never touches waiting messages


def _depth(queue: str) -> int:
    platform = build_platform()

    async def run() -> int:
        await platform.bus.transport.start()
        try:
            return await platform.bus.transport.queue_depth(queue)
        finally:
            await platform.bus.transport.close()

    try:
        return asyncio.run(run())
    finally:
        platform.close()
