"""`genius worker --tags pdf.render,email.send`: a worker process for some (or all) worker tags.

It consumes ``worker.<tag>`` queues, relays the outbox (job results go out as events), beats its
heartbeat into the worker registry, and on SIGTERM/SIGINT stops taking jobs, lets in-flight ones
finish for ``--grace`` seconds and hands the rest back to the queue.
"""

from __future__ import annotations

import asyncio

import typer

from .service import migrate_tenants, service_platform, stop_on_signals

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
    from genius.workers.runtime import WorkerRuntime, select_handlers

    with service_platform() as platform:
        handlers = select_handlers(
            None if tags.strip() == "all" else [t for t in tags.split(",") if t.strip()]
        )
        migrate_tenants(platform)
        runtime = WorkerRuntime(
            platform, handlers, concurrency=concurrency, job_timeout=timeout, run_relay=relay
        )
        asyncio.run(_run(runtime, grace))


async def _run(runtime: object, grace: float) -> None:
    from genius.platform.bus.process import settle_process
    from genius.workers.runtime import WorkerRuntime

    assert isinstance(runtime, WorkerRuntime)
    stop = stop_on_signals()
    await runtime.start()
    settle_process()
    typer.echo(f"worker {runtime.instance_id} ready: {', '.join(runtime.handlers)}")
    try:
        await stop.wait()
    finally:
        typer.echo("stopping: in-flight jobs finish or go back to the queue")
        await runtime.stop(grace)
        await runtime.transport.close()
