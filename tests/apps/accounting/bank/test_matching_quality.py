"""Floors on matching quality over the generated test set of docs/bank-matching.md (bench/bank_matching)."""

from __future__ import annotations

import pytest
from bench.bank_matching import SEED, evaluate, generate

PRECISION_FLOOR = 0.98  # an automatic match that is wrong posts a wrong receipt: almost never
RECALL_FLOOR = 0.70  # most lines that pay known invoices need nobody
TOP3_FLOOR = 0.90  # the rest: the right answer is among the first three candidates


@pytest.mark.parametrize("seed", [SEED, 7])
def test_automatic_matches_are_precise_and_the_rest_well_proposed(seed: int) -> None:
    test = generate(seed)
    scores, _elapsed = evaluate(test)
    total = scores["all"]
    assert total.matchable > 250 and total.lines > 350  # the set is what the report describes
    precision = total.auto_correct / total.auto
    recall = total.auto_correct / total.matchable
    left = total.matchable - total.auto_correct
    assert precision >= PRECISION_FLOOR, precision
    assert recall >= RECALL_FLOOR, recall
    assert total.top3 / left >= TOP3_FLOOR, total.top3 / left
    for unrelated in ("unrelated", "unknown_payer"):
        assert scores[unrelated].auto == 0, f"{unrelated} lines were reconciled"
    for kind in ("clean", "combined_named", "supplier_payment"):
        assert scores[kind].auto_correct == scores[kind].matchable, kind


def test_the_set_is_seeded() -> None:
    one, two = generate(SEED), generate(SEED)
    assert [line.remittance for line in one.lines] == [line.remittance for line in two.lines]
    assert one.truth == two.truth
