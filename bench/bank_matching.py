"""Precision and recall of bank line matching on a seeded, generated test set (docs/bank-matching.md).

    python -m bench.bank_matching            print the report
    python -m bench.bank_matching --write    also write docs/bank-matching.md
    python -m bench bank_matching            through the benchmark runner

The set (generated in bench/_bank_data.py): partners with Romanian names, CUIs and IBANs;
customer invoices (series GEN, yearly FCT2026-) and supplier invoices; bank lines written the way
payers write them, with noise: typos in names, truncated names, numbers without series or
missing, a digit wrong, combined payments of 2-3 invoices, partial payments, amounts short by a
bank fee, and unrelated lines (salaries, taxes, POS settlements, transfers, unknown payers, some
for the amount of an open invoice). Each line knows its true invoices; an automatic match counts
as correct only when it settles exactly those.
"""

from __future__ import annotations

import sys
import time
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from bench._bank_data import SEED, TestSet, generate
from genius.apps.accounting.bank.domain.matching import AUTO_RECONCILE_THRESHOLD, match_lines
from genius.apps.accounting.bank.domain.model import ItemKind

DOCS = Path(__file__).resolve().parent.parent / "docs" / "bank-matching.md"
__all__ = ["SEED", "Score", "TestSet", "evaluate", "generate", "render", "run"]


@dataclass
class Score:
    lines: int = 0
    matchable: int = 0
    auto: int = 0
    auto_correct: int = 0
    proposed: int = 0
    top1: int = 0
    top3: int = 0


def evaluate(test: TestSet, threshold: float = AUTO_RECONCILE_THRESHOLD) -> tuple[dict[str, Score], float]:
    started = time.perf_counter()
    decisions = match_lines(test.lines, test.items, threshold=threshold)
    elapsed = time.perf_counter() - started
    scores: dict[str, Score] = defaultdict(Score)
    for decision in decisions:
        true = test.truth[decision.line_id]
        for key in ("all", test.scenario[decision.line_id]):
            s = scores[key]
            s.lines += 1
            s.matchable += bool(true)
            if decision.auto is not None:
                s.auto += 1
                s.auto_correct += frozenset(decision.auto.item_ids) == true and bool(true)
            elif true:
                s.proposed += bool(decision.candidates)
                ranked = [frozenset(c.item_ids) for c in decision.candidates]
                s.top1 += bool(ranked) and ranked[0] == true
                s.top3 += true in ranked[:3]
    return dict(scores), elapsed


def _pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "-"


def render(seed: int = SEED) -> str:
    test = generate(seed)
    scores, elapsed = evaluate(test)
    total = scores["all"]
    precision = total.auto_correct / total.auto if total.auto else 1.0
    recall = total.auto_correct / total.matchable if total.matchable else 0.0
    manual = total.matchable - total.auto_correct
    payables = sum(i.kind is ItemKind.PAYABLE for i in test.items)
    per_line = elapsed * 1e6 / max(total.lines, 1)
    out = [
        f"Seed {seed}: {len(test.items)} open invoices ({payables} from suppliers), {len(test.partners)} "
        f"partners, {total.lines} bank lines ({total.matchable} paying known invoices). Threshold "
        f"{AUTO_RECONCILE_THRESHOLD}. Matching took {elapsed * 1000:.0f} ms ({per_line:.0f} us per line).",
        "",
        f"- **Automatic matches: precision {precision:.3f}, recall {recall:.3f}** ({total.auto_correct} "
        f"correct of {total.auto} automatic; {total.matchable} lines pay known invoices)",
        f"- Lines left to a person that pay known invoices: {manual}; the right answer is the first "
        f"candidate for {_pct(total.top1, manual)} of those, among the first three for "
        f"{_pct(total.top3, manual)}",
        "",
        "| scenario | lines | pay invoices | automatic | correct | precision | recall | top-1 of the rest "
        "| top-3 |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name in sorted(scores, key=lambda k: (k != "all", k)):
        s = scores[name]
        rest = s.matchable - s.auto_correct
        out.append(
            f"| {name} | {s.lines} | {s.matchable} | {s.auto} | {s.auto_correct} "
            f"| {_pct(s.auto_correct, s.auto)} | {_pct(s.auto_correct, s.matchable)} | {_pct(s.top1, rest)} "
            f"| {_pct(s.top3, rest)} |"
        )
    return "\n".join(out) + "\n"


def run() -> str:
    return "## Bank line matching\n\n" + render()


def main(argv: list[str]) -> int:
    from bench.__main__ import machine_line

    stamp = f"Run {date.today().isoformat()} on {machine_line()}.\n\n"
    report = stamp + render()
    print(report)
    if "--write" in argv:
        text = DOCS.read_text() if DOCS.exists() else ""
        begin, end = "<!-- results:begin -->", "<!-- results:end -->"
        if begin in text and end in text:
            head, rest = text.split(begin, 1)
            text = f"{head}{begin}\n{report}{end}{rest.split(end, 1)[1]}"
        else:
            text = f"{text}\n{begin}\n{report}{end}\n"
        DOCS.write_text(text)
        print(f"wrote {DOCS}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
