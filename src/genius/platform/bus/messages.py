"""Message types the bus itself publishes: the probe event, the echo worker pair, dead-letter audit events."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, ClassVar

from genius.kernel.messages import Event


@dataclass(frozen=True)
class ProbeSent(Event):
    """A probe passed through the bus (health checks, benchmarks, contract tests)."""

    event_type: ClassVar[str] = "bus.probe.sent"
    schema_version: ClassVar[int] = 1

    seq: Annotated[int, "Sequence number of the probe within its run"]
    note: Annotated[str, "Free text carried unchanged, to check payload integrity"] = ""


@dataclass(frozen=True)
class EchoRequested(Event):
    """Ask the echo worker to send back a text (the smallest request/reply round trip)."""

    event_type: ClassVar[str] = "worker.request.echo"
    schema_version: ClassVar[int] = 1

    text: Annotated[str, "Text the worker returns"]


@dataclass(frozen=True)
class EchoReplied(Event):
    """The echo worker's reply; the envelope's correlationid is the request's id."""

    event_type: ClassVar[str] = "worker.response.echo"
    schema_version: ClassVar[int] = 1

    text: Annotated[str, "The text of the request"]


@dataclass(frozen=True)
class DeadLettersReplayed(Event):
    """An operator sent dead letters back to their queue (`genius dlq replay`)."""

    event_type: ClassVar[str] = "audit.bus.dead_letters_replayed"
    schema_version: ClassVar[int] = 1

    queue: Annotated[str, "The queue the messages were replayed to"]
    event_ids: Annotated[list[str], "Ids of the replayed messages"]
    operator: Annotated[str, "Who ran the command (OS user or user id)"]


@dataclass(frozen=True)
class DeadLettersPurged(Event):
    """An operator deleted dead letters for good (`genius dlq purge`)."""

    event_type: ClassVar[str] = "audit.bus.dead_letters_purged"
    schema_version: ClassVar[int] = 1

    queue: Annotated[str, "The queue whose dead letters were deleted"]
    event_ids: Annotated[list[str], "Ids of the deleted messages"]
    operator: Annotated[str, "Who ran the command (OS user or user id)"]
