"""The circuit breaker's state machine (closed, open, half-open), as one pure transition function.

The same rules run in process (``MemoryBreakerStore``) and inside Redis as a Lua script
(``RedisBreakerStore``), so every process sharing a Redis sees one breaker per name:

* closed: calls pass; each counted failure adds one, a success resets the count; at
  ``failure_threshold`` consecutive failures it opens;
* open: calls are refused (``CircuitOpen``) until ``reset_timeout`` seconds have passed since it
  opened, then it turns half-open;
* half-open: up to ``half_open_calls`` trial calls pass, the rest are refused; a trial success
  closes it, a trial failure opens it again. Trials whose caller vanished (a process killed
  mid-call) stop blocking after another ``reset_timeout``.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum, StrEnum

from genius.platform.resilience.policy import BreakerPolicy


class BreakerState(StrEnum):
    CLOSED = "closed"
    OPEN = "open"
    HALF_OPEN = "half_open"


class StateCode(IntEnum):
    """The value of the ``genius_resilience_breaker_state`` gauge."""

    CLOSED = 0
    HALF_OPEN = 1
    OPEN = 2


class Op(StrEnum):
    ACQUIRE = "acquire"
    SUCCESS = "success"
    FAILURE = "failure"


class Decision(StrEnum):
    ALLOWED = "allowed"  # closed: a normal call
    TRIAL = "trial"  # half-open: one of the trial calls
    REJECTED = "rejected"  # open, or half-open with every trial slot taken
    RECORDED = "recorded"  # the answer to SUCCESS / FAILURE


@dataclass
class BreakerRecord:
    """What a store keeps per breaker name; ``since`` is when it opened (or went half-open)."""

    state: BreakerState = BreakerState.CLOSED
    failures: int = 0
    since: float = 0.0
    trials: int = 0


@dataclass(frozen=True)
class Outcome:
    decision: Decision
    state: BreakerState
    # Seconds until an open breaker lets a trial through (0 when not open).
    retry_after: float = 0.0


def transition(record: BreakerRecord, op: Op, now: float, policy: BreakerPolicy, trial: bool) -> Outcome:
    """Apply ``op`` to ``record`` in place; the Lua script in ``stores`` mirrors this line by line."""
    if op is Op.ACQUIRE:
        if record.state is BreakerState.OPEN:
            if now - record.since < policy.reset_timeout:
                return Outcome(Decision.REJECTED, record.state, policy.reset_timeout - (now - record.since))
            record.state, record.since, record.trials = BreakerState.HALF_OPEN, now, 0
        if record.state is BreakerState.HALF_OPEN:
            if record.trials >= policy.half_open_calls:
                if now - record.since < policy.reset_timeout:
                    return Outcome(Decision.REJECTED, record.state, 0.0)
                record.trials, record.since = 0, now  # the trial callers vanished: grant again
            record.trials += 1
            return Outcome(Decision.TRIAL, record.state)
        return Outcome(Decision.ALLOWED, record.state)
    if op is Op.SUCCESS:
        # A success that started before the breaker opened elsewhere says nothing about now.
        if record.state is BreakerState.CLOSED or (record.state is BreakerState.HALF_OPEN and trial):
            record.state, record.failures, record.trials = BreakerState.CLOSED, 0, 0
        return Outcome(Decision.RECORDED, record.state)
    # FAILURE
    if record.state is BreakerState.HALF_OPEN and trial:
        record.state, record.since, record.trials = BreakerState.OPEN, now, 0
    elif record.state is BreakerState.CLOSED:
        record.failures += 1
        if record.failures >= policy.failure_threshold:
            record.state, record.since, record.trials = BreakerState.OPEN, now, 0
    return Outcome(Decision.RECORDED, record.state)
