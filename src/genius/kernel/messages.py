"""Bases for commands (imperative requests) and domain events (past-tense facts)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar


@dataclass(frozen=True)
class Command:
    """A request to change state, handled by exactly one handler (``IssueInvoice``)."""


@dataclass(frozen=True)
class Event:
    """A fact that happened; ``event_type`` is ``<app>.<aggregate>.<past_tense>``."""

    event_type: ClassVar[str] = ""
    schema_version: ClassVar[int] = 1
