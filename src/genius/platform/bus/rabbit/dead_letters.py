"""The RabbitMQ dead-letter queue (``ns.dead-letters``): list, replay and purge its messages.

RabbitMQ cannot read a queue without taking its messages, so each operation takes (unacked) up to
``BROWSE_LIMIT`` dead letters on a connection of its own: the ones it settles are acked (after a
confirmed republish for a replay), and closing the connection puts every other one back.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING

import aio_pika
import aiormq
from aio_pika.abc import AbstractConnection, AbstractIncomingMessage

from genius.platform.bus.envelope import Envelope, EnvelopeError
from genius.platform.bus.rabbit.headers import (
    ATTEMPT_HEADER,
    DEAD_AT_HEADER,
    QUEUE_HEADER,
    REASON_HEADER,
    header_text,
)
from genius.platform.bus.transport import DeadLetter, matches_filters

if TYPE_CHECKING:
    from genius.platform.bus.rabbit.transport import RabbitTransport

# Dead letters read per browse of the dead-letter queue (list/replay/purge).
BROWSE_LIMIT = 10_000
# Headers of a dead letter that a replay drops: the message starts over as it was first sent.
_DEATH_HEADERS = ("x-death", ATTEMPT_HEADER, QUEUE_HEADER, REASON_HEADER, DEAD_AT_HEADER)


async def _browse(t: RabbitTransport) -> tuple[AbstractConnection, list[AbstractIncomingMessage]]:
    """Take (unacked) up to BROWSE_LIMIT dead letters; closing the connection puts the rest back."""
    await t.start()  # the dead-letter queue is declared with the connection
    conn = await aio_pika.connect(t.url, timeout=10)
    channel = await conn.channel()
    queue = await channel.get_queue(t.dead_queue, ensure=True)
    taken: list[AbstractIncomingMessage] = []
    while len(taken) < BROWSE_LIMIT:
        message = await queue.get(no_ack=False, fail=False, timeout=10)
        if message is None:
            break
        taken.append(message)
    return conn, taken


def _letter(t: RabbitTransport, message: AbstractIncomingMessage) -> DeadLetter:
    headers = dict(message.headers or {})
    queue = header_text(headers.get(QUEUE_HEADER))
    reason = header_text(headers.get(REASON_HEADER))
    if not queue:  # dead-lettered by the broker itself (x-delivery-limit), not by a consumer
        deaths = headers.get("x-death") or []
        first = deaths[0] if deaths else {}
        queue = t.short(header_text(first.get("queue")))
        reason = reason or f"{header_text(first.get('reason'))} (broker)"
    try:
        env = Envelope.from_amqp(headers, message.body, message.content_type)
        event_id, type_, tenant, body = env.id, env.type, env.tenant, env.to_json().decode()
    except EnvelopeError:
        event_id = message.message_id or ""
        type_, tenant, body = header_text(message.type), "", message.body.decode(errors="replace")
    dead_at = header_text(headers.get(DEAD_AT_HEADER))
    return DeadLetter(
        queue=queue,
        event_id=event_id,
        type=type_,
        tenant=tenant,
        reason=reason,
        attempts=int(headers.get(ATTEMPT_HEADER) or 1),
        dead_at=datetime.fromisoformat(dead_at) if dead_at else None,
        body=body,
    )


async def letters(
    t: RabbitTransport, *, queue: str | None, tenant: str | None, type_: str | None, limit: int
) -> list[DeadLetter]:
    conn, taken = await _browse(t)
    try:
        found = [_letter(t, m) for m in taken]
        wanted = [x for x in found if queue is None or x.queue == queue]
        return [x for x in wanted if matches_filters(x, tenant, type_, None)][:limit]
    finally:
        await conn.close()  # everything taken goes back to the dead-letter queue


async def settle(
    t: RabbitTransport,
    queue: str,
    ids: Sequence[str] | None,
    tenant: str | None,
    type_: str | None,
    *,
    replay: bool,
) -> list[str]:
    """Replay (republish to ``queue``, confirmed, then ack) or purge (ack) the matching letters."""
    conn, taken = await _browse(t)
    done: list[str] = []
    try:
        for message in taken:
            letter = _letter(t, message)
            if letter.queue != queue or not matches_filters(letter, tenant, type_, ids):
                continue
            if replay:
                headers = {
                    k: v
                    for k, v in (message.headers or {}).items()
                    if k not in _DEATH_HEADERS and not k.startswith(("x-first-death", "x-last-death"))
                }
                properties = aiormq.spec.Basic.Properties(
                    content_type=message.content_type,
                    headers=headers,
                    delivery_mode=2,
                    message_id=message.message_id,
                    correlation_id=message.correlation_id,
                    timestamp=message.timestamp,
                    message_type=message.type,
                )
                await t._publish_raw("", t.qname(queue), message.body, properties)
            await message.ack()
            done.append(letter.event_id)
    finally:
        await conn.close()
    return done
