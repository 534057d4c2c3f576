"""`genius worker --tags pdf.render,email.send`: a worker process for some (or all) worker tags.

It consumes ``worker.<tag>`` queues, relays the outbox (job results go out as events), beats its
heartbeat into the worker registry, and on SIGTERM/SIGINT stops taking jobs, lets in-flight ones
finish for ``--grace`` seconds and hands the rest back to the queue.
"""

from __future__ import annotations

import asyncio
import signal

import typer

app = typer.Typer(help="Run worker processes (PDF, e-mail, OCR jobs).")


@app.callback(invoke_without_command=True)
def worker(
    tags: str = typer.Option(
        "all", "--tags", help="Comma-separated worker tags (pdf.render, email.send, ocr) or 'all'."
    ),
    concurrency: int = typer.Option(2, "--concurrency", min=1, help="Jobs at once per tag."),
    timeout: float = typer.Option(600.0, "--timeout", min=1.0, help="Seconds one job may run."),
    grace: float = typer.Option(30.0, "--grace", min=0.0, help="Seconds in-flight jobs get at shutdown."),
    relay: bool = typer.Option(True, "--relay/--no-relay", help="Also publish the outbox of every tenant."),
) -> None:
    """Run workers until SIGTERM or Ctrl-C."""
    from genius.bootstrap import build_platform
    from genius.kernel.errors import GeniusError
    from genius.platform.observability.logs import configure_logging
    from genius.workers.runtime import WorkerRuntime, select_handlers

    from .tenant import fail

    platform = build_platform()
    configure_logging(platform.settings.log_level, json_output=platform.settings.log_json)
    try:
        handlers = select_handlers(
            None if tags.strip() == "all" else [t for t in tags.split(",") if t.strip()]
        )
        for tenant in platform.tenants.list():
            platform.databases.migrate(tenant.slug)
        runtime = WorkerRuntime(
            platform, handlers, concurrency=concurrency, job_timeout=timeout, run_relay=relay
        )
        asyncio.run(_run(runtime, grace))
    except GeniusError as exc:
        raise fail(exc) from None
    finally:
        platform.close()


async def _run(runtime: object, grace: float) -> None:
    from genius.platform.bus.heap import settle_heap
    from genius.workers.runtime import WorkerRuntime

    assert isinstance(runtime, WorkerRuntime)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await runtime.start()
    settle_heap()
    typer.echo(f"worker {runtime.instance_id} ready: {', '.join(runtime.handlers)}")
    try:
        await stop.wait()
    finally:
        typer.echo("stopping: in-flight jobs finish or go back to the queue")
        await runtime.stop(grace)
        await runtime.transport.close()
