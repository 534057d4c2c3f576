"""`genius dlq list|show|replay|purge` on the local transport of a real platform (temp data folder)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from genius.bootstrap import build_platform
from genius.cli.main import app
from genius.platform.bus.consumer import Consumer, Unprocessable
from genius.platform.bus.messages import ProbeSent
from genius.platform.bus.relay import Relay
from genius.platform.bus.transport import Delivery
from genius.platform.db.uow import UnitOfWork
from genius.platform.settings import get_settings
from genius.platform.tenancy import TenantContext

MASTER_KEY = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="  # 32 zero bytes, tests only


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("GENIUS_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("GENIUS_MASTER_KEY", MASTER_KEY)
    for name in ("GENIUS_DATABASE_URL", "GENIUS_AMQP_URL"):
        monkeypatch.delenv(name, raising=False)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def seed_dead_letters() -> list[str]:
    """Two tenants' probes dead-lettered by a handler that refuses them."""
    platform = build_platform()

    async def run() -> list[str]:
        transport = platform.bus.transport
        await transport.start()
        ids: list[str] = []
        contexts = {}
        for slug in ("acme", "beta"):
            tenant = platform.tenants.create(slug, name=f"{slug} SRL", cui="RO18547290")
            contexts[slug] = TenantContext(tenant.id, slug, system=True)
            with UnitOfWork(platform.databases, tenant=contexts[slug]) as uow:
                ids += [uow.publish(ProbeSent(seq=n, note=slug)).id for n in range(2)]

        async def refuse(delivery: Delivery) -> None:
            raise Unprocessable("bad probe")

        consumer = Consumer(transport, "probes", {"bus.probe.sent": refuse})
        await consumer.start()
        relay = Relay(transport, platform.databases, lambda: ["acme", "beta"])
        for slug in contexts:
            await relay.drain(slug)
        for _ in range(200):
            if len(await transport.dead_letters()) == 4:
                break
            await asyncio.sleep(0.02)
        await consumer.stop()
        await transport.close()
        return ids

    try:
        return asyncio.run(run())
    finally:
        platform.close()


def outbox_types(slug: str) -> list[str]:
    platform = build_platform()
    try:
        with platform.databases.engine_for_slug(slug).connect() as conn:
            return list(conn.execute(sa.text("SELECT type FROM bus_outbox ORDER BY seq")).scalars())
    finally:
        platform.close()


def test_dlq_commands(env: None) -> None:
    ids = seed_dead_letters()
    runner = CliRunner()

    listed = runner.invoke(app, ["dlq", "list", "--json"])
    assert listed.exit_code == 0, listed.output
    rows = json.loads(listed.stdout)
    assert sorted(r["event_id"] for r in rows) == sorted(ids)
    assert {r["queue"] for r in rows} == {"probes"} and all("bad probe" in r["reason"] for r in rows)

    only_beta = json.loads(runner.invoke(app, ["dlq", "list", "--tenant", "beta", "--json"]).stdout)
    assert sorted(r["event_id"] for r in only_beta) == sorted(ids[2:])
    other_type = runner.invoke(app, ["dlq", "list", "--type", "sales.invoice.issued", "--json"])
    assert json.loads(other_type.stdout) == []
    assert "4 dead letter(s)" in runner.invoke(app, ["dlq", "list"]).stdout

    shown = runner.invoke(app, ["dlq", "show", ids[0]])
    assert shown.exit_code == 0, shown.output
    [detail] = json.loads(shown.stdout)
    assert detail["event"]["id"] == ids[0] and detail["event"]["data"] == {"seq": 0, "note": "acme"}
    assert runner.invoke(app, ["dlq", "show", "no-such-id"]).exit_code == 1

    refused = runner.invoke(app, ["dlq", "replay", "--queue", "probes"])
    assert refused.exit_code == 2 and "--all" in refused.output  # no accidental mass replay

    replayed = runner.invoke(app, ["dlq", "replay", "--queue", "probes", ids[0]])
    assert replayed.exit_code == 0, replayed.output
    assert "replayed 1 dead letter(s)" in replayed.stdout
    remaining = json.loads(runner.invoke(app, ["dlq", "list", "--json"]).stdout)
    assert sorted(r["event_id"] for r in remaining) == sorted(ids[1:])
    assert outbox_types("acme")[-1] == "audit.bus.dead_letters_replayed"

    purged = runner.invoke(app, ["dlq", "purge", "--queue", "probes", "--tenant", "beta", "--yes"])
    assert purged.exit_code == 0, purged.output
    assert "purged 2 dead letter(s)" in purged.stdout
    assert outbox_types("beta")[-1] == "audit.bus.dead_letters_purged"
    left = json.loads(runner.invoke(app, ["dlq", "list", "--json"]).stdout)
    assert [r["event_id"] for r in left] == [ids[1]]

    missing = runner.invoke(app, ["dlq", "purge", "--queue", "probes", "nope", "--yes"])
    assert missing.exit_code == 1
