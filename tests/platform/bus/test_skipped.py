"""SkippedSeqs: which outbox seqs a relay's reads passed over, for how long it looks for them, and the
outbox read that finds them."""

from __future__ import annotations

import pytest

from genius.kernel.errors import ValidationError
from genius.platform.bus import outbox
from genius.platform.bus.skipped import SkippedSeqs
from tests.platform.bus.conftest import World
from tests.platform.bus.helpers import publish_probes


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_seqs_between_reads_that_did_not_come_are_wanted_until_they_do() -> None:
    skipped = SkippedSeqs(clock=Clock())
    skipped.saw([1, 2, 3])
    skipped.saw([5, 7])  # 4 and 6 were not committed yet
    assert skipped.wanted(after=7) == [4, 6]
    assert skipped.wanted(after=5) == [4]  # 6 is past the cursor: the read finds it anyway
    skipped.saw([4, 8])
    assert skipped.wanted(after=8) == [6]
    skipped.saw([6])  # a late row below the highest seen changes nothing else
    assert skipped.wanted(after=8) == []
    assert len(skipped) == 0


def test_the_first_read_skips_only_between_its_own_rows() -> None:
    skipped = SkippedSeqs(clock=Clock())
    skipped.saw([])
    skipped.saw([40, 42])  # below 40: published long ago, or found by the cursor reset
    assert skipped.wanted(after=42) == [41]


def test_a_skipped_seq_is_given_up_after_keep_seconds() -> None:
    clock = Clock()
    skipped = SkippedSeqs(keep_seconds=30.0, clock=clock)
    skipped.saw([1, 3])
    clock.now += 29.9
    assert skipped.wanted(after=3) == [2]
    clock.now += 0.1
    assert skipped.wanted(after=3) == []  # a rolled-back transaction's seq never comes


def test_a_read_passing_over_more_than_most_remembers_none_of_them() -> None:
    skipped = SkippedSeqs(most=3, clock=Clock())
    skipped.saw([1])
    skipped.saw([10])  # 8 seqs missing, as after another relay held the lease
    assert skipped.wanted(after=10) == []
    skipped.saw([12])
    assert skipped.wanted(after=12) == [11]


@pytest.mark.parametrize(("option", "value"), [("keep_seconds", 0.0), ("most", -1)])
def test_bad_options_are_refused_naming_them(option: str, value: float) -> None:
    with pytest.raises(ValidationError, match=option):
        SkippedSeqs(**{option: value})  # type: ignore[arg-type]


def test_pending_reads_skipped_seqs_below_the_cursor_with_the_rows_past_it(world: World) -> None:
    publish_probes(world, 6, batch=1)
    with world.engine().connect() as conn:
        rows = outbox.pending(conn, 10, after=4, also=[2])
        assert [r.envelope.data["seq"] for r in rows] == [1, 4, 5]  # seqs start at 1, probes at 0
        assert [r.seq for r in outbox.pending(conn, 2, after=4, also=[2, 3])] == [2, 3]  # limit holds
