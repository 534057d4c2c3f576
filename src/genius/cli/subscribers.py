"""`genius subscribers --apps accounting`: the apps' event subscribers alone, as their own process.

``genius serve`` runs every subscriber inside its primary process; this command runs them (or
some) beside it, on other machines, or several times over: each subscriber is one durable queue,
so more processes on it share its events as competing consumers and the inbox keeps each effect
once. By default it also relays the outbox (effects publish follow-up events; only one relay per
tenant publishes at a time). On SIGTERM/SIGINT it stops taking events, lets in-flight ones finish
for ``--grace`` seconds and hands the rest back to the queue.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import typer

from .service import migrate_tenants, service_platform, stop_on_signals


def subscribers(
    apps: str = typer.Option(
        "all",
        "--apps",
        help="Comma-separated apps (accounting) or subscriber names (accounting.postings), or 'all'.",
    ),
    grace: float = typer.Option(10.0, "--grace", min=0.0, help="Seconds in-flight events get at shutdown."),
    relay: bool = typer.Option(True, "--relay/--no-relay", help="Also publish the outbox of every tenant."),
) -> None:
    """Run app subscribers until SIGTERM or Ctrl-C."""
    with service_platform() as platform:
        select = selector(apps, subscriber_names(platform))
        migrate_tenants(platform)
        asyncio.run(_run(platform, select, grace, relay))


def subscriber_names(platform: object) -> list[str]:
    """The names of the apps' subscribers (bootstrap's list; building a consumer does no I/O)."""
    from genius.bootstrap import Platform, subscriber_factories

    assert isinstance(platform, Platform)
    bus = platform.bus
    return [f(bus.transport, platform.databases, bus.tenant_resolver).name for f in subscriber_factories()]


def selector(apps: str, known: list[str]) -> Callable[[str], bool] | None:
    """Which subscribers ``--apps`` names: an app (the first part of a subscriber's name) or a full
    name; None for all. Unknown names are refused, naming the known ones."""
    wanted = {a.strip() for a in apps.split(",") if a.strip()}
    if not wanted:
        raise typer.BadParameter("name at least one app or subscriber, or 'all'", param_hint="--apps")
    if wanted == {"all"}:
        return None
    known_apps = {name.split(".", 1)[0] for name in known}
    unknown = sorted(wanted - set(known) - known_apps)
    if unknown:
        raise typer.BadParameter(
            f"unknown {', '.join(unknown)}; apps: {', '.join(sorted(known_apps))};"
            f" subscribers: {', '.join(sorted(known))}",
            param_hint="--apps",
        )
    return lambda name: name in wanted or name.split(".", 1)[0] in wanted


async def _run(platform: object, select: Callable[[str], bool] | None, grace: float, relay: bool) -> None:
    from genius.bootstrap import Platform, running_subscribers
    from genius.platform.bus.process import settle_process

    assert isinstance(platform, Platform)
    stop = stop_on_signals()
    try:
        # Subscribers first: their queues must be bound before the relay publishes, or events
        # committed while no subscriber ran would be routed to no queue.
        async with running_subscribers(platform, select=select, grace=grace) as started:
            if not started:
                raise typer.BadParameter("no subscriber selected", param_hint="--apps")
            await platform.bus.start(relay=relay)
            settle_process()
            typer.echo(f"subscribers ready: {', '.join(c.name for c in started)}")
            await stop.wait()
            typer.echo("stopping: in-flight events finish or go back to the queue")
        # The subscribers have stopped (acks sent); now the relay, then the connection.
    finally:
        await platform.bus.stop()
