"""`genius dlq list|show|replay|purge`: the dead letters of the bus, per queue, tenant and type.

Replay and purge are recorded as audit events (``audit.bus.dead_letters_replayed`` /
``..._purged``) in the outbox of every tenant whose messages they touched.
"""

from __future__ import annotations

import asyncio
import getpass
import json
from collections import defaultdict
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, TypeVar

import typer

from genius.kernel.errors import GeniusError
from genius.platform.bus.messages import DeadLettersPurged, DeadLettersReplayed
from genius.platform.bus.transport import DeadLetter, Transport

app = typer.Typer(help="Dead letters: list, show, replay after a fix, purge.", no_args_is_help=True)
T = TypeVar("T")

TENANT = typer.Option(None, "--tenant", help="Only this tenant (slug).")
TYPE = typer.Option(None, "--type", help="Only this message type (e.g. sales.invoice.issued).")


def _with_transport(work: Callable[[Any, Transport], Awaitable[T]]) -> T:
    from genius.bootstrap import build_platform

    platform = build_platform()

    async def run() -> T:
        transport = platform.bus.transport
        await transport.start()
        try:
            return await work(platform, transport)
        finally:
            await transport.close()

    try:
        return asyncio.run(run())
    except GeniusError as exc:
        typer.secho(f"error: {exc.message}", err=True, fg="red")
        raise typer.Exit(1) from None
    finally:
        platform.close()


def _as_dict(letter: DeadLetter, with_body: bool = False) -> dict[str, Any]:
    data: dict[str, Any] = {
        "queue": letter.queue,
        "event_id": letter.event_id,
        "type": letter.type,
        "tenant": letter.tenant,
        "attempts": letter.attempts,
        "dead_at": letter.dead_at.isoformat() if letter.dead_at else None,
        "reason": letter.reason,
    }
    if with_body:
        try:
            data["event"] = json.loads(letter.body)
        except ValueError:
            data["event"] = letter.body
    return data


@app.command("list")
def list_letters(
    queue: str | None = typer.Option(None, "--queue", help="Only this queue (subscriber or worker.<tag>)."),
    tenant: str | None = TENANT,
    type_: str | None = TYPE,
    limit: int = typer.Option(100, "--limit", min=1, help="At most this many."),
    as_json: bool = typer.Option(False, "--json", help="Machine-readable output."),
) -> None:
    """List dead letters, oldest first."""
    letters = _with_transport(
        lambda _p, t: t.dead_letters(queue=queue, tenant=tenant, type=type_, limit=limit)
    )
    if as_json:
        typer.echo(json.dumps([_as_dict(x) for x in letters], ensure_ascii=False))
        return
    if not letters:
        typer.echo("no dead letters")
        return
    for x in letters:
        typer.echo(
            f"{x.event_id}  {x.queue:<24} {x.tenant:<12} {x.type:<32} tries={x.attempts}  {x.reason[:80]}"
        )
    typer.echo(f"{len(letters)} dead letter(s)")


@app.command("show")
def show(
    event_id: str = typer.Argument(..., help="The event id (from `genius dlq list`)."),
    queue: str | None = typer.Option(None, "--queue", help="The queue, when the event died in several."),
) -> None:
    """Show one dead letter with its full CloudEvent (JSON)."""
    letters = _with_transport(lambda _p, t: t.dead_letters(queue=queue, limit=100_000))
    found = [x for x in letters if x.event_id == event_id]
    if not found:
        typer.secho(f"error: no dead letter with event id {event_id!r}", err=True, fg="red")
        raise typer.Exit(1)
    typer.echo(json.dumps([_as_dict(x, with_body=True) for x in found], indent=2, ensure_ascii=False))


def _settle(
    action: str, queue: str, event_ids: Sequence[str], tenant: str | None, type_: str | None, all_: bool
) -> None:
    if not event_ids and not all_ and tenant is None and type_ is None:
        typer.secho(
            f"error: name the event ids to {action}, or select with --tenant/--type, or pass --all",
            err=True,
            fg="red",
        )
        raise typer.Exit(2)

    async def work(platform: Any, transport: Transport) -> list[DeadLetter]:
        ids = list(event_ids) or None
        candidates = await transport.dead_letters(queue=queue, tenant=tenant, type=type_, limit=1_000_000)
        chosen = [x for x in candidates if ids is None or x.event_id in ids]
        if not chosen:
            return []
        settle = transport.replay if action == "replay" else transport.purge
        done = set(await settle(queue, [x.event_id for x in chosen], tenant=tenant, type=type_))
        settled = [x for x in chosen if x.event_id in done]
        await asyncio.to_thread(_audit, platform, action, queue, settled)
        return settled

    settled = _with_transport(work)
    verb = "replayed" if action == "replay" else "purged"
    typer.echo(f"{verb} {len(settled)} dead letter(s) of {queue}")
    if event_ids and len(settled) < len(set(event_ids)):
        missing = sorted(set(event_ids) - {x.event_id for x in settled})
        typer.secho(f"not found in {queue}: {', '.join(missing)}", err=True, fg="yellow")
        raise typer.Exit(1)


def _audit(platform: Any, action: str, queue: str, settled: Sequence[DeadLetter]) -> None:
    """One audit event per tenant touched, in that tenant's outbox."""
    from genius.platform.bus.handlers import RegistryTenants
    from genius.platform.db.uow import UnitOfWork

    by_tenant: dict[str, list[str]] = defaultdict(list)
    for letter in settled:
        if letter.tenant:
            by_tenant[letter.tenant].append(letter.event_id)
    resolve = RegistryTenants(platform.tenants)
    operator = getpass.getuser()
    cls = DeadLettersReplayed if action == "replay" else DeadLettersPurged
    for slug, ids in sorted(by_tenant.items()):
        try:
            ctx = resolve(slug)
        except GeniusError:
            continue  # a tenant deleted since: nothing to audit into
        with UnitOfWork(platform.databases, tenant=ctx) as uow:
            uow.publish(cls(queue=queue, event_ids=ids, operator=operator))


@app.command("replay")
def replay(
    queue: str = typer.Option(..., "--queue", help="The queue whose dead letters go back to it."),
    event_ids: list[str] = typer.Argument(None, help="Event ids; none = all that match the filters."),
    tenant: str | None = TENANT,
    type_: str | None = TYPE,
    all_: bool = typer.Option(False, "--all", help="Every dead letter of the queue."),
) -> None:
    """Send dead letters back to their queue (after the handler was fixed), attempts reset."""
    _settle("replay", queue, event_ids or [], tenant, type_, all_)


@app.command("purge")
def purge(
    queue: str = typer.Option(..., "--queue", help="The queue whose dead letters are deleted."),
    event_ids: list[str] = typer.Argument(None, help="Event ids; none = all that match the filters."),
    tenant: str | None = TENANT,
    type_: str | None = TYPE,
    all_: bool = typer.Option(False, "--all", help="Every dead letter of the queue."),
    yes: bool = typer.Option(False, "--yes", help="Do not ask for confirmation."),
) -> None:
    """Delete dead letters for good."""
    if not yes:
        typer.confirm(f"Delete dead letters of {queue} for good?", abort=True)
    _settle("purge", queue, event_ids or [], tenant, type_, all_)
