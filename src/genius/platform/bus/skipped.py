"""The outbox seqs a relay's reads skipped, to look for again: late commits of lower seqs.

PostgreSQL hands out ``seq`` when a row is inserted, not when its transaction commits, so with
several producers a read can see seq 101 while the transaction holding seq 100 is still open. The
relay's cursor is then past 100; before this, 100 waited until the cursor was reset (every row
taken marked sent and no publish in flight), which a steady stream rarely allows: 68 of 5,000
events took 100 ms or more at 1,000 events/s (docs/benchmarks.md, session 5). Now every seq a read
passed over is read again by the next reads, by key, until it comes or ``KEEP_SECONDS`` pass (a
rolled-back transaction's seq never comes; the cursor reset still finds anything given up on). On
SQLite seqs commit in order (one writer), so nothing is ever skipped there.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

from genius.kernel.errors import ValidationError

# How long a skipped seq is looked for: longer than a unit of work stays open between its outbox
# insert and its commit, short enough that rolled-back seqs do not pile up in every read.
KEEP_SECONDS = 30.0
# At most this many skipped seqs are remembered per tenant (a read passing over more, as after
# another relay held the lease, remembers none of them): each is a key in every read's query.
MOST_REMEMBERED = 2_000


class SkippedSeqs:
    """One tenant's skipped seqs: ``saw`` notes each read's rows, ``wanted`` lists what to read again."""

    def __init__(
        self,
        *,
        keep_seconds: float = KEEP_SECONDS,
        most: int = MOST_REMEMBERED,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if keep_seconds <= 0:
            raise ValidationError.for_field("keep_seconds", "must be positive")
        if most < 0:
            raise ValidationError.for_field("most", "must not be negative")
        self.keep_seconds = keep_seconds
        self.most = most
        self.clock = clock
        self._high: int | None = None  # the highest seq any read returned
        self._until: dict[int, float] = {}  # skipped seq -> when to stop looking for it

    def __len__(self) -> int:
        return len(self._until)

    def wanted(self, after: int) -> list[int]:
        """The skipped seqs at or below ``after`` (a read past ``after`` finds the others anyway)."""
        if not self._until:
            return []
        now = self.clock()
        for seq in [s for s, until in self._until.items() if until <= now]:
            del self._until[seq]
        return sorted(s for s in self._until if s <= after)

    def saw(self, seqs: Sequence[int]) -> None:
        """Note the seqs one read returned, ascending: every seq between the highest seen before and
        the last of these that did not come is skipped (its transaction had not committed)."""
        for seq in seqs:
            self._until.pop(seq, None)
        if not seqs:
            return
        top = seqs[-1]
        low = seqs[0] if self._high is None else self._high
        if top > low:
            missing = top - low - sum(1 for s in seqs if s > low)
            if missing > 0 and len(self._until) + missing <= self.most:
                returned, until = set(seqs), self.clock() + self.keep_seconds
                self._until.update((s, until) for s in range(low + 1, top) if s not in returned)
        self._high = max(low, top)
