"""The relay's outbox reads during bench/bus.py's latency run: which events a read passed over.

A read that starts after an event's outbox commit had returned sees the row (each statement takes a
new snapshot), so unless the row is already in flight it should return it. Counting the reads that
did not is the latency leg's cause, measured without the clock's noise on a shared VM: before the
skipped seqs (genius.platform.bus.skipped), on PostgreSQL an event committed after a higher seq had
been read waited for the cursor reset, passed over by dozens of reads.
"""

from __future__ import annotations

import bisect
import time
from collections.abc import Sequence

from genius.platform.bus.outbox import OutboxRow
from genius.platform.bus.relay import Relay


class ReadLog:
    """Wraps ``relay``'s outbox read: when each read started and the probe seqs it returned."""

    def __init__(self, relay: Relay) -> None:
        self.started: list[float] = []  # wall clock, ascending (one read at a time per tenant)
        self.first_read: dict[int, int] = {}  # probe seq -> index of the first read that returned it
        take = relay._take

        def logged_take(slug: str) -> list[OutboxRow]:
            began = time.time()
            rows = take(slug)
            index = len(self.started)
            self.started.append(began)
            for row in rows:
                self.first_read.setdefault(int(row.envelope.data["seq"]), index)
            return rows

        relay._take = logged_take  # type: ignore[method-assign]

    def passed_over(self, produced: Sequence[float], seqs: Sequence[int]) -> str:
        """How many of ``seqs`` a read started after their commit (``produced``) did not return."""
        counts = []
        for seq in seqs:
            first = self.first_read[seq]
            counts.append(max(0, first - bisect.bisect_right(self.started, produced[seq], hi=first)))
        over = [n for n in counts if n]
        return (
            f"{len(self.started):,} reads; {len(over)} events passed over by a read after their commit "
            f"(by {max(over, default=0)} reads at most)"
        )
