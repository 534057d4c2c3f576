"""End to end with a running worker runtime (local bus): the API's submit settled by anaf.efactura, and
the periodic jobs (token refresh, resume, inbound, BNR) claimed once per period per tenant."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from genius.kernel.clock import utcnow
from genius.platform.bus.local import LocalTransport
from genius.platform.jobs import JobService, JobState
from genius.workers.runtime import WorkerRuntime, select_handlers
from genius.workers.schedules import run_due
from tests.apps.sales.conftest import World, setup_world
from tests.apps.sales.spv.conftest import Anaf, Client, authorize, authorize_through_the_api, issue


async def eventually(check: Callable[[], bool], timeout: float = 30.0, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        await asyncio.sleep(0.1)


async def test_the_api_submit_is_settled_by_a_running_worker(spv: Client, anaf: Anaf, tmp_path: Path) -> None:
    platform = spv.gateway.platform
    authorize_through_the_api(spv)
    invoice_id, number = issue(spv.world)
    started = spv.call("POST", f"/invoices/{invoice_id}/submit", 202)
    transport = LocalTransport(tmp_path / "bus" / "queue.db", lease_seconds=2.0)
    runtime = WorkerRuntime(
        platform,
        select_handlers(["anaf.efactura"]),
        transport=transport,
        heartbeat_seconds=0.5,
        run_schedules=False,
    )
    await runtime.start()
    try:
        jobs = JobService(platform.databases)
        await eventually(
            lambda: jobs.get(spv.world.tenant.slug, started["job_id"]).state.terminal, what="the submit job"
        )
        job = jobs.get(spv.world.tenant.slug, started["job_id"])
    finally:
        await runtime.stop(grace=5)
    assert job.state is JobState.SUCCEEDED, job.error
    assert job.result is not None and job.result["outcome"] == "accepted"
    [attempt] = spv.call("GET", f"/invoices/{invoice_id}/submissions", 200)
    assert attempt["state"] == "accepted" and len(anaf.uploads_of(number)) == 1


def test_periodic_jobs_start_once_per_period_and_only_where_they_apply(seller: World) -> None:
    platform = seller.platform
    other = setup_world(platform)  # never authorized ANAF
    tags = {"anaf.efactura", "bnr.rates", "email.send"}
    now = utcnow()
    started = run_due(platform, tags, now)
    mine = sorted(name for slug, name, _ in started if slug == seller.tenant.slug)
    theirs = sorted(name for slug, name, _ in started if slug == other.tenant.slug)
    assert mine == [
        "anaf_efactura.inbound",
        "anaf_efactura.resume",
        "anaf_efactura.tokens",
        "bnr_rates.daily",
    ]
    assert theirs == ["bnr_rates.daily"]
    assert run_due(platform, tags, now + timedelta(minutes=1)) == []  # claimed for this period
    resumed = run_due(platform, tags, now + timedelta(minutes=6))
    assert sorted(name for _, name, _ in resumed) == ["anaf_efactura.resume"]
    assert run_due(platform, {"pdf.render"}, now + timedelta(days=2)) == []  # not served here
    platform.settings.bnr_import_every_hours = 0.0  # off
    later = run_due(platform, tags, now + timedelta(days=2))
    assert "bnr_rates.daily" not in {name for _, name, _ in later}
    authorize(other)
    assert any(slug == other.tenant.slug for slug, _, _ in run_due(platform, tags, now + timedelta(days=3)))
