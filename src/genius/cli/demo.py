"""`genius demo --tenant <slug> [--seed N]`: seed a tenant with three months of demo data.

Runs in this process everything the seed needs: the ANAF double on a local port (demo data never
reaches the real ANAF, whatever the settings say), the app subscribers (accounting postings, bank
open items), the ``anaf.efactura`` worker and the outbox relay, until every event is handled.
Then prints what the tenant holds. A tenant seeded before is left alone and says so.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from datetime import date
from typing import Any

import typer

from genius.cli.tenant import command_platform
from genius.kernel.errors import GeniusError


async def seed_in_process(
    platform: Any,
    slug: str,
    *,
    today: date,
    seed: int,
    size: Any = None,
    echo: Callable[[str], None] = typer.echo,
    stop: Any = None,
) -> Any:
    """Serve the ANAF double, run subscribers + worker + relay, seed ``slug`` on a thread, stop."""
    from genius.apps.sales.spv.oauth import EXTRAS_KEY
    from genius.bootstrap import running_subscribers
    from genius.demo import DemoSize, seed_demo
    from genius.demo.anaf import DoubleServer, double_settings
    from genius.demo.settle import BusWatch
    from genius.platform.bus.transport import worker_queue
    from genius.workers import anaf_efactura
    from genius.workers.runtime import WorkerRuntime, select_handlers

    with DoubleServer() as server:
        # This process's ANAF clients talk to the double only.
        platform.settings = platform.settings.model_copy(
            update=double_settings(server.base_url, platform.settings.base_url)
        )
        platform.extras.pop(EXTRAS_KEY, None)
        async with running_subscribers(platform) as consumers:
            runtime = WorkerRuntime(platform, select_handlers([anaf_efactura.TAG]), run_schedules=False)
            await runtime.start()
            try:
                queues = [c.spec.name for c in consumers] + [worker_queue(anaf_efactura.TAG).name]
                # Ctrl+C cancels this coroutine; the seed's thread ends at its next unit of work.
                stop = stop or threading.Event()
                watch = BusWatch(
                    platform,
                    slug,
                    asyncio.get_running_loop(),
                    queues,
                    job_tags=[anaf_efactura.TAG],
                    stop=stop,
                )
                seeding = asyncio.to_thread(
                    seed_demo,
                    platform,
                    slug,
                    today=today,
                    seed=seed,
                    size=size or DemoSize(),
                    settle=watch.settle,
                    double=server.double,
                    echo=echo,
                    stop=stop,
                )
                try:
                    return await seeding
                except asyncio.CancelledError:
                    stop.set()
                    raise
            finally:
                await runtime.stop(grace=10)


def demo(
    tenant: str = typer.Option(..., "--tenant", help="The tenant's slug (it must exist)."),
    seed: int = typer.Option(2026, "--seed", help="Random seed: the same seed gives the same data."),
) -> None:
    """Seed a tenant with demo data (partners, products, ~330 documents, ANAF, suppliers, bank)."""
    from genius.apps.sales.handlers import romanian_today

    with command_platform() as platform:
        slug = platform.tenants.get(tenant).slug
        _refuse_other_workers(platform)
        platform.databases.migrate(slug)

        async def run() -> Any:
            try:
                return await seed_in_process(platform, slug, today=romanian_today(), seed=seed)
            finally:
                await platform.bus.transport.close()

        summary = asyncio.run(run())
    for line in summary.lines():
        typer.echo(f"  {line}")


def _refuse_other_workers(platform: Any) -> None:
    """Another live process serving ``anaf.efactura`` could take the demo's submission jobs and send
    them to the ANAF it is configured for: refuse until it is stopped."""
    from genius.kernel.errors import Conflict
    from genius.platform.jobs.registry import WorkerRegistry
    from genius.workers import anaf_efactura

    live = sum(
        s.instances
        for s in WorkerRegistry(platform.control).summary([anaf_efactura.TAG])
        if s.tag == anaf_efactura.TAG
    )
    if live:
        raise Conflict(
            f"{live} other process(es) serve the {anaf_efactura.TAG} worker of this installation (genius"
            " serve or genius worker): they could take the demo's submissions; stop them, then run"
            " genius demo again (a process that died counts until its heartbeat is 15 s old)",
            code="demo_workers_running",
        )


def embed_demo_seed(app: Any, platform: Any, double: Any, slug: str, size: Any = None) -> None:
    """``genius serve``: once the server runs, seed the demo tenant in the background (first start).

    The seed takes a minute or two (ANAF's call limit paces the submissions), so it never holds
    up the server: it runs on a thread while the embedded relay, subscribers and workers handle
    its events, and logs its progress. A tenant already seeded is only authorized again for this
    process's ANAF double (a new double each start: the old grant is of a double that is gone).
    """
    import logging
    from contextlib import asynccontextmanager

    inner = app.router.lifespan_context
    log = logging.getLogger("genius.demo")
    stop = threading.Event()

    async def background() -> None:
        from genius.apps.sales.handlers import romanian_today
        from genius.bootstrap import subscriber_factories
        from genius.demo import DemoSize, read_marker, seed_demo
        from genius.demo.anaf import authorize
        from genius.demo.seed import DONE, tenant_context
        from genius.demo.settle import BusWatch
        from genius.platform.bus.transport import worker_queue
        from genius.workers import anaf_efactura

        try:
            marker = await asyncio.to_thread(read_marker, platform, slug)
            if marker is not None and marker.get("stage") == DONE:
                await asyncio.to_thread(authorize, platform, tenant_context(platform, slug))
                log.info("demo tenant %s holds demo data; authorized for the embedded ANAF double", slug)
                return
            transport = platform.bus.transport
            queues = [
                factory(transport, platform.databases, platform.bus.tenant_resolver).spec.name
                for factory in subscriber_factories()
            ] + [worker_queue(anaf_efactura.TAG).name]
            watch = BusWatch(
                platform, slug, asyncio.get_running_loop(), queues, job_tags=[anaf_efactura.TAG], stop=stop
            )
            log.info("seeding demo tenant %s in the background", slug)
            summary = await asyncio.to_thread(
                seed_demo,
                platform,
                slug,
                today=romanian_today(),
                size=size or DemoSize(),
                settle=watch.settle,
                double=double,
                echo=log.info,
                stop=stop,
            )
            log.info("demo tenant %s: %s", slug, ", ".join(f"{k} {v}" for k, v in summary.counts.items()))
        except GeniusError as exc:
            log.error("demo data for %s: %s", slug, exc.message)
        except Exception:  # the server keeps serving; the log says why the demo data is missing
            log.exception("demo data for %s failed", slug)

    @asynccontextmanager
    async def lifespan(the_app: Any):  # type: ignore[no-untyped-def]
        async with inner(the_app) as state:
            task = asyncio.create_task(background(), name="demo-seed")
            try:
                yield state
            finally:
                if not task.done():
                    log.warning("server stopping while the demo seed of %s runs: it will be incomplete", slug)
                    stop.set()  # the seed's thread ends after its current unit of work
                    await asyncio.wait({task}, timeout=30)

    app.router.lifespan_context = lifespan
