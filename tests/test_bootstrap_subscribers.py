"""The composition root starts every app subscriber: an issued invoice reaches the ledger and the
bank's open items in a process that runs only what `genius serve` runs."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import sqlalchemy as sa

from genius.apps.accounting import tables as acc
from genius.apps.sales import handlers as h
from genius.apps.sales.commands import CreateAndIssue
from genius.bootstrap import build_platform, running_subscribers
from tests.apps.sales.conftest import setup_world
from tests.web.conftest import base_settings


async def test_running_subscribers_posts_an_issued_invoice(tmp_path: Path) -> None:
    platform = build_platform(base_settings(tmp_path))
    world = setup_world(platform)
    try:
        async with running_subscribers(platform) as consumers:
            names = {c.name for c in consumers}
            assert {"accounting.postings", "accounting.bank-open-items"} <= names
            with world.scope():
                issued = h.create_and_issue(world.deps, CreateAndIssue(world.draft()))
            await platform.bus.relay().drain(world.tenant.slug)
            deadline = time.monotonic() + 20
            while True:
                with world.engine().connect() as conn:
                    posted = conn.execute(sa.select(sa.func.count()).select_from(acc.entries)).scalar_one()
                if posted == 1:
                    break
                assert time.monotonic() < deadline, "the accounting subscriber never posted the invoice"
                await asyncio.sleep(0.05)
        assert issued.number
    finally:
        await platform.bus.transport.close()
        platform.close()
