"""`genius serve`: migrate, make sure the demo tenant exists, and serve the API with uvicorn."""

from __future__ import annotations

import socket

import typer


def serve(
    host: str | None = typer.Option(None, "--host", help="Interface to listen on (settings.host)."),
    port: int | None = typer.Option(None, "--port", help="Port to listen on (settings.port)."),
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
    platform = build_platform(settings)  # migrates the control plane
    try:
        tenants = platform.tenants.list()
        for tenant in tenants:
            platform.databases.migrate(tenant.slug)
        typer.echo(f"data in {platform.databases.data_dir}; {len(tenants)} tenant(s) migrated")
        demo = ensure_demo_tenant(platform, echo=typer.echo)
        app = create_app(platform)
        # Embedded default: every worker (PDF, e-mail, OCR) and the outbox relay run in this process.
        from genius.workers.runtime import embed_workers

        embed_workers(app, platform)
        embed_subscribers(app, platform)
        if double is not None and settings.demo_data:  # demo data goes to the double, never to ANAF
            from genius.cli.demo import embed_demo_seed

            embed_demo_seed(app, platform, double.double, demo.slug)
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
