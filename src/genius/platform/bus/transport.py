"""The transport port: what the relay and consumers need from a broker, and the types they exchange.

Two adapters implement it with the same semantics (the contract tests in tests/platform/bus run
against both): ``LocalTransport`` (a durable queue in a SQLite file, the embedded default) and
``RabbitTransport`` (aio-pika). Bootstrap picks one from ``settings.amqp_url``.

Semantics both keep:

* topic routing: a message goes to every queue bound to a pattern matching its type
  (``*`` one word, ``#`` zero or more words, as AMQP topic exchanges), or to one named queue;
* ``publish`` returns only when the broker holds the messages durably (publisher confirms);
* at-least-once delivery with acks; a delivery not acked (consumer crashed) comes back;
* ``retry`` hands a message back after a delay, ``dead_letter`` parks it in the queue's dead
  letters, from where an operator can list, show, replay or purge it;
* a message delivered more than ``max_deliveries`` times without an ack or a retry (it crashes
  its consumer every time) is dead-lettered by the transport itself.
"""

from __future__ import annotations

import random
import re
from abc import ABC, abstractmethod
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from genius.kernel.errors import ExternalServiceError, ValidationError
from genius.platform.bus.envelope import Envelope

# A message that crashed its consumer this many times is dead-lettered (quorum x-delivery-limit).
DEFAULT_MAX_DELIVERIES = 20
_QUEUE_NAME = re.compile(r"^[a-z0-9][a-z0-9_.\-]{0,150}$")
_PATTERN = re.compile(r"^([a-z0-9_]+|\*|#)(\.([a-z0-9_]+|\*|#))*$")


class TransportError(ExternalServiceError):
    """The broker did not accept or deliver: connection lost, publish not confirmed, unroutable."""

    code = "bus_transport_error"


@dataclass(frozen=True)
class QueueSpec:
    """A durable queue and the topic patterns it is bound to."""

    name: str
    patterns: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not _QUEUE_NAME.fullmatch(self.name):
            raise ValidationError.for_field("queue", f"{self.name!r}: lowercase letters, digits, . _ -")
        for pattern in self.patterns:
            if not _PATTERN.fullmatch(pattern):
                raise ValidationError.for_field(
                    "patterns", f"{pattern!r} is not a topic pattern (a.b.*, a.#)"
                )


def worker_queue(tag: str) -> QueueSpec:
    """The queue of a worker tag: ``worker.<tag>``, bound to ``worker.request.<tag>``."""
    return QueueSpec(f"worker.{tag}", (f"worker.request.{tag}",))


@dataclass(frozen=True)
class RetryPolicy:
    """Exponential backoff with jitter; after ``max_attempts`` failed attempts, the dead letters."""

    max_attempts: int = 5
    base_delay: float = 1.0
    max_delay: float = 300.0
    # Each delay is stretched by up to this fraction at random, so retries of a burst spread out.
    jitter: float = 0.2

    def __post_init__(self) -> None:
        if self.max_attempts < 1:
            raise ValidationError.for_field("max_attempts", "at least 1")
        if self.base_delay < 0 or self.max_delay < self.base_delay:
            raise ValidationError.for_field("base_delay", "0 <= base_delay <= max_delay")
        if not 0 <= self.jitter <= 1:
            raise ValidationError.for_field("jitter", "between 0 and 1")

    def tier(self, attempt: int) -> float:
        """The un-jittered delay before attempt ``attempt + 1`` (attempt counts from 1)."""
        return min(self.max_delay, self.base_delay * (2 ** (attempt - 1)))

    def delay(self, attempt: int) -> float:
        return self.tier(attempt) * (1 + random.random() * self.jitter)


@dataclass(frozen=True)
class Outgoing:
    """An envelope to publish: by topic (its type), or to one named queue (a replay)."""

    envelope: Envelope
    target_queue: str | None = None


@dataclass
class Delivery:
    """One received message. ``attempt`` counts handler attempts (1 the first time)."""

    envelope: Envelope | None
    queue: str
    attempt: int
    redelivered: bool
    raw: bytes = b""
    # Why ``envelope`` is None: the body was not a valid CloudEvent of ours.
    decode_error: str | None = None
    # Transport's handle for ack/retry/dead_letter.
    handle: object = field(default=None, repr=False)


@dataclass(frozen=True)
class DeadLetter:
    """A parked message, as ``genius dlq`` shows it."""

    queue: str
    event_id: str
    type: str
    tenant: str
    reason: str
    attempts: int
    dead_at: datetime | None
    body: str


def topic_matches(pattern: str, routing_key: str) -> bool:
    """AMQP topic matching: ``*`` is exactly one word, ``#`` zero or more words."""
    return _match(pattern.split("."), routing_key.split("."))


def _match(pattern: list[str], words: list[str]) -> bool:
    if not pattern:
        return not words
    head, rest = pattern[0], pattern[1:]
    if head == "#":
        return any(_match(rest, words[i:]) for i in range(len(words) + 1))
    if not words:
        return False
    return (head == "*" or head == words[0]) and _match(rest, words[1:])


class Subscription(ABC):
    """A stream of deliveries from one queue, with at most ``prefetch`` unacknowledged."""

    @abstractmethod
    async def take(self, max_count: int) -> list[Delivery]:
        """Wait for at least one delivery and return up to ``max_count`` that are ready.

        Returns ``[]`` once the subscription is closed; raises ``TransportError`` when the
        connection is lost (unacknowledged messages then come back to the queue).
        """

    async def __aiter__(self) -> AsyncIterator[Delivery]:
        while batch := await self.take(1):
            for delivery in batch:
                yield delivery

    @abstractmethod
    async def ack(self, delivery: Delivery) -> None: ...

    @abstractmethod
    async def retry(self, delivery: Delivery, delay: float, error: str) -> None:
        """Deliver again after ``delay`` seconds with ``attempt + 1``."""

    @abstractmethod
    async def dead_letter(self, delivery: Delivery, reason: str) -> None: ...

    @abstractmethod
    async def release(self, delivery: Delivery) -> None:
        """Give an unstarted or interrupted message back at once, attempt unchanged (shutdown)."""

    @abstractmethod
    async def close(self) -> None:
        """Stop receiving; messages not acked come back to the queue."""


class Transport(ABC):
    """A broker: declare queues, publish with confirms, subscribe, manage dead letters."""

    name: str = "transport"

    @abstractmethod
    async def start(self) -> None: ...

    @abstractmethod
    async def close(self) -> None: ...

    @abstractmethod
    async def declare(self, spec: QueueSpec) -> None:
        """Create the queue, its bindings and its dead-letter queue (idempotent)."""

    @abstractmethod
    async def publish(self, messages: Sequence[Outgoing]) -> list[bool]:
        """Publish; per message, True once the broker confirmed it durably, False if it did not."""

    @abstractmethod
    async def subscribe(self, queue: str, *, prefetch: int) -> Subscription: ...

    @abstractmethod
    async def dead_letters(
        self,
        *,
        queue: str | None = None,
        tenant: str | None = None,
        type: str | None = None,
        limit: int = 100,
    ) -> list[DeadLetter]: ...

    @abstractmethod
    async def replay(
        self,
        queue: str,
        event_ids: Sequence[str] | None = None,
        *,
        tenant: str | None = None,
        type: str | None = None,
    ) -> list[str]:
        """Send dead letters of ``queue`` back to it (all matching when ``event_ids`` is None)."""

    @abstractmethod
    async def purge(
        self,
        queue: str,
        event_ids: Sequence[str] | None = None,
        *,
        tenant: str | None = None,
        type: str | None = None,
    ) -> list[str]:
        """Delete dead letters of ``queue`` for good; returns the ids deleted."""

    @abstractmethod
    async def queue_depth(self, queue: str) -> int:
        """Messages waiting in ``queue`` (ready, leased or delayed; not dead)."""


def matches_filters(
    letter: DeadLetter, tenant: str | None, type_: str | None, ids: Sequence[str] | None
) -> bool:
    return (
        (tenant is None or letter.tenant == tenant)
        and (type_ is None or letter.type == type_)
        and (ids is None or letter.event_id in ids)
    )
