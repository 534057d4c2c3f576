"""`genius serve`: migrate, make sure the demo tenant exists, and serve the API with uvicorn.

``--workers N`` (or ``GENIUS_WEB_WORKERS``) serves the API from N uvicorn processes. Exactly
one of them, the first to take the lock file ``<data_dir>/serve.primary.lock``, also runs the
embedded relay, subscribers and workers (if it dies, uvicorn starts another process, which takes
the lock over). ``--api-only`` runs none of them in any process: the relay and workers then run as
``genius worker`` processes. Several processes need PostgreSQL: on SQLite ``--workers`` stays 1.
"""

from __future__ import annotations

import os
import socket

import typer


def serve(
    host: str | None = typer.Option(None, "--host", help="Interface to listen on (settings.host)."),
    port: int | None = typer.Option(None, "--port", help="Port to listen on (settings.port)."),
    workers: int = typer.Option(
        1, "--workers", envvar="GENIUS_WEB_WORKERS", min=1, help="API processes (PostgreSQL only above 1)."
    ),
    api_only: bool = typer.Option(
        False, "--api-only", help="No embedded relay/subscribers/workers: run `genius worker` beside it."
    ),
) -> None:
    """Serve Genius ERP: migrations, demo tenant (admin password shown on first start), HTTP API."""
    import uvicorn

    from genius.bootstrap import build_platform
    from genius.kernel.errors import GeniusError
    from genius.platform.auth.demo import ensure_demo_tenant
    from genius.platform.observability.logs import configure_logging_for
    from genius.platform.settings import get_settings
    from genius.web.app import create_app

    from .tenant import fail

    settings = get_settings()
    updates = {key: value for key, value in (("host", host), ("port", port)) if value is not None}
    if updates:
        settings = settings.model_validate({**settings.model_dump(), **updates})
    configure_logging_for(settings)
    double = _anaf_double(settings)
    if double is not None:
        from genius.demo.anaf import double_settings

        settings = settings.model_copy(update=double_settings(double.base_url, settings.base_url))
    if workers > 1 and settings.database_url is None:
        if double is not None:
            double.stop()
        raise typer.BadParameter(
            "several API processes need PostgreSQL (set GENIUS_DATABASE_URL): on the embedded"
            " SQLite default, serve with --workers 1",
            param_hint="--workers",
        )
    platform = build_platform(settings)  # migrates the control plane
    try:
        tenants = platform.tenants.list()
        for tenant in tenants:
            platform.databases.migrate(tenant.slug)
        typer.echo(f"data in {platform.databases.data_dir}; {len(tenants)} tenant(s) migrated")
        demo = ensure_demo_tenant(platform, echo=typer.echo)
        if workers > 1:
            _serve_processes(settings, double, workers, api_only)
            return
        app = create_app(platform)
        # Embedded default: every worker (PDF, e-mail, OCR) and the outbox relay run in this process.
        from genius.workers.runtime import embed_workers

        if not api_only:
            embed_workers(app, platform)
            embed_subscribers(app, platform)
        if double is not None and settings.demo_data:  # demo data goes to the double, never to ANAF
            from genius.cli.demo import embed_demo_seed

            embed_demo_seed(app, platform, double.double, demo.slug)
        settle_after_startup(app)
        config = uvicorn.Config(
            app,
            host=settings.host,
            port=settings.port,
            access_log=False,  # the gateway logs each request with its trace id
            log_config=None,  # keep the JSON logging configured above
            server_header=False,
            lifespan="on",
        )
        _AnnouncingServer(config, url=settings.base_url).run()
    except GeniusError as exc:
        raise fail(exc) from None
    finally:
        platform.close()
        if double is not None:
            double.stop()


PRIMARY_LOCK = "serve.primary.lock"
_API_ONLY_ENV = "GENIUS_SERVE_API_ONLY"


def _serve_processes(settings, double, workers: int, api_only: bool) -> None:  # type: ignore[no-untyped-def]
    """uvicorn's process manager over :func:`process_app`; the settings reach the processes
    through the environment (host and port as uvicorn's own arguments)."""
    import uvicorn

    if double is not None:
        from genius.demo.anaf import double_settings

        for key, value in double_settings(double.base_url, settings.base_url).items():
            secret = getattr(value, "get_secret_value", None)
            os.environ[f"GENIUS_{key.upper()}"] = secret() if secret else str(value)
    os.environ[_API_ONLY_ENV] = "1" if api_only else "0"
    mode = "API only" if api_only else "one of them also runs the relay, subscribers and workers"
    typer.echo(f"Genius ERP: {workers} API processes on {settings.base_url} ({mode})")
    uvicorn.run(
        "genius.cli.serve:process_app",
        factory=True,
        workers=workers,
        host=settings.host,
        port=settings.port,
        access_log=False,
        log_config=None,
        server_header=False,
        lifespan="on",
    )


def process_app():  # type: ignore[no-untyped-def]
    """One API process of ``genius serve --workers N`` (uvicorn calls this in each process)."""
    import fcntl

    from genius.web.app import create_app

    app = create_app()  # builds its platform from settings and closes it at shutdown
    if os.environ.get(_API_ONLY_ENV) == "1":
        settle_after_startup(app)
        return app
    platform = app.state.platform
    lock = open(platform.databases.data_dir / PRIMARY_LOCK, "a")  # noqa: SIM115 (held for life)
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        lock.close()
        settle_after_startup(app)
        return app  # another process is the primary
    from genius.workers.runtime import embed_workers

    app.state.primary_lock = lock  # released by the OS when this process ends
    embed_workers(app, platform)
    embed_subscribers(app, platform)
    settle_after_startup(app)  # outermost: after the workers and subscribers started
    return app


def _anaf_double(settings):  # type: ignore[no-untyped-def]
    """The embedded default: without an ANAF OAuth profile (``anaf_client_id``), serve the ANAF
    double on a local port and talk to it; a configured installation talks to the ANAF it names."""
    if settings.anaf_client_id:
        return None
    from genius.demo.anaf import DoubleServer

    server = DoubleServer().start()
    typer.echo(
        f"ANAF: no anaf_client_id configured, so e-Factura goes to the embedded ANAF double on"
        f" {server.base_url} (TEST, not ANAF; set GENIUS_ANAF_CLIENT_ID etc. for the real one)"
    )
    return server


def settle_after_startup(app) -> None:  # type: ignore[no-untyped-def]
    """Every server process, ``--api-only`` ones included, settles once its startup is done: GC
    freeze and the 0.5 ms GIL switch interval (platform.bus.process). Without the short interval an
    API process's issuing thread holding the series lock waited up to 5 ms for the GIL after each
    database answer while the other thread computed its next invoice (docs/benchmarks.md, Sales:
    issuing, session 5)."""
    from contextlib import asynccontextmanager

    from genius.platform.bus.process import settle_process

    inner = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(the_app):  # type: ignore[no-untyped-def]
        async with inner(the_app) as state:
            settle_process()
            yield state

    app.router.lifespan_context = lifespan


def embed_subscribers(app, platform) -> None:  # type: ignore[no-untyped-def]
    """Run every app's event subscribers (accounting postings, bank open items...) in-process."""
    from contextlib import asynccontextmanager

    from genius.bootstrap import running_subscribers

    inner = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(the_app):  # type: ignore[no-untyped-def]
        # Subscribers first: their queues must be bound before the relay publishes, or the
        # events committed while the process was down would be routed to no queue.
        async with running_subscribers(platform), inner(the_app) as state:
            yield state

    app.router.lifespan_context = lifespan


class _AnnouncingServer:
    """uvicorn's server, printing the URL once the socket is really listening."""

    def __init__(self, config, *, url: str) -> None:  # type: ignore[no-untyped-def]
        import uvicorn

        banner = f"Genius ERP is serving on {url}  (API docs: {url}/api/docs)"

        class Server(uvicorn.Server):
            async def startup(self, sockets: list[socket.socket] | None = None) -> None:
                await super().startup(sockets)
                if self.started:
                    typer.echo(banner)

        self._server = Server(config)

    def run(self) -> None:
        self._server.run()
        if not self._server.started:
            raise typer.Exit(1)  # uvicorn has logged why (port in use, bad host)
